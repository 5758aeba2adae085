/**
 * The outputs of a model run by `rpnc run`, of any rank and element type (a model from another tool
 * may give int64 indices, booleans, float64, a rank-3 tensor or a scalar), printed and written
 * exactly:
 *
 *   JSON (stdout, `.json`)  nested arrays of the tensor's rank (a bare value for rank 0); 64-bit
 *                           integers as exact decimal literals; booleans as true/false; strings quoted.
 *                           NaN and ±Infinity have no JSON form: printed on stdout as the tokens NaN,
 *                           Infinity, -Infinity (as Python's json module writes and reads them), refused
 *                           in a `.json` file (RPN3209: write .npy instead).
 *   `.npy`                  the element type's own descr ('<f8', '<i8', '|b1', ...); no strings (RPN3404).
 *   `.safetensors`          the element type's own dtype (F64, I64, BOOL, ...), the tensor named
 *                           `output` (several outputs: each under its own name); no strings (RPN3404).
 *
 * float16 outputs are converted to float32 (exactly: every half is a float32), as rpnc's float16 models
 * are at their boundary.
 */
import { fail } from '../../compiler/diagnostics.js';
import { fromHalfBits } from '../../compiler/onnx/fp16.js';
import { writeFileAtomic } from '../../compiler/weights/atomic.js';
import { encodeSafetensorsRaw } from '../../compiler/weights/safetensors.js';
import { encodeNpyBytes } from './npy.js';
import { tensorFormat } from './tensor-file.js';

type Numbers = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
export type OutputData = Numbers | BigInt64Array | BigUint64Array | string[];

/** One output: its name, ONNX Runtime's element type ('float32', 'int64', 'bool', ...), shape and values (row-major). */
export interface ModelOutput {
  name: string;
  type: string;
  shape: number[];
  data: OutputData;
}

/** Element types: numpy descr, safetensors dtype, bytes per element. */
const LAYOUT: Record<string, { descr: string; dtype: string; size: number }> = {
  float32: { descr: '<f4', dtype: 'F32', size: 4 },
  float64: { descr: '<f8', dtype: 'F64', size: 8 },
  int8: { descr: '|i1', dtype: 'I8', size: 1 },
  uint8: { descr: '|u1', dtype: 'U8', size: 1 },
  int16: { descr: '<i2', dtype: 'I16', size: 2 },
  uint16: { descr: '<u2', dtype: 'U16', size: 2 },
  int32: { descr: '<i4', dtype: 'I32', size: 4 },
  uint32: { descr: '<u4', dtype: 'U32', size: 4 },
  int64: { descr: '<i8', dtype: 'I64', size: 8 },
  uint64: { descr: '<u8', dtype: 'U64', size: 8 },
  bool: { descr: '|b1', dtype: 'BOOL', size: 1 },
};
/** The element types `rpnc run` gives back (ONNX Runtime's names). */
export const OUTPUT_TYPES = [...Object.keys(LAYOUT), 'float16', 'string'];

/** An ONNX Runtime output tensor as a ModelOutput (float16 → float32); RPN3404 for a type rpnc cannot hold. */
export function modelOutput(name: string, t: { type: string; dims: readonly number[]; data: unknown }): ModelOutput {
  const shape = [...t.dims];
  if (t.type === 'float16') return { name, type: 'float32', shape, data: Float32Array.from(t.data as Uint16Array, (h) => fromHalfBits(h)) };
  if (!OUTPUT_TYPES.includes(t.type)) {
    fail('RPN3404', `the model's output '${name}' has element type ${t.type}, which rpnc run cannot print or write`, { hint: `rpnc run handles ${OUTPUT_TYPES.join(', ')} outputs; run the model with ONNX Runtime directly` });
  }
  return { name, type: t.type, shape, data: t.data as OutputData };
}

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** One element as JSON text; non-finite numbers are refused, or with `tokens` printed as NaN / Infinity / -Infinity. */
function jsonElement(o: ModelOutput, i: number, label: string, tokens: boolean): string {
  const v = o.data[i];
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (o.type === 'bool') return v ? 'true' : 'false';
  if (!Number.isFinite(v) && tokens) return String(v);
  if (!Number.isFinite(v)) {
    fail('RPN3209', `cannot write ${label} as JSON: element ${i} of output '${o.name}' is ${v}, which JSON cannot represent`, { hint: 'write the output as .npy or .safetensors instead: rpnc run model.onnx -i x.npy -o y.npy' });
  }
  return JSON.stringify(v);
}

/**
 * The output as JSON nested arrays; `lines`: for rank ≥ 2, one outer row per line (a .json file);
 * `tokens`: NaN / ±Infinity as Python's json tokens (stdout) instead of refused.
 */
export function outputJson(o: ModelOutput, label: string, lines = false, tokens = false): string {
  if (o.data.length !== count(o.shape)) fail('RPN3206', `cannot write ${label}: output '${o.name}' has shape [${o.shape.join(',')}] but ${o.data.length} values`);
  let pos = 0;
  const nest = (depth: number): string => {
    if (depth === o.shape.length) return jsonElement(o, pos++, label, tokens);
    const items: string[] = [];
    for (let i = 0; i < o.shape[depth]; i++) items.push(nest(depth + 1));
    return `[${items.join(',')}]`;
  };
  if (lines && o.shape.length >= 2) {
    const rows: string[] = [];
    for (let i = 0; i < o.shape[0]; i++) rows.push('  ' + nest(1));
    return rows.length ? `[\n${rows.join(',\n')}\n]` : '[]';
  }
  return nest(0);
}

/** Several outputs as one JSON text: the output itself when there is one, else an object by output name. */
export function outputsJson(outputs: ModelOutput[], label: string, lines = false, tokens = false): string {
  if (outputs.length === 1) return outputJson(outputs[0], label, lines, tokens);
  return `{${outputs.map((o) => `${lines ? '\n  ' : ''}${JSON.stringify(o.name)}:${lines ? ' ' : ''}${outputJson(o, label, false, tokens)}`).join(',')}${lines ? '\n' : ''}}`;
}

/** The elements' little-endian bytes. */
function elementBytes(o: ModelOutput, label: string, format: string): { layout: (typeof LAYOUT)[string]; bytes: Uint8Array } {
  const layout = Object.hasOwn(LAYOUT, o.type) ? LAYOUT[o.type] : undefined;
  if (!layout || Array.isArray(o.data)) {
    return fail('RPN3404', `cannot write ${label}: output '${o.name}' holds ${o.type} values, which ${format} cannot store`, { hint: 'write it as .json, or print it (leave out -o)' });
  }
  const data = o.data as Exclude<OutputData, string[]>;
  if (data.length !== count(o.shape)) fail('RPN3206', `cannot write ${label}: output '${o.name}' has shape [${o.shape.join(',')}] but ${data.length} values`);
  // typed arrays are little-endian on every platform Node runs ONNX Runtime on; copied, so the view is exact
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (o.type === 'bool') for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i] ? 1 : 0;
  return { layout, bytes };
}

/** A safetensors file of the outputs (one: named `output`; several: by their names). */
function encodeOutputsSafetensors(outputs: ModelOutput[], label: string): Uint8Array {
  const named = outputs.map((o) => [outputs.length === 1 ? 'output' : o.name, o] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return encodeSafetensorsRaw(named.map(([key, o]) => {
    if (key === '__metadata__') fail('RPN3404', `cannot write ${label}: an output is named '__metadata__', which safetensors reserves`, { hint: 'write the outputs as .json instead' });
    const { layout, bytes } = elementBytes(o, label, '.safetensors');
    return { key, dtype: layout.dtype, shape: o.shape, bytes };
  }));
}

/** Write the outputs to `path` (.npy: one output only; .json; .safetensors), atomically. */
export function writeModelOutputs(path: string, outputs: ModelOutput[]): void {
  const format = tensorFormat(path);
  const label = `'${path}'`;
  let bytes: Uint8Array;
  if (format === 'json') bytes = new TextEncoder().encode(outputsJson(outputs, label, true) + '\n');
  else if (format === 'safetensors') bytes = encodeOutputsSafetensors(outputs, label);
  else {
    if (outputs.length !== 1) {
      fail('RPN3404', `cannot write ${label}: the model has ${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}) and a .npy file holds one array`, { hint: 'write them to a .safetensors file (one tensor per output) or a .json file' });
    }
    const { layout, bytes: data } = elementBytes(outputs[0], label, '.npy');
    bytes = encodeNpyBytes(layout.descr, outputs[0].shape, data);
  }
  writeFileAtomic(path, bytes);
}
