/**
 * `.json` tensors: either a rectangular nested array of numbers (`[[1, 2], [3, 4]]`, a bare number
 * is a 0-d tensor) or `{ "shape": [2, 2], "data": [1, 2, 3, 4] }` with flat row-major data.
 */
import { fail } from '../../compiler/diagnostics.js';
import type { Tensor } from './tensor.js';

/** Rank of a tensor given as nested arrays (ONNX Runtime itself accepts far less in practice). */
const MAX_JSON_RANK = 32;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const idx = (path: number[]): string => path.map((i) => `[${i}]`).join('');

export function parseJsonTensor(text: string, label: string): Tensor {
  const bad = (what: string): never =>
    fail('RPN3207', `'${label}': ${what}`, { hint: 'write a rectangular nested array of numbers, e.g. [[1, 2], [3, 4]], or {"shape": [2, 2], "data": [1, 2, 3, 4]}' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    bad(`not valid JSON (${(e as Error).message})`);
  }
  if (isObject(value)) {
    const { shape, data } = value;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      bad(`"shape" must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(data)) bad(`"data" must be a flat array of numbers`);
    const dims = shape as number[];
    const flat = data as unknown[];
    const count = dims.reduce((a, b) => a * b, 1);
    if (flat.length !== count) {
      fail('RPN3206', `'${label}': shape [${dims.join(',')}] needs ${count} values but "data" has ${flat.length}`, { hint: 'make "shape" match the data (data is flat, row-major)' });
    }
    const out = new Float32Array(count);
    flat.forEach((v, i) => {
      if (typeof v !== 'number') bad(`data[${i}] is ${JSON.stringify(v)}, not a number`);
      out[i] = v as number;
    });
    return { shape: dims, data: out };
  }
  // Nested array: the shape is read along the first elements, then every row is checked against it.
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    // nothing below recurses deeper than this (a 5,000-deep [[[…]]] would overflow the stack)
    if (shape.length === MAX_JSON_RANK) bad(`arrays nested more than ${MAX_JSON_RANK} deep: a tensor of rank at most ${MAX_JSON_RANK} is expected`);
    shape.push(v.length);
  }
  const out: number[] = [];
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') bad(`element ${idx(path) || '(top level)'} is ${JSON.stringify(v)}, expected a number${Array.isArray(v) ? ' (rows are nested deeper than the first row)' : ''}`);
      out.push(v as number);
      return;
    }
    if (!Array.isArray(v)) bad(`element ${idx(path)} is ${JSON.stringify(v)}, expected an array of length ${shape[depth]} like the first row`);
    const arr = v as unknown[];
    if (arr.length !== shape[depth]) bad(`ragged array: row ${idx(path) || '(top level)'} has ${arr.length} elements, expected ${shape[depth]} like the first row`);
    arr.forEach((x, i) => walk(x, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return { shape, data: Float32Array.from(out) };
}

/** Nested arrays; for 2-D and higher one outer row per line. Non-finite values cannot be written. */
export function encodeJsonTensor(t: Tensor, label: string): string {
  const count = t.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(t.data[i]!)) {
      fail('RPN3209', `cannot write '${label}': element ${i} is ${t.data[i]}, which JSON cannot represent`, { hint: 'write the tensor as .npy or .safetensors instead' });
    }
  }
  let pos = 0;
  const nest = (depth: number): unknown => {
    if (depth === t.shape.length) return t.data[pos++];
    return Array.from({ length: t.shape[depth]! }, () => nest(depth + 1));
  };
  const v = nest(0);
  if (Array.isArray(v) && t.shape.length >= 2) return '[\n' + v.map((r) => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n';
  return JSON.stringify(v) + '\n';
}
