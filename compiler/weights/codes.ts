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
  RPN3121: "an input tensor file (rpnc run -i) whose shape does not fit the model's input ([batch, m] for rpnc's models; the declared rank and fixed dimensions for others)",
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
  // torch.save checkpoints and tinybig pickles (compiler/weights/torch-zip.ts, pickle.ts, torch-checkpoint.ts)
  RPN3501: 'torch.save archive malformed: no end record, entries outside the file or overlapping, bad local header, CRC-32 mismatch',
  RPN3502: 'torch.save archive entry compressed or encrypted (torch stores records uncompressed)',
  RPN3503: 'torch.save archive entry name unsafe: absolute, `..`, backslash, control characters, duplicate, outside the top folder',
  RPN3504: 'torch.save archive incomplete or unsupported: no data.pkl (e.g. a TorchScript archive), a missing storage record, big-endian byteorder',
  RPN3510: 'pickle opcode refused (STACK_GLOBAL, INST, OBJ, NEWOBJ, EXT*, buffers, … or an opcode applied to an object it may not touch)',
  RPN3511: 'pickle global refused: not in the allow-list (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.<T>Storage)',
  RPN3512: "pickle persistent id refused: not ('storage', torch.<T>Storage, key, location, numel)",
  RPN3513: 'pickle limit exceeded: memo size, nesting depth, stack, string or container size, total values',
  RPN3514: 'pickle malformed: truncated, stack underflow, unknown memo entry, bytes after STOP, bad arguments to an allowed function',
  RPN3520: 'a tensor reaches beyond its storage, or a storage record is shorter than declared',
  RPN3521: 'the checkpoint is not a state_dict (a dict of str → tensor)',
  RPN3522: 'warning: float64 / float16 / bfloat16 tensors converted to float32',
  RPN3523: 'legacy (pre-1.6, non-zip) torch.save format: re-save it in the zip format',
  RPN3524: 'a pickle given as weights (not a torch.save archive)',
  RPN3525: 'a tensor view that expands its storage (stride 0, overlapping strides) or copies beyond twice the file size',
  RPN3530: "a graph pickle that is not tinybig's graph dict (directed, nodes id → index, out_neighbors)",
  // seeded initialisation
  RPN3301: 'invalid random seed',
} as const;

export type WeightCode = keyof typeof WeightCodes;
