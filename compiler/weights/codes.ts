/**
 * Diagnostic codes of the weights phase (RPN3xxx): checkpoints, the weight store, seeded
 * initialisation, and input/output tensor files (`runtime/io`).
 */
export const WeightCodes = {
  // safetensors files
  RPN3001: 'weight file missing or unreadable',
  RPN3002: 'safetensors file shorter than its 8-byte header length',
  RPN3003: 'safetensors header length larger than the file or absurdly large (> 100 MB)',
  RPN3004: 'safetensors header is not valid UTF-8 JSON, not an object, or __metadata__ is not string→string',
  RPN3005: 'duplicate key in a safetensors header',
  RPN3006: 'safetensors entry malformed: dtype/shape/data_offsets missing or of the wrong type, bad dimension',
  RPN3007: 'safetensors data offsets out of range, reversed, overlapping, or not matching shape × itemsize',
  RPN3008: 'unsupported tensor dtype in a checkpoint (rpnc reads float32)',
  RPN3009: 'NaN or infinite value in a tensor',
  RPN3010: 'the same key appears in two weight files',
  RPN3011: 'cannot write a file (I/O error)',
  RPN3012: 'invalid tensor or metadata given to the safetensors writer',
  RPN3120: 'a weights file in another format (a PyTorch .pt/.pth checkpoint, a NumPy .npz/.npy, a pickle), named from its first bytes',
  RPN3121: "an input tensor file (rpnc run -i) whose shape does not fit the model's input [batch, m]",
  // weight store
  RPN3101: 'missing weight required by the model',
  RPN3102: 'weight has the wrong shape',
  RPN3103: 'weight file contains keys the model does not use',
  RPN3104: 'aliased (shared) weights differ between their indices',
  RPN3105: 'a tensor rpnc derives (B-spline knots, RBF centres) differs from the one in the checkpoint',
  RPN3106: 'side-car tensors missing: random state tinybig does not save (random-matrix / masking reconciliations) or a lazily created hypernet',
  // input/output tensor files
  RPN3201: 'tensor file missing or unreadable',
  RPN3202: 'unknown tensor file extension',
  RPN3203: 'malformed .npy file (bad magic, version or header)',
  RPN3204: 'unsupported .npy dtype',
  RPN3205: '.npy array stored in Fortran order',
  RPN3206: 'tensor shape does not match its data length',
  RPN3207: 'malformed .json tensor (invalid JSON, ragged rows, non-numbers)',
  RPN3208: 'tensor name not found (or ambiguous) in a .safetensors tensor file',
  RPN3209: 'tensor cannot be written in the requested format',
  RPN3210: 'NaN or infinite value in an input tensor',
  // seeded initialisation
  RPN3301: 'invalid random seed',
} as const;

export type WeightCode = keyof typeof WeightCodes;
