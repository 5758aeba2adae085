/**
 * Dense host tensors used by the IR for constants (initializers) and by the CPU evaluator.
 * Row-major (C order). float32 data lives in a Float32Array, int64 in a BigInt64Array,
 * bool in a Uint8Array of 0/1.
 */
import { createHash } from 'node:crypto';
import { fail } from '../compiler/diagnostics.js';

export type DType = 'float32' | 'int64' | 'bool';
export type TensorData = Float32Array | BigInt64Array | Uint8Array;

export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

/** Number of elements of a static shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a static shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function allocData(dtype: DType, n: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

/** Create a tensor; `values` (numbers, bigints or booleans) is copied, zeros when omitted. */
export function tensor(dtype: DType, shape: readonly number[], values?: ArrayLike<number | bigint | boolean>): Tensor {
  const n = sizeOf(shape);
  for (const d of shape) if (!Number.isInteger(d) || d < 0) fail('RPN4003', `invalid tensor shape [${shape.join(',')}]`);
  const data = allocData(dtype, n);
  if (values !== undefined) {
    if (values.length !== n) fail('RPN4003', `tensor of shape [${shape.join(',')}] needs ${n} values, got ${values.length}`);
    for (let i = 0; i < n; i++) setFrom(data, dtype, i, values[i]);
  }
  return { dtype, shape: [...shape], data };
}

function setFrom(data: TensorData, dtype: DType, i: number, v: number | bigint | boolean): void {
  if (dtype === 'int64') (data as BigInt64Array)[i] = typeof v === 'bigint' ? v : toInt64(Number(v));
  else if (dtype === 'bool') (data as Uint8Array)[i] = v ? 1 : 0;
  else (data as Float32Array)[i] = Number(v);
}

export const INT64_MAX = 0x7fffffffffffffffn;
export const INT64_MIN = -0x8000000000000000n;

/** A JS number as int64: truncated toward zero, ±Infinity clamped to INT64_MAX / INT64_MIN. */
export function toInt64(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9.2e18) return INT64_MAX;
  if (x <= -9.2e18) return INT64_MIN;
  return BigInt(Math.trunc(x));
}

export const zeros = (dtype: DType, shape: readonly number[]): Tensor => tensor(dtype, shape);
export const scalar = (v: number, dtype: DType = 'float32'): Tensor => tensor(dtype, [], [v]);
/** A 1-D int64 tensor (shape-like ONNX inputs: Reshape shape, Slice starts, axes, ...). */
export const int64s = (values: readonly (number | bigint)[]): Tensor => tensor('int64', [values.length], values);
export const float32s = (values: readonly number[], shape: readonly number[] = [values.length]): Tensor =>
  tensor('float32', shape, values);

type Nested = number | boolean | Nested[];

/** Build a tensor from nested JS arrays, e.g. `fromArray([[1, 2], [3, 4]])`. */
export function fromArray(nested: Nested, dtype: DType = 'float32'): Tensor {
  const shape: number[] = [];
  let cur: Nested = nested;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const flat: (number | boolean)[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) fail('RPN4003', 'ragged nested array');
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) fail('RPN4003', 'ragged nested array');
    for (const y of x) walk(y, depth + 1);
  };
  walk(nested, 0);
  return tensor(dtype, shape, flat);
}

export function clone(t: Tensor): Tensor {
  return { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() as TensorData };
}

/** Element i as a JS number (int64 converted with Number()). */
export function getNumber(t: Tensor, i: number): number {
  return Number(t.data[i]);
}

export function toNumbers(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
}

/** Same dtype, shape, and values (|a-b| <= tol for float32; NaN equals NaN). */
export function tensorEquals(a: Tensor, b: Tensor, tol = 0): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if (a.shape.some((d, i) => d !== b.shape[i])) return false;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (Math.abs(x - y) <= tol) continue;
    }
    return false;
  }
  return true;
}

/** Raw little-endian bytes of the tensor data (the platform is little-endian on every target we run). */
export function tensorBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** A content hash (sha256 over dtype, shape and bytes; 16 hex digits) used for constant deduplication. */
export function tensorHash(t: Tensor): string {
  return createHash('sha256').update(`${t.dtype}[${t.shape.join(',')}]`).update(tensorBytes(t)).digest('hex').slice(0, 16);
}
