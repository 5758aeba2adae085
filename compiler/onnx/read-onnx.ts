/**
 * Reading an .onnx file the user named (rpnc inspect, run, profile, serve, export triton): the one
 * way in, bounded before anything is decoded or handed to ONNX Runtime.
 *
 *   1. the path: missing (RPN3405), not a regular file — a directory, a FIFO, a device — (RPN3403);
 *   2. its size from stat, then a read that stops one byte past the limit: MAX_ONNX_FILE_BYTES, 2 GiB,
 *      protobuf's own limit on a message (RPN3402); larger tensors belong in external data;
 *   3. a scan of the protobuf wire format (wire-scan.ts): not a protobuf, or no graph (RPN3401); more
 *      than MAX_IR_NODES operator nodes, messages nested deeper than MAX_ONNX_DEPTH, or a decoded
 *      ModelProto estimated above MAX_ONNX_DECODED_BYTES of memory (RPN3402).
 */
import { DiagnosticError, diag } from '../diagnostics.js';
import { readBytesBounded } from '../read-bounded.js';
import { MAX_IR_NODES } from '../spec/limits.js';
import { MAX_ONNX_DEPTH, scanModelWire, TooDeep, WireError, type WireCounts } from './wire-scan.js';

/** Largest .onnx file read: protobuf refuses messages of 2 GiB and more. */
export const MAX_ONNX_FILE_BYTES = 2 ** 31 - 1;
/** Estimated JavaScript heap of a decoded ModelProto (wire-scan.ts's estimate). */
export const MAX_ONNX_DECODED_BYTES = 1024 ** 3;

const NOT_ONNX_HINT = 'pass a .onnx file (a serialised ModelProto), e.g. one written by `rpnc build` or torch.onnx.export';
const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

function refuse(code: string, message: string, hint: string): never {
  throw new DiagnosticError(diag(code, message, { hint }));
}

/** The bytes of the .onnx file `file`, checked as described above; throws a DiagnosticError otherwise. */
export function readOnnxFile(file: string): Uint8Array {
  const r = readBytesBounded(file, MAX_ONNX_FILE_BYTES);
  if (!r.ok) {
    if (r.problem === 'missing') refuse('RPN3405', `ONNX file '${file}' not found`, 'build it first: rpnc build model.ts');
    if (r.problem === 'not-a-file') refuse('RPN3403', `'${file}' is not an ONNX file: it is ${r.kind}`, 'pass the path of a .onnx file');
    if (r.problem === 'too-large') {
      refuse('RPN3402', `ONNX file '${file}' has ${r.size !== undefined ? `${r.size} bytes` : r.message}, beyond protobuf's limit of ${MAX_ONNX_FILE_BYTES} bytes for one model`, 'keep large tensors in external data next to the model (rpnc build --external-data; onnx.save_model(..., save_as_external_data=True))');
    }
    refuse('RPN3403', `ONNX file '${file}' cannot be read: ${r.message}`, 'check the file and its permissions');
  }
  // a model file where the ONNX file belongs (rpnc run model.ts): say what to do, not that its bytes are not protobuf
  if (/\.(m|c)?[jt]sx?$/i.test(file)) {
    const onnx = file.replace(/\.(m|c)?[jt]sx?$/i, '.onnx');
    refuse('RPN3401', `'${file}' is a model file, not an ONNX file: this command runs the .onnx that rpnc build writes`, `build it first: rpnc build ${file} -o ${onnx}, then pass ${onnx} (rpnc check ${file} builds and runs in one step)`);
  }
  checkOnnxBytes(r.data, `'${file}'`);
  return r.data;
}

/**
 * The wire-format checks of `readOnnxFile` on bytes already in memory (`label` names them in messages);
 * returns what the scan counted.
 */
export function checkOnnxBytes(bytes: Uint8Array, label: string): WireCounts {
  let c: WireCounts;
  try {
    c = scanModelWire(bytes, { stopAtBytes: 8 * MAX_ONNX_DECODED_BYTES });
  } catch (e) {
    if (e instanceof TooDeep) refuse('RPN3402', `${label} has protobuf messages nested more than ${MAX_ONNX_DEPTH} deep (${e.where})`, 'rpnc (like protobuf) reads ONNX models nested at most 100 messages deep; flatten the nested subgraphs');
    if (e instanceof WireError) refuse('RPN3401', `${label} is not an ONNX model: not a valid protobuf: ${e.message}; the file has ${bytes.length} bytes`, `${NOT_ONNX_HINT}; a truncated copy (an interrupted download or write) reads like this`);
    throw e;
  }
  if (!c.hasGraph) refuse('RPN3401', `${label} is not an ONNX model: ${bytes.length === 0 ? 'it is empty' : 'it has no graph (no field 7 of a ModelProto)'}`, NOT_ONNX_HINT);
  // a scan stopped early (its estimate far past the limit) counted only part of the file
  const count = (n: number): string => `${c.stoppedAt !== undefined ? 'at least ' : ''}${n.toLocaleString('en-US')}`;
  const scanned = c.stoppedAt !== undefined ? ` in its first ${c.stoppedAt.toLocaleString('en-US')} of ${bytes.length.toLocaleString('en-US')} bytes` : '';
  if (c.nodes > MAX_IR_NODES) {
    refuse('RPN3402', `${label} has ${count(c.nodes)} operator nodes${scanned}; rpnc reads ONNX models of at most ${MAX_IR_NODES.toLocaleString('en-US')} nodes (MAX_IR_NODES), and refuses it before decoding`, 'a model this large is not one rpnc builds; run it with ONNX Runtime directly, or split it');
  }
  if (c.decodedBytes > MAX_ONNX_DECODED_BYTES) {
    refuse('RPN3402', `${label} would take ${c.stoppedAt !== undefined ? 'more than' : 'about'} ${mb(c.decodedBytes)} of memory to decode (${count(c.messages)} messages${scanned}, and lists of numbers stored one by one), beyond rpnc's limit of ${mb(MAX_ONNX_DECODED_BYTES)}`, 'store tensors as raw_data (onnx.numpy_helper.from_array does) or in external data instead of float_data / int64_data lists');
  }
  return c;
}
