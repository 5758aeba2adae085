/**
 * CPU reference evaluator for IR ops (opset 17 semantics, numpy/ONNX broadcasting).
 * Used by constant folding and as the oracle for the ONNX Runtime round-trip tests.
 * float32 values are computed in float64 and rounded on store; MatMul/Gemm/Conv/Reduce
 * accumulate in float64. Errors are RPN4003.
 */
import { fail } from '../compiler/diagnostics.js';
import type { Attrs, Graph, Node, Value } from './graph.js';
import { attrInts, attrNum, convParams, normAxis, reshapeDims, sliceRange } from './infer.js';
import { type DType, type Tensor, allocData, sizeOf, stridesOf, toInt64, toNumbers } from './tensor.js';
import { maxOf } from './arrays.js';

const bad = (op: string, msg: string): never => fail('RPN4003', `eval ${op}: ${msg}`);

// ---- index helpers -------------------------------------------------------------------------

/**
 * Flat input offsets for every output element, given per-output-dim tables
 * (`tables[d][c]` = the input offset contributed by output coordinate c on dim d, or -1 for
 * "outside the input", which makes the whole offset -1).
 */
function offsets(outShape: readonly number[], tables: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(sizeOf(outShape));
  const r = outShape.length;
  if (r === 0) return out;
  let pos = 0;
  const rec = (d: number, base: number): void => {
    const t = tables[d];
    const len = outShape[d];
    if (d === r - 1) {
      for (let c = 0; c < len; c++) out[pos++] = base < 0 || t[c] < 0 ? -1 : base + t[c];
      return;
    }
    for (let c = 0; c < len; c++) rec(d + 1, base < 0 || t[c] < 0 ? -1 : base + t[c]);
  };
  rec(0, 0);
  return out;
}

function table(len: number, f: (c: number) => number): Int32Array {
  const t = new Int32Array(len);
  for (let c = 0; c < len; c++) t[c] = f(c);
  return t;
}

/** Offsets into a tensor of shape `inShape` broadcast to `outShape`; null when the shapes are equal. */
function bcastOffsets(outShape: readonly number[], inShape: readonly number[]): Int32Array | null {
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const lead = outShape.length - inShape.length;
  const st = stridesOf(inShape);
  return offsets(
    outShape,
    outShape.map((len, d) => (d < lead || inShape[d - lead] === 1 ? new Int32Array(len) : table(len, (c) => c * st[d - lead]))),
  );
}

export function broadcast(op: string, shapes: readonly (readonly number[])[]): number[] {
  const n = maxOf(shapes.map((s) => s.length), 0);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = i < n - s.length ? 1 : s[i - (n - s.length)];
      if (x === 1 || x === d) continue;
      if (d !== 1) bad(op, `shapes ${shapes.map((s) => `[${s}]`).join(' and ')} do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** A new tensor whose element i is x[off[i]] (or `fill` where off[i] is -1). */
function take(x: Tensor, off: Int32Array, shape: number[], fill = 0): Tensor {
  const data = allocData(x.dtype, off.length);
  if (x.dtype === 'int64') {
    const src = x.data as BigInt64Array;
    const dst = data as BigInt64Array;
    const f = BigInt(Math.trunc(fill));
    for (let i = 0; i < off.length; i++) dst[i] = off[i] < 0 ? f : src[off[i]];
  } else {
    const src = x.data as Float32Array | Uint8Array;
    const dst = data as Float32Array | Uint8Array;
    for (let i = 0; i < off.length; i++) dst[i] = off[i] < 0 ? fill : src[off[i]];
  }
  return { dtype: x.dtype, shape, data };
}

function fromF64(dtype: DType, shape: number[], vals: Float64Array | number[]): Tensor {
  const data = allocData(dtype, vals.length);
  if (dtype === 'int64') for (let i = 0; i < vals.length; i++) (data as BigInt64Array)[i] = toInt64(vals[i]);
  else if (dtype === 'bool') for (let i = 0; i < vals.length; i++) (data as Uint8Array)[i] = vals[i] ? 1 : 0;
  else (data as Float32Array).set(vals);
  return { dtype, shape, data };
}

function f64(t: Tensor): Float64Array {
  if (t.dtype !== 'int64') return Float64Array.from(t.data as Float32Array | Uint8Array);
  return Float64Array.from(t.data as BigInt64Array, (x) => Number(x));
}

// ---- elementwise -----------------------------------------------------------------------------

/** erf in float64 (Taylor series for |x| < 3, continued fraction for erfc beyond). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

function unaryFn(op: string, attrs: Attrs): (x: number) => number {
  const alpha = attrNum(attrs, 'alpha', op === 'LeakyRelu' ? 0.01 : 1);
  switch (op) {
    case 'Relu': return (x) => (x > 0 ? x : 0);
    case 'Sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'Tanh': return Math.tanh;
    case 'Exp': return Math.exp;
    case 'Log': return Math.log;
    case 'Sin': return Math.sin;
    case 'Cos': return Math.cos;
    case 'Tan': return Math.tan;
    case 'Sinh': return Math.sinh;
    case 'Cosh': return Math.cosh;
    case 'Asin': return Math.asin;
    case 'Acos': return Math.acos;
    case 'Atan': return Math.atan;
    case 'Asinh': return Math.asinh;
    case 'Acosh': return Math.acosh;
    case 'Atanh': return Math.atanh;
    case 'Sqrt': return Math.sqrt;
    case 'Abs': return Math.abs;
    case 'Erf': return erf;
    case 'Neg': return (x) => -x;
    case 'Floor': return Math.floor;
    case 'Identity': return (x) => x;
    case 'Softplus': return (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    case 'LeakyRelu': return (x) => (x < 0 ? alpha * x : x);
    case 'Elu': return (x) => (x < 0 ? alpha * (Math.exp(x) - 1) : x);
    case 'Celu': return (x) => Math.max(0, x) + Math.min(0, alpha * (Math.exp(x / alpha) - 1));
  }
  return bad(op, 'not a unary op');
}

function unary(op: string, x: Tensor, attrs: Attrs): Tensor {
  if (op === 'Identity') return { dtype: x.dtype, shape: [...x.shape], data: x.data.slice() as Tensor['data'] };
  if (x.dtype === 'bool') bad(op, 'bool input');
  const f = unaryFn(op, attrs);
  const v = f64(x);
  for (let i = 0; i < v.length; i++) v[i] = f(v[i]);
  return fromF64(x.dtype, [...x.shape], v);
}

type Scalar2 = (a: number, b: number) => number;
const BINARY: Record<string, Scalar2> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => Math.pow(a, b),
  GreaterOrEqual: (a, b) => (a >= b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Equal: (a, b) => (a === b ? 1 : 0),
  Max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  Min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};
const BINARY_BIG: Record<string, (a: bigint, b: bigint) => bigint> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => (b === 0n ? 0n : a / b),
  Max: (a, b) => (a > b ? a : b),
  Min: (a, b) => (a < b ? a : b),
};

function binary(op: string, a: Tensor, b: Tensor): Tensor {
  const shape = broadcast(op, [a.shape, b.shape]);
  const n = sizeOf(shape);
  const oa = bcastOffsets(shape, a.shape);
  const ob = bcastOffsets(shape, b.shape);
  const ia = (i: number): number => (oa ? oa[i] : i);
  const ib = (i: number): number => (ob ? ob[i] : i);
  if (a.dtype === 'int64' && b.dtype === 'int64' && BINARY_BIG[op]) {
    const f = BINARY_BIG[op];
    const [x, y] = [a.data as BigInt64Array, b.data as BigInt64Array];
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, f(x[ia(i)], y[ib(i)]));
    return { dtype: 'int64', shape, data: out };
  }
  const f = BINARY[op] ?? bad(op, 'not a binary op');
  const [x, y] = [f64(a), f64(b)];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(x[ia(i)], y[ib(i)]);
  const dtype: DType = op === 'GreaterOrEqual' || op === 'Less' || op === 'Equal' ? 'bool' : a.dtype;
  if (dtype === 'int64') for (let i = 0; i < n; i++) out[i] = Math.trunc(out[i]);
  return fromF64(dtype, shape, out);
}

function where(c: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcast('Where', [c.shape, a.shape, b.shape]);
  const [oc, oa, ob] = [c, a, b].map((t) => bcastOffsets(shape, t.shape));
  const data = allocData(a.dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const pick = (c.data as Uint8Array)[oc ? oc[i] : i] ? a.data[oa ? oa[i] : i] : b.data[ob ? ob[i] : i];
    (data as unknown as (number | bigint)[])[i] = pick;
  }
  return { dtype: a.dtype, shape, data };
}

function cast(x: Tensor, to: DType): Tensor {
  if (to === 'float32' || to === 'bool') return fromF64(to, [...x.shape], f64(x));
  if (x.dtype === 'int64') return { dtype: 'int64', shape: [...x.shape], data: x.data.slice() as BigInt64Array };
  return fromF64('int64', [...x.shape], f64(x).map((v) => Math.trunc(v)));
}

// ---- linear algebra --------------------------------------------------------------------------

function matmul(a: Tensor, b: Tensor): Tensor {
  const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const [M, K] = as.slice(-2);
  const [K2, N] = bs.slice(-2);
  if (K !== K2) bad('MatMul', `inner dims ${K} != ${K2}`);
  const batch = broadcast('MatMul', [as.slice(0, -2), bs.slice(0, -2)]);
  const nb = sizeOf(batch);
  const ba = bcastOffsets(batch, as.slice(0, -2));
  const bb = bcastOffsets(batch, bs.slice(0, -2));
  const [x, y] = [f64(a), f64(b)];
  const out = new Float64Array(nb * M * N);
  const acc = new Float64Array(N);
  for (let p = 0; p < nb; p++) {
    const a0 = (ba ? ba[p] : p) * M * K;
    const b0 = (bb ? bb[p] : p) * K * N;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const av = x[a0 + i * K + k];
        const row = b0 + k * N;
        for (let j = 0; j < N; j++) acc[j] += av * y[row + j];
      }
      out.set(acc, (p * M + i) * N);
    }
  }
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(M);
  if (b.shape.length > 1) shape.push(N);
  return fromF64(a.dtype, shape, out);
}

function gemm(a: Tensor, b: Tensor, c: Tensor | null, attrs: Attrs): Tensor {
  const ta = attrNum(attrs, 'transA', 0) !== 0;
  const tb = attrNum(attrs, 'transB', 0) !== 0;
  const A = ta ? transpose(a, [1, 0]) : a;
  const B = tb ? transpose(b, [1, 0]) : b;
  const ab = f64(matmul(A, B));
  const alpha = attrNum(attrs, 'alpha', 1);
  const beta = attrNum(attrs, 'beta', 1);
  const shape = [A.shape[0], B.shape[1]];
  const out = new Float64Array(ab.length);
  const oc = c ? bcastOffsets(shape, c.shape) : null;
  const cv = c ? f64(c) : null;
  for (let i = 0; i < out.length; i++) out[i] = alpha * ab[i] + (cv ? beta * cv[oc ? oc[i] : i] : 0);
  return fromF64(a.dtype, shape, out);
}

// ---- layout ----------------------------------------------------------------------------------

function transpose(x: Tensor, perm?: number[]): Tensor {
  const r = x.shape.length;
  const p = perm ?? x.shape.map((_, i) => r - 1 - i);
  const st = stridesOf(x.shape);
  const shape = p.map((d) => x.shape[d]);
  return take(x, offsets(shape, shape.map((len, d) => table(len, (c) => c * st[p[d]]))), shape);
}

function slice(x: Tensor, starts: number[], ends: number[], axes: number[] | null, steps: number[] | null): Tensor {
  const r = x.shape.length;
  const st = stridesOf(x.shape);
  const shape = [...x.shape];
  const first = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  starts.forEach((s, i) => {
    const a = normAxis('Slice', axes ? axes[i] : i, r);
    const rg = sliceRange(x.shape[a], s, ends[i], steps ? steps[i] : 1);
    [first[a], step[a], shape[a]] = [rg.start, rg.step, rg.count];
  });
  return take(x, offsets(shape, shape.map((len, d) => table(len, (c) => (first[d] + c * step[d]) * st[d]))), shape);
}

function concat(xs: Tensor[], axis0: number): Tensor {
  const r = xs[0].shape.length;
  const axis = normAxis('Concat', axis0, r);
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const data = allocData(xs[0].dtype, sizeOf(shape));
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of xs) {
      const block = t.shape[axis] * inner;
      (data as Float32Array).set((t.data as Float32Array).subarray(o * block, (o + 1) * block), pos);
      pos += block;
    }
  }
  return { dtype: xs[0].dtype, shape, data };
}

function gather(x: Tensor, idx: Tensor, axis0: number): Tensor {
  const axis = normAxis('Gather', axis0, x.shape.length);
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const ids = toNumbers(idx).map((i) => (i < 0 ? i + len : i));
  for (const i of ids) if (i < 0 || i >= len) bad('Gather', `index out of range for dim ${len}`);
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
  const data = allocData(x.dtype, sizeOf(shape));
  let pos = 0;
  for (let o = 0; o < outer; o++)
    for (const i of ids) {
      const src = (o * len + i) * inner;
      (data as Float32Array).set((x.data as Float32Array).subarray(src, src + inner), pos);
      pos += inner;
    }
  return { dtype: x.dtype, shape, data };
}

function tile(x: Tensor, reps: number[]): Tensor {
  const st = stridesOf(x.shape);
  const shape = x.shape.map((d, i) => d * reps[i]);
  return take(x, offsets(shape, shape.map((len, d) => table(len, (c) => (c % x.shape[d]) * st[d]))), shape);
}

function pad(x: Tensor, pads: number[], mode: string, value: number): Tensor {
  const r = x.shape.length;
  const st = stridesOf(x.shape);
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
  const tables = shape.map((len, d) =>
    table(len, (c) => {
      const n = x.shape[d];
      let i = c - pads[d];
      if (i < 0 || i >= n) {
        if (mode === 'constant') return -1;
        if (mode === 'edge') i = Math.min(Math.max(i, 0), n - 1);
        else if (n === 1) i = 0;
        else {
          const period = 2 * (n - 1);
          i = ((i % period) + period) % period;
          if (i >= n) i = period - i;
        }
      }
      return i * st[d];
    }),
  );
  return take(x, offsets(shape, tables), shape, value);
}

// ---- reductions and softmax -------------------------------------------------------------------

function reduce(op: string, x: Tensor, axesIn: number[], keep: boolean): Tensor {
  const r = x.shape.length;
  const axes = new Set(axesIn.length ? axesIn.map((a) => normAxis(op, a, r)) : x.shape.map((_, i) => i));
  const kept = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const kst = stridesOf(kept);
  const off = offsets(x.shape, x.shape.map((len, d) => (axes.has(d) ? new Int32Array(len) : table(len, (c) => c * kst[d]))));
  const n = sizeOf(kept);
  const init = op === 'ReduceMax' ? -Infinity : op === 'ReduceMin' ? Infinity : op === 'ReduceProd' ? 1 : 0;
  const acc = new Float64Array(n).fill(init);
  const v = f64(x);
  for (let i = 0; i < v.length; i++) {
    const o = off[i];
    if (op === 'ReduceMax') acc[o] = v[i] > acc[o] || Number.isNaN(v[i]) ? v[i] : acc[o];
    else if (op === 'ReduceMin') acc[o] = v[i] < acc[o] || Number.isNaN(v[i]) ? v[i] : acc[o];
    else if (op === 'ReduceProd') acc[o] *= v[i];
    else acc[o] += v[i];
  }
  if (op === 'ReduceMean') {
    const cnt = v.length / n;
    for (let i = 0; i < n; i++) acc[i] /= cnt;
  }
  const shape = keep ? kept : x.shape.filter((_, i) => !axes.has(i));
  return fromF64(x.dtype, shape, acc);
}

function softmax(x: Tensor, axis0: number, log: boolean): Tensor {
  const r = x.shape.length;
  if (r === 0) return fromF64(x.dtype, [], [log ? 0 : 1]);
  const axis = normAxis('Softmax', axis0, r);
  const outer = sizeOf(x.shape.slice(0, axis));
  const len = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const v = f64(x);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, v[base + k * inner]);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp(v[base + k * inner] - m);
      for (let k = 0; k < len; k++) {
        const j = base + k * inner;
        v[j] = log ? v[j] - m - Math.log(s) : Math.exp(v[j] - m) / s;
      }
    }
  return fromF64(x.dtype, [...x.shape], v);
}

// ---- convolution / pooling --------------------------------------------------------------------

/** For every (output position, kernel position): the input spatial offset, or -1 when in padding. */
function windowOffsets(inSp: number[], outSp: number[], kernel: number[], strides: number[], pads: number[], dil: number[]): Int32Array {
  const nd = inSp.length;
  const nk = sizeOf(kernel);
  const no = sizeOf(outSp);
  const ist = stridesOf(inSp);
  const kst = stridesOf(kernel);
  const ost = stridesOf(outSp);
  const res = new Int32Array(no * nk);
  for (let o = 0; o < no; o++)
    for (let k = 0; k < nk; k++) {
      let off = 0;
      for (let d = 0; d < nd; d++) {
        const oc = Math.floor(o / ost[d]) % outSp[d];
        const kc = Math.floor(k / kst[d]) % kernel[d];
        const ic = oc * strides[d] - pads[d] + kc * dil[d];
        if (ic < 0 || ic >= inSp[d]) {
          off = -1;
          break;
        }
        off += ic * ist[d];
      }
      res[o * nk + k] = off;
    }
  return res;
}

function windowShape(op: string, x: Tensor, kernel: number[], attrs: Attrs) {
  const nd = x.shape.length - 2;
  const { strides, pads, dilations } = convParams(op, attrs, nd);
  const inSp = x.shape.slice(2);
  const outSp = inSp.map((d, i) => Math.floor((d + pads[i] + pads[i + nd] - dilations[i] * (kernel[i] - 1) - 1) / strides[i]) + 1);
  return { inSp, outSp, win: windowOffsets(inSp, outSp, kernel, strides, pads, dilations) };
}

function conv(x: Tensor, w: Tensor, b: Tensor | null, attrs: Attrs): Tensor {
  const [N, C] = x.shape;
  const [M, Cg] = w.shape;
  const group = attrNum(attrs, 'group', 1);
  const kernel = w.shape.slice(2);
  const { inSp, outSp, win } = windowShape('Conv', x, kernel, attrs);
  const [ni, no, nk] = [sizeOf(inSp), sizeOf(outSp), sizeOf(kernel)];
  const Mg = M / group;
  if (C !== Cg * group) bad('Conv', 'channel/group mismatch');
  const [xv, wv] = [f64(x), f64(w)];
  const bv = b ? f64(b) : null;
  const out = new Float64Array(N * M * no);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      for (let o = 0; o < no; o++) {
        let s = bv ? bv[m] : 0;
        for (let c = 0; c < Cg; c++) {
          const xb = (n * C + g * Cg + c) * ni;
          const wb = (m * Cg + c) * nk;
          for (let k = 0; k < nk; k++) {
            const off = win[o * nk + k];
            if (off >= 0) s += xv[xb + off] * wv[wb + k];
          }
        }
        out[(n * M + m) * no + o] = s;
      }
    }
  return fromF64(x.dtype, [N, M, ...outSp], out);
}

function maxPool(x: Tensor, attrs: Attrs): Tensor {
  const [N, C] = x.shape;
  const kernel = attrInts(attrs, 'kernel_shape') ?? bad('MaxPool', 'kernel_shape missing');
  const { inSp, outSp, win } = windowShape('MaxPool', x, kernel, attrs);
  const [ni, no, nk] = [sizeOf(inSp), sizeOf(outSp), sizeOf(kernel)];
  const xv = f64(x);
  const out = new Float64Array(N * C * no);
  for (let nc = 0; nc < N * C; nc++)
    for (let o = 0; o < no; o++) {
      let m = -Infinity;
      for (let k = 0; k < nk; k++) {
        const off = win[o * nk + k];
        if (off >= 0 && xv[nc * ni + off] > m) m = xv[nc * ni + off];
      }
      out[nc * no + o] = m;
    }
  return fromF64(x.dtype, [N, C, ...outSp], out);
}

// ---- dispatch --------------------------------------------------------------------------------

const ints = (t: Tensor | null | undefined): number[] | null => (t ? toNumbers(t) : null);
const reshaped = (x: Tensor, shape: number[]): Tensor => ({ dtype: x.dtype, shape, data: x.data.slice() as Tensor['data'] });

/** Evaluate one node on concrete inputs (null for omitted optional inputs). */
export function evaluateNode(node: Pick<Node, 'op' | 'attrs'>, inputs: (Tensor | null)[]): Tensor[] {
  const { op, attrs } = node;
  const [x, y, z] = inputs;
  const need = (n: number): void => {
    for (let i = 0; i < n; i++) if (!inputs[i]) bad(op, `missing input ${i}`);
  };
  need(1);
  const X = x!;
  switch (op) {
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': case 'GreaterOrEqual': case 'Less': case 'Equal':
      need(2);
      return [binary(op, X, y!)];
    case 'Max':
    case 'Min':
      need(inputs.length);
      return [(inputs as Tensor[]).reduce((p, q) => binary(op, p, q))];
    case 'Where':
      need(3);
      return [where(X, y!, z!)];
    case 'MatMul':
      need(2);
      return [matmul(X, y!)];
    case 'Gemm':
      need(2);
      return [gemm(X, y!, z ?? null, attrs)];
    case 'Softmax':
    case 'LogSoftmax':
      return [softmax(X, attrNum(attrs, 'axis', -1), op === 'LogSoftmax')];
    case 'Cast':
      return [cast(X, attrs.to as DType)];
    case 'Clip': {
      const lo = y ? Number(y.data[0]) : -Infinity;
      const hi = z ? Number(z.data[0]) : Infinity;
      return [fromF64(X.dtype, [...X.shape], f64(X).map((v) => Math.min(Math.max(v, lo), hi)))];
    }
    case 'ReduceSum':
      return [reduce(op, X, ints(y) ?? [], attrNum(attrs, 'keepdims', 1) !== 0)];
    case 'ReduceMean': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd':
      return [reduce(op, X, attrInts(attrs, 'axes') ?? [], attrNum(attrs, 'keepdims', 1) !== 0)];
    case 'Reshape':
      need(2);
      return [reshaped(X, reshapeDims(X.shape, ints(y)!) as number[])];
    case 'Unsqueeze': {
      need(2);
      const r = X.shape.length + y!.data.length;
      const axes = ints(y)!.map((a) => normAxis(op, a, r));
      const shape: number[] = [];
      for (let i = 0, j = 0; i < r; i++) shape.push(axes.includes(i) ? 1 : X.shape[j++]);
      return [reshaped(X, shape)];
    }
    case 'Squeeze': {
      const axes = y ? ints(y)!.map((a) => normAxis(op, a, X.shape.length)) : X.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      return [reshaped(X, X.shape.filter((_, i) => !axes.includes(i)))];
    }
    case 'Transpose':
      return [transpose(X, attrInts(attrs, 'perm'))];
    case 'Concat':
      need(inputs.length);
      return [concat(inputs as Tensor[], attrNum(attrs, 'axis', 0))];
    case 'Slice':
      need(3);
      return [slice(X, ints(y)!, ints(z)!, ints(inputs[3]), ints(inputs[4]))];
    case 'Expand': {
      need(2);
      const shape = broadcast(op, [X.shape, ints(y)!]);
      const off = bcastOffsets(shape, X.shape);
      return [off ? take(X, off, shape) : reshaped(X, shape)];
    }
    case 'Tile':
      need(2);
      return [tile(X, ints(y)!)];
    case 'Gather':
      need(2);
      return [gather(X, y!, attrNum(attrs, 'axis', 0))];
    case 'Pad':
      need(2);
      return [pad(X, ints(y)!, (attrs.mode as string | undefined) ?? 'constant', z ? Number(z.data[0]) : 0)];
    case 'Conv':
      need(2);
      return [conv(X, y!, z ?? null, attrs)];
    case 'MaxPool':
      return [maxPool(X, attrs)];
  }
  return [unary(op, X, attrs)];
}

/** Run a whole graph on the given feeds (by input name); returns the graph outputs by name. */
export function runGraph(graph: Graph, feeds: Record<string, Tensor>): Record<string, Tensor> {
  const env = new Map<Value, Tensor>();
  for (const c of graph.constants) env.set(c, c.const!);
  for (const v of graph.inputs) {
    const t = feeds[v.name] ?? fail('RPN4003', `runGraph: missing feed '${v.name}'`);
    if (t.dtype !== v.dtype || t.shape.length !== v.shape.length || v.shape.some((d, i) => typeof d === 'number' && d !== t.shape[i]))
      fail('RPN4003', `runGraph: feed '${v.name}' is ${t.dtype}[${t.shape}], expected ${v.dtype}[${v.shape}]`);
    env.set(v, t);
  }
  const get = (v: Value): Tensor => env.get(v) ?? fail('RPN4003', `runGraph: value '${v.name}' is not computed yet`);
  for (const node of graph.nodes) {
    const outs = evaluateNode(node, node.inputs.map((v) => (v ? get(v) : null)));
    node.outputs.forEach((v, i) => env.set(v, outs[i]));
  }
  const result: Record<string, Tensor> = {};
  for (const v of graph.outputs) result[v.name] = get(v);
  return result;
}
