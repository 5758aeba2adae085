/**
 * Input/output tensor files, chosen by extension: `.npy`, `.json`, `.safetensors`.
 * Reading rejects NaN/Inf (RPN3210); writing is atomic (temporary file + rename).
 */
import * as nodePath from 'node:path';
import { fail } from '../../compiler/diagnostics.js';
import { boundedReadProblem, MAX_READ_BYTES, readBytesBounded } from '../../compiler/read-bounded.js';
import { writeFileAtomic } from '../../compiler/weights/atomic.js';
import { encodeSafetensors, firstNonFinite, parseSafetensors, unravel } from '../../compiler/weights/safetensors.js';
import { encodeJsonTensor, parseJsonTensor } from './json-tensor.js';
import { encodeNpy, parseNpy } from './npy.js';
import type { Tensor } from './tensor.js';

export type { Tensor } from './tensor.js';
export { encodeNpy, parseNpy } from './npy.js';
export { encodeJsonTensor, parseJsonTensor } from './json-tensor.js';

export type TensorFormat = 'npy' | 'json' | 'safetensors';

/** The format for `path`'s extension (case-insensitive), or RPN3202. */
export function tensorFormat(path: string): TensorFormat {
  const ext = nodePath.extname(path).toLowerCase();
  if (ext === '.npy' || ext === '.json' || ext === '.safetensors') return ext.slice(1) as TensorFormat;
  return fail('RPN3202', `'${path}': unknown tensor file extension '${ext || '(none)'}'`, {
    hint: 'use .npy (numpy.save), .json (nested arrays or {"shape", "data"}) or .safetensors',
  });
}

export function readTensorFile(path: string, opts: { name?: string } = {}): Tensor {
  const format = tensorFormat(path);
  // type and size first: a FIFO or a device is never opened, a file above the limit never read
  const read = readBytesBounded(path, MAX_READ_BYTES - 1);
  if (!read.ok) fail('RPN3201', `tensor file '${path}' ${boundedReadProblem(read, MAX_READ_BYTES - 1)}`, { hint: 'check the path (relative paths are resolved from the current directory)' });
  const bytes = read.data;
  let t: Tensor;
  let where = path;
  if (format === 'npy') t = parseNpy(bytes, path);
  else if (format === 'json') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      fail('RPN3207', `'${path}' is not valid UTF-8 text`, { hint: 'save the JSON file as UTF-8' });
    }
    t = parseJsonTensor(text, path);
  } else {
    const name = pickSafetensor(parseSafetensors(bytes, path).tensors, path, opts.name);
    t = name.tensor;
    where = `${path}' tensor '${name.key}`;
  }
  const bad = firstNonFinite(t.data);
  if (bad >= 0) {
    fail('RPN3210', `'${where}' contains ${t.data[bad]} at index ${bad} (element [${unravel(bad, t.shape).join(',')}] of shape [${t.shape.join(',')}])`, {
      hint: 'model inputs must be finite numbers: clean the data before running',
    });
  }
  return t;
}

function pickSafetensor(tensors: Map<string, { shape: number[]; data: Float32Array }>, path: string, name?: string) {
  const keys = [...tensors.keys()].sort();
  const listed = keys.length ? keys.map((k) => `'${k}'`).join(', ') : '(none)';
  let key = name;
  if (key === undefined) {
    if (tensors.has('input')) key = 'input';
    else if (keys.length === 1) key = keys[0]!;
    else {
      fail('RPN3208', `'${path}' has no tensor named 'input' and ${keys.length === 0 ? 'no tensors at all' : `${keys.length} tensors to choose from`}: ${listed}`, {
        hint: keys.length ? 'name the tensor to read (one of the keys listed), or save the input under the key "input"' : 'save the input tensor under the key "input"',
      });
    }
  }
  const t = tensors.get(key!);
  if (!t) fail('RPN3208', `'${path}' has no tensor named '${key}'; it contains ${listed}`, { hint: 'pick one of the listed tensor names' });
  return { key: key!, tensor: { shape: t!.shape, data: t!.data } };
}

/** Write `.npy` (1.0, '<f4', C order), `.json` (nested arrays) or `.safetensors` (tensor `output`). */
export function writeTensorFile(path: string, tensor: Tensor): void {
  const format = tensorFormat(path);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== tensor.data.length) {
    fail('RPN3206', `cannot write '${path}': shape [${tensor.shape.join(',')}] does not match ${tensor.data.length} values`);
  }
  const bytes =
    format === 'npy' ? encodeNpy(tensor)
    : format === 'json' ? new TextEncoder().encode(encodeJsonTensor(tensor, path))
    : encodeSafetensors({ output: tensor });
  writeFileAtomic(path, bytes);
}
