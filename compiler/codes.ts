/** Every diagnostic code rpnc can report, by phase, with a one-line description. */
import { FRONTEND_CODES } from './frontend/codes.js';
import { IMPORT_CODES } from './import/codes.js';
import { SPEC_CODES } from './spec/build.js';
import { WeightCodes } from './weights/codes.js';
import { DEPLOY_CODES } from './deploy/codes.js';

export const INTERNAL_CODES = {
  RPN4000: 'internal error (an unexpected exception in rpnc)',
  RPN4001: 'IR verification failed (a pass or the lowering produced an invalid graph)',
  RPN4002: 'IR builder / shape inference error',
  RPN4003: 'tensor or CPU evaluator error (e.g. during constant folding)',
  RPN4004: 'ONNX emission error (unknown op or attribute)',
  RPN4005: 'unknown pass name',
  RPN4101: 'no lowering for a component (a spec the lowering does not know)',
  RPN4102: 'a reconciliation that needs parameters got none',
} as const;

export const RUNTIME_CODES = {
  RPN5001: 'the CUDA execution provider cannot be loaded (missing library); no silent CPU fallback',
  RPN5002: 'ONNX Runtime could not load the model',
  RPN5003: 'ONNX Runtime failed to run the model (e.g. wrong input width)',
  RPN5101: '`rpnc check`: outputs disagree beyond the tolerance',
  RPN5102: 'warning: `rpnc check` compared no number: every output value is the same NaN or ±∞ on both sides',
  RPN5201: 'warning: nodes of the model have no CUDA kernel and will run on the CPU under the CUDA execution provider',
} as const;

export const USAGE_CODES = {
  RPN6001: 'command-line usage error (unknown command or option, missing argument)',
  RPN6002: 'bad option value or input shape on the command line',
} as const;

/** `rpnc profile` and `rpnc check --intermediates` (issue #17). */
export const TOOL_CODES = {
  RPN7101: '`rpnc profile`: the model cannot be profiled, or ONNX Runtime wrote no readable profile',
  RPN7102: '`rpnc check --intermediates`: an intermediate value (a layer, head or component output) disagrees with the reference interpreter; the first such stage is named',
} as const;

/** An .onnx file given to rpnc (inspect, run, profile, serve, export): compiler/onnx/read-onnx.ts. */
export const ONNX_FILE_CODES = {
  RPN3401: 'not an ONNX model (the file is not a valid protobuf — truncated, garbage, another format — or has no graph)',
  RPN3402: 'an ONNX file beyond rpnc\'s limits (file size, operator nodes, nesting, memory to decode it), refused before decoding',
  RPN3403: 'the ONNX path is not a regular file (a directory, a FIFO, a device) or cannot be read',
  RPN3405: 'the ONNX file does not exist (a user error: build it first, or fix the path)',
  RPN3404: '`rpnc run`: a model input or output rpnc cannot feed or write (element type, several inputs, shape)',
} as const;

export const ALL_CODES: Record<string, string> = { ...FRONTEND_CODES, ...IMPORT_CODES, ...SPEC_CODES, ...WeightCodes, ...INTERNAL_CODES, ...RUNTIME_CODES, ...USAGE_CODES, ...ONNX_FILE_CODES, ...DEPLOY_CODES, ...TOOL_CODES };
