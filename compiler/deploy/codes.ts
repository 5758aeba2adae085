/** Diagnostic codes of deployment and serving (Triton model repositories, `rpnc serve`): RPN7000–RPN7099. */
export const DEPLOY_CODES = {
  RPN7001: 'not a servable model: the ONNX file does not have exactly one float32/float16 input and one float32/float16 output of rank ≥ 1',
  RPN7002: 'Triton model repository: a config.pbtxt does not parse against Triton\'s model_config.proto, or disagrees with its model.onnx',
  RPN7003: 'Triton model repository: no model in it (no <name>/config.pbtxt), or a model without a version directory holding its model.onnx',
  RPN7004: 'bad model name for a Triton repository (letters, digits, `_`, `-`, `.`; not `.` or `..`)',
  RPN7005: '`rpnc serve` could not listen on the address (port in use, or not allowed)',
  RPN7006: '`rpnc serve`: a worker could not load the model',
  RPN7007: 'warning: batching options given for a batch-coupled or fixed-batch model are ignored (its rows are not independent: each request runs alone)',
} as const;
