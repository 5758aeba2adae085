/**
 * Shape and dtype inference for every IR op (opset 17 semantics). Static dims are numbers;
 * symbolic dims (e.g. 'batch') are carried through where the op leaves them untouched.
 * Used by the builder (to type new values) and by the verifier (to re-check a graph).
 * Errors are RPN4002.
 */
import { fail } from '../compiler/diagnostics.js';
import type { AttrValue, Attrs, Dim, Value } from './graph.js';
import { formatShape } from './graph.js';
import { type DType, toNumbers } from './tensor.js';

export interface ValueType {
  dtype: DType;
  shape: Dim[];
}

const bad = (op: string, msg: string): never => fail('RPN4002', `${op}: ${msg}`);

export const UNARY_OPS = [
  'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sin', 'Cos', 'Tan', 'Sinh', 'Cosh', 'Asin', 'Acos', 'Atan',
  'Asinh', 'Acosh', 'Atanh', 'Sqrt', 'Abs', 'Erf', 'Neg', 'LeakyRelu', 'Elu', 'Celu', 'Softplus',
  'Softmax', 'LogSoftmax', 'Identity', 'Floor',
] as const;
export const BINARY_OPS = ['Add', 'Sub', 'Mul', 'Div', 'Pow'] as const;
export const COMPARE_OPS = ['GreaterOrEqual', 'Less', 'Equal'] as const;
export const REDUCE_OPS = ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd'] as const;

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) bad(op, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Numpy/ONNX multidirectional broadcasting of two shapes. */
export function broadcastShapes(op: string, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)];
    const y = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (typeof x === 'string' && typeof y === 'number') out.push(y);
    else if (typeof y === 'string' && typeof x === 'number') out.push(x);
    else bad(op, `shapes ${formatShape(a)} and ${formatShape(b)} are not broadcast-compatible`);
  }
  return out;
}

export function attrNum(attrs: Attrs, name: string, dflt: number): number {
  const v = attrs[name];
  return typeof v === 'number' ? v : dflt;
}

export function attrInts(attrs: Attrs, name: string): number[] | undefined {
  const v: AttrValue | undefined = attrs[name];
  return Array.isArray(v) ? (v as number[]) : undefined;
}

/** The values of an int64 constant input, or a failure naming the op. */
export function constInts(op: string, v: Value | null | undefined, what: string): number[] {
  if (!v?.const) return bad(op, `${what} must be a constant int64 input`);
  return toNumbers(v.const);
}

function staticDim(op: string, d: Dim, what: string): number {
  return typeof d === 'number' ? d : bad(op, `${what} must be static, got '${d}'`);
}

function need(op: string, inputs: (Value | null)[], n: number): Value[] {
  for (let i = 0; i < n; i++) if (!inputs[i]) bad(op, `missing input ${i}`);
  return inputs as Value[];
}

export function inferNode(op: string, inputs: (Value | null)[], attrs: Attrs): ValueType[] {
  const x = inputs[0] ?? undefined;
  const one = (dtype: DType, shape: Dim[]): ValueType[] => [{ dtype, shape }];
  if ((UNARY_OPS as readonly string[]).includes(op)) {
    need(op, inputs, 1);
    if ((op === 'Softmax' || op === 'LogSoftmax') && x!.shape.length > 0) normAxis(op, attrNum(attrs, 'axis', -1), x!.shape.length);
    return one(x!.dtype, [...x!.shape]);
  }
  if ((BINARY_OPS as readonly string[]).includes(op) || (COMPARE_OPS as readonly string[]).includes(op)) {
    const [a, b] = need(op, inputs, 2);
    if (op !== 'Pow' && a.dtype !== b.dtype) bad(op, `dtype mismatch ${a.dtype} vs ${b.dtype}`);
    return one((COMPARE_OPS as readonly string[]).includes(op) ? 'bool' : a.dtype, broadcastShapes(op, a.shape, b.shape));
  }
  if ((REDUCE_OPS as readonly string[]).includes(op)) {
    need(op, inputs, 1);
    const axesRaw = op === 'ReduceSum' ? (inputs[1] ? constInts(op, inputs[1], 'axes') : []) : attrInts(attrs, 'axes') ?? [];
    const r = x!.shape.length;
    const axes = axesRaw.length ? axesRaw.map((a) => normAxis(op, a, r)) : x!.shape.map((_, i) => i);
    const keep = attrNum(attrs, 'keepdims', 1) !== 0;
    const shape: Dim[] = [];
    x!.shape.forEach((d, i) => (axes.includes(i) ? keep && shape.push(1) : shape.push(d)));
    return one(x!.dtype, shape);
  }
  switch (op) {
    case 'MatMul': {
      const [a, b] = need(op, inputs, 2);
      if (a.dtype !== b.dtype) bad(op, `dtype mismatch ${a.dtype} vs ${b.dtype}`);
      if (a.shape.length === 0 || b.shape.length === 0) bad(op, 'scalar operands are not allowed');
      const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
      const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
      const k1 = as[as.length - 1];
      const k2 = bs[bs.length - 2];
      if (k1 !== k2) bad(op, `inner dimensions differ: ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
      const batch = broadcastShapes(op, as.slice(0, -2), bs.slice(0, -2));
      const shape = [...batch];
      if (a.shape.length > 1) shape.push(as[as.length - 2]);
      if (b.shape.length > 1) shape.push(bs[bs.length - 1]);
      return one(a.dtype, shape);
    }
    case 'Gemm': {
      const [a, b] = need(op, inputs, 2);
      if (a.shape.length !== 2 || b.shape.length !== 2) bad(op, 'A and B must be 2-D');
      const [m, ka] = attrNum(attrs, 'transA', 0) ? [a.shape[1], a.shape[0]] : a.shape;
      const [kb, n] = attrNum(attrs, 'transB', 0) ? [b.shape[1], b.shape[0]] : b.shape;
      if (ka !== kb) bad(op, `inner dimensions differ: ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
      const c = inputs[2];
      if (c) {
        const bc = broadcastShapes(op, [m, n], c.shape);
        if (bc.length !== 2 || bc[0] !== m || bc[1] !== n) bad(op, `C ${formatShape(c.shape)} does not broadcast to [${m},${n}]`);
      }
      return one(a.dtype, [m, n]);
    }
    case 'Reshape': {
      need(op, inputs, 2);
      const target = constInts(op, inputs[1], 'shape');
      return one(x!.dtype, reshapeDims(x!.shape, target));
    }
    case 'Transpose': {
      need(op, inputs, 1);
      const r = x!.shape.length;
      const perm = attrInts(attrs, 'perm') ?? x!.shape.map((_, i) => r - 1 - i);
      if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) bad(op, `invalid perm [${perm}] for rank ${r}`);
      return one(x!.dtype, perm.map((p) => x!.shape[p]));
    }
    case 'Concat': {
      const xs = need(op, inputs, inputs.length);
      if (xs.length === 0) bad(op, 'no inputs');
      const r = xs[0].shape.length;
      const axis = normAxis(op, attrNum(attrs, 'axis', 0), r);
      let total = 0;
      const shape = [...xs[0].shape];
      for (const v of xs) {
        if (v.shape.length !== r || v.dtype !== xs[0].dtype) bad(op, 'inputs differ in rank or dtype');
        v.shape.forEach((d, i) => i !== axis && d !== shape[i] && bad(op, `dims differ off the concat axis: ${formatShape(v.shape)} vs ${formatShape(shape)}`));
        total += staticDim(op, v.shape[axis], 'the concat axis');
      }
      shape[axis] = total;
      return one(xs[0].dtype, shape);
    }
    case 'Slice': {
      need(op, inputs, 3);
      const r = x!.shape.length;
      const starts = constInts(op, inputs[1], 'starts');
      const ends = constInts(op, inputs[2], 'ends');
      const axes = inputs[3] ? constInts(op, inputs[3], 'axes') : starts.map((_, i) => i);
      const steps = inputs[4] ? constInts(op, inputs[4], 'steps') : starts.map(() => 1);
      if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) bad(op, 'starts/ends/axes/steps lengths differ');
      const shape = [...x!.shape];
      axes.forEach((a0, i) => {
        const a = normAxis(op, a0, r);
        const d = shape[a];
        if (typeof d === 'string') {
          if (starts[i] === 0 && ends[i] >= 2 ** 31 && steps[i] === 1) return;
          bad(op, `cannot slice symbolic dim '${d}'`);
        }
        shape[a] = sliceRange(d as number, starts[i], ends[i], steps[i]).count;
      });
      return one(x!.dtype, shape);
    }
    case 'Unsqueeze': {
      need(op, inputs, 2);
      const axes = constInts(op, inputs[1], 'axes');
      const r = x!.shape.length + axes.length;
      const norm = axes.map((a) => normAxis(op, a, r));
      const shape: Dim[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) shape.push(norm.includes(i) ? 1 : x!.shape[j++]);
      return one(x!.dtype, shape);
    }
    case 'Squeeze': {
      need(op, inputs, 1);
      const r = x!.shape.length;
      const axes = inputs[1] ? constInts(op, inputs[1], 'axes').map((a) => normAxis(op, a, r)) : x!.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      for (const a of axes) if (x!.shape[a] !== 1) bad(op, `dim ${a} of ${formatShape(x!.shape)} is not 1`);
      return one(x!.dtype, x!.shape.filter((_, i) => !axes.includes(i)));
    }
    case 'Expand': {
      need(op, inputs, 2);
      return one(x!.dtype, broadcastShapes(op, x!.shape, constInts(op, inputs[1], 'shape')));
    }
    case 'Tile': {
      need(op, inputs, 2);
      const reps = constInts(op, inputs[1], 'repeats');
      if (reps.length !== x!.shape.length) bad(op, `repeats length ${reps.length} != rank ${x!.shape.length}`);
      return one(x!.dtype, x!.shape.map((d, i) => (reps[i] === 1 ? d : staticDim(op, d, 'a tiled dim') * reps[i])));
    }
    case 'Gather': {
      const [data, idx] = need(op, inputs, 2);
      if (idx.dtype !== 'int64') bad(op, 'indices must be int64');
      const axis = normAxis(op, attrNum(attrs, 'axis', 0), data.shape.length);
      return one(data.dtype, [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)]);
    }
    case 'Max':
    case 'Min': {
      const xs = need(op, inputs, inputs.length);
      if (xs.length === 0) bad(op, 'no inputs');
      return one(xs[0].dtype, xs.map((v) => v.shape).reduce((p, q) => broadcastShapes(op, p, q)));
    }
    case 'Cast': {
      need(op, inputs, 1);
      const to = attrs.to;
      if (to !== 'float32' && to !== 'int64' && to !== 'bool') return bad(op, `unsupported target dtype ${String(to)}`);
      return one(to, [...x!.shape]);
    }
    case 'Where': {
      const [c, a, b] = need(op, inputs, 3);
      if (c.dtype !== 'bool') bad(op, 'condition must be bool');
      if (a.dtype !== b.dtype) bad(op, `dtype mismatch ${a.dtype} vs ${b.dtype}`);
      return one(a.dtype, broadcastShapes(op, broadcastShapes(op, c.shape, a.shape), b.shape));
    }
    case 'Clip': {
      need(op, inputs, 1);
      for (const v of inputs.slice(1)) if (v && v.shape.length !== 0) bad(op, 'min/max must be scalars');
      return one(x!.dtype, [...x!.shape]);
    }
    case 'Conv':
    case 'MaxPool': {
      need(op, inputs, op === 'Conv' ? 2 : 1);
      const nd = x!.shape.length - 2;
      if (nd < 1 || nd > 3) bad(op, `input must be 3-D to 5-D, got ${formatShape(x!.shape)}`);
      const w = inputs[1];
      let outC: Dim = x!.shape[1];
      let kernel = attrInts(attrs, 'kernel_shape');
      if (op === 'Conv') {
        const group = attrNum(attrs, 'group', 1);
        if (w!.shape.length !== nd + 2) bad(op, `weight rank ${w!.shape.length} != ${nd + 2}`);
        const c = staticDim(op, x!.shape[1], 'channels');
        if (c !== staticDim(op, w!.shape[1], 'weight dim 1') * group) bad(op, `channels ${c} != ${w!.shape[1]} x group ${group}`);
        outC = w!.shape[0];
        const wk = w!.shape.slice(2).map((d) => staticDim(op, d, 'kernel'));
        if (kernel && kernel.some((k, i) => k !== wk[i])) bad(op, 'kernel_shape disagrees with the weight');
        kernel = wk;
        const b = inputs[2];
        if (b && (b.shape.length !== 1 || b.shape[0] !== outC)) bad(op, `bias ${formatShape(b.shape)} != [${outC}]`);
      }
      if (!kernel || kernel.length !== nd) return bad(op, 'kernel_shape missing or of the wrong length');
      const { strides, pads, dilations } = convParams(op, attrs, nd);
      const spatial = kernel.map((k, i) => {
        const d = staticDim(op, x!.shape[2 + i], 'spatial dims');
        const o = Math.floor((d + pads[i] + pads[i + nd] - dilations[i] * (k - 1) - 1) / strides[i]) + 1;
        if (o < 1) bad(op, `output spatial dim ${o} < 1`);
        return o;
      });
      return one(x!.dtype, [x!.shape[0], outC, ...spatial]);
    }
    case 'Pad': {
      need(op, inputs, 2);
      const r = x!.shape.length;
      const pads = constInts(op, inputs[1], 'pads');
      if (pads.length !== 2 * r) bad(op, `pads length ${pads.length} != 2 x rank ${r}`);
      const mode = attrs.mode ?? 'constant';
      if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') bad(op, `unsupported mode ${String(mode)}`);
      return one(x!.dtype, x!.shape.map((d, i) => (pads[i] === 0 && pads[i + r] === 0 ? d : staticDim(op, d, 'a padded dim') + pads[i] + pads[i + r])));
    }
  }
  return bad(op, 'unknown op');
}

/** strides / pads / dilations of Conv and MaxPool with ONNX defaults. */
export function convParams(op: string, attrs: Attrs, nd: number): { strides: number[]; pads: number[]; dilations: number[] } {
  const strides = attrInts(attrs, 'strides') ?? new Array<number>(nd).fill(1);
  const pads = attrInts(attrs, 'pads') ?? new Array<number>(2 * nd).fill(0);
  const dilations = attrInts(attrs, 'dilations') ?? new Array<number>(nd).fill(1);
  if (strides.length !== nd || pads.length !== 2 * nd || dilations.length !== nd) bad(op, 'strides/pads/dilations have the wrong length');
  return { strides, pads, dilations };
}

/** ONNX Slice semantics for one axis: the clamped start, step and element count. */
export function sliceRange(dim: number, start: number, end: number, step: number): { start: number; step: number; count: number } {
  if (step === 0) fail('RPN4002', 'Slice: step 0');
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = Math.min(Math.max(s, -1), dim - 1);
  e = Math.min(Math.max(e, -1), dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** Output dims of Reshape (ONNX: 0 copies the input dim, -1 is inferred). */
export function reshapeDims(inShape: readonly Dim[], target: readonly number[]): Dim[] {
  const out: Dim[] = target.map((t, i) => {
    if (t === 0) {
      if (i >= inShape.length) bad('Reshape', `0 at position ${i} beyond input rank`);
      return inShape[i];
    }
    return t;
  });
  const minus = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (minus.length > 1) bad('Reshape', 'more than one -1');
  if (out.some((d) => typeof d === 'number' && d < -1)) bad('Reshape', `invalid target [${target}]`);
  // Numeric product and symbolic multiset of input and of the known output dims.
  const split = (ds: readonly Dim[]) => {
    let n = 1;
    const syms: string[] = [];
    // a composite symbol made here ('batch*784') counts as its factors, so it can be reshaped back
    for (const d of ds) {
      if (typeof d === 'number') n *= d;
      else for (const f of d.split('*')) /^\d+$/.test(f) ? (n *= Number(f)) : syms.push(f);
    }
    return { n, syms };
  };
  const inn = split(inShape);
  const known = split(out.filter((d) => d !== -1));
  const rest = [...inn.syms];
  for (const s of known.syms) {
    const k = rest.indexOf(s);
    if (k < 0) bad('Reshape', `cannot reshape ${formatShape(inShape)} to [${target}]`);
    rest.splice(k, 1);
  }
  if (minus.length === 0) {
    if (rest.length || inn.n !== known.n) bad('Reshape', `cannot reshape ${formatShape(inShape)} to [${target}]`);
    return out;
  }
  if (known.n === 0 || inn.n % known.n !== 0) bad('Reshape', `cannot reshape ${formatShape(inShape)} to [${target}]`);
  const q = inn.n / known.n;
  let inferred: Dim;
  if (rest.length === 0) inferred = q;
  else if (rest.length === 1 && q === 1) inferred = rest[0];
  else inferred = [...rest, ...(q === 1 ? [] : [String(q)])].join('*');
  out[minus[0]] = inferred;
  return out;
}
