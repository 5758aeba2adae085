/**
 * GraphBuilder: typed convenience methods that create IR nodes and infer their output types.
 *
 * Shape-like ONNX inputs are taken as plain number arrays and become int64 constant Values
 * (e.g. `reshape(x, [0, -1])` emits `Reshape(%x, %t5)` with `%t5 = const(0, -1)`), so the graph
 * is plain ONNX opset 17. Binary ops accept a number for either operand (a scalar constant of
 * the other operand's dtype).
 */
import { fail } from '../compiler/diagnostics.js';
import { type Attrs, type Dim, Graph, type Node, type Value } from './graph.js';
import { inferNode } from './infer.js';
import { type DType, type Tensor, int64s, scalar } from './tensor.js';

export type Operand = Value | number;

export interface NodeOptions {
  /** Name hint for the (first) output value. */
  name?: string;
  /** Never constant-fold this node. */
  noFold?: boolean;
}

export class GraphBuilder {
  readonly graph: Graph;

  constructor(graph: Graph = new Graph()) {
    this.graph = graph;
  }

  // ---- graph interface -------------------------------------------------------------------

  input(name: string, shape: Dim[], dtype: DType = 'float32'): Value {
    if (this.graph.uniqueName(name) !== name) fail('RPN4002', `input name '${name}' is already used`);
    const v: Value = { name, dtype, shape: [...shape] };
    this.graph.inputs.push(v);
    return v;
  }

  constant(t: Tensor, nameHint?: string): Value {
    return this.graph.addConstant(t, nameHint);
  }

  /**
   * Mark `v` as a graph output called `name`. A node output not yet exposed is renamed;
   * a graph input, constant or already-exposed value gets an Identity node.
   */
  output(v: Value, name: string): Value {
    let out = v;
    if (!v.producer || this.graph.isGraphOutput(v)) {
      out = this.node('Identity', [v], {}, { name })[0];
      if (out.name !== name) fail('RPN4002', `output name '${name}' is already used`);
    }
    else if (v.name !== name) {
      if (this.graph.uniqueName(name) !== name) fail('RPN4002', `output name '${name}' is already used`);
      v.name = name;
    }
    this.graph.outputs.push(out);
    return out;
  }

  /** Generic node creation with inference; returns the outputs. */
  node(op: string, inputs: (Value | null)[], attrs: Attrs = {}, opts: NodeOptions = {}): Value[] {
    const types = inferNode(op, inputs, attrs);
    const outputs: Value[] = types.map((t, i) => ({
      name: this.graph.uniqueName(opts.name ? (i === 0 ? opts.name : `${opts.name}_${i}`) : undefined),
      dtype: t.dtype,
      shape: t.shape,
    }));
    this.graph.addNode(op, inputs, outputs, attrs, { noFold: opts.noFold });
    return outputs;
  }

  /**
   * Run `fn` with the nodes it creates named under `scope` (one path segment, e.g.
   * `layers.0.heads.0.expansion[bspline_expansion]`); nested calls append a segment. See Graph.scope.
   */
  scoped<T>(scope: string, fn: () => T): T {
    const outer = this.graph.scope;
    this.graph.scope = `${outer}${scope.replace(/\//g, '_')}/`;
    try {
      return fn();
    } finally {
      this.graph.scope = outer;
    }
  }

  /** The node that produced `v` (for setting flags after the fact). */
  producerOf(v: Value): Node | undefined {
    return v.producer;
  }

  private one(op: string, inputs: (Value | null)[], attrs: Attrs = {}, opts?: NodeOptions): Value {
    return this.node(op, inputs, attrs, opts)[0];
  }

  private ints(values: readonly number[]): Value {
    return this.constant(int64s(values));
  }

  private operands(a: Operand, b: Operand): [Value, Value] {
    if (typeof a === 'number' && typeof b === 'number') fail('RPN4002', 'binary op on two numbers');
    const va = typeof a === 'number' ? this.constant(scalar(a, (b as Value).dtype)) : a;
    const vb = typeof b === 'number' ? this.constant(scalar(b, va.dtype)) : b;
    return [va, vb];
  }

  // ---- linear algebra ----------------------------------------------------------------------

  matmul(a: Value, b: Value, opts?: NodeOptions): Value {
    return this.one('MatMul', [a, b], {}, opts);
  }

  gemm(a: Value, b: Value, c: Value | null = null, p: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}, opts?: NodeOptions): Value {
    const attrs: Attrs = {};
    if (p.alpha !== undefined) attrs.alpha = p.alpha;
    if (p.beta !== undefined) attrs.beta = p.beta;
    if (p.transA) attrs.transA = 1;
    if (p.transB) attrs.transB = 1;
    return this.one('Gemm', c ? [a, b, c] : [a, b], attrs, opts);
  }

  // ---- elementwise binary -----------------------------------------------------------------

  add(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Add', this.operands(a, b), {}, opts);
  }
  sub(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Sub', this.operands(a, b), {}, opts);
  }
  mul(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Mul', this.operands(a, b), {}, opts);
  }
  div(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Div', this.operands(a, b), {}, opts);
  }
  pow(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Pow', this.operands(a, b), {}, opts);
  }
  greaterOrEqual(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('GreaterOrEqual', this.operands(a, b), {}, opts);
  }
  equal(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Equal', this.operands(a, b), {}, opts);
  }
  less(a: Operand, b: Operand, opts?: NodeOptions): Value {
    return this.one('Less', this.operands(a, b), {}, opts);
  }
  where(cond: Value, a: Operand, b: Operand, opts?: NodeOptions): Value {
    const [va, vb] = this.operands(a, b);
    return this.one('Where', [cond, va, vb], {}, opts);
  }
  max(xs: Value[], opts?: NodeOptions): Value {
    return this.one('Max', xs, {}, opts);
  }
  min(xs: Value[], opts?: NodeOptions): Value {
    return this.one('Min', xs, {}, opts);
  }

  // ---- elementwise unary ------------------------------------------------------------------

  neg(x: Value, opts?: NodeOptions): Value { return this.one('Neg', [x], {}, opts); }
  relu(x: Value, opts?: NodeOptions): Value { return this.one('Relu', [x], {}, opts); }
  sigmoid(x: Value, opts?: NodeOptions): Value { return this.one('Sigmoid', [x], {}, opts); }
  tanh(x: Value, opts?: NodeOptions): Value { return this.one('Tanh', [x], {}, opts); }
  exp(x: Value, opts?: NodeOptions): Value { return this.one('Exp', [x], {}, opts); }
  log(x: Value, opts?: NodeOptions): Value { return this.one('Log', [x], {}, opts); }
  sin(x: Value, opts?: NodeOptions): Value { return this.one('Sin', [x], {}, opts); }
  cos(x: Value, opts?: NodeOptions): Value { return this.one('Cos', [x], {}, opts); }
  tan(x: Value, opts?: NodeOptions): Value { return this.one('Tan', [x], {}, opts); }
  sinh(x: Value, opts?: NodeOptions): Value { return this.one('Sinh', [x], {}, opts); }
  cosh(x: Value, opts?: NodeOptions): Value { return this.one('Cosh', [x], {}, opts); }
  asin(x: Value, opts?: NodeOptions): Value { return this.one('Asin', [x], {}, opts); }
  acos(x: Value, opts?: NodeOptions): Value { return this.one('Acos', [x], {}, opts); }
  atan(x: Value, opts?: NodeOptions): Value { return this.one('Atan', [x], {}, opts); }
  asinh(x: Value, opts?: NodeOptions): Value { return this.one('Asinh', [x], {}, opts); }
  acosh(x: Value, opts?: NodeOptions): Value { return this.one('Acosh', [x], {}, opts); }
  atanh(x: Value, opts?: NodeOptions): Value { return this.one('Atanh', [x], {}, opts); }
  sqrt(x: Value, opts?: NodeOptions): Value { return this.one('Sqrt', [x], {}, opts); }
  abs(x: Value, opts?: NodeOptions): Value { return this.one('Abs', [x], {}, opts); }
  erf(x: Value, opts?: NodeOptions): Value { return this.one('Erf', [x], {}, opts); }
  floor(x: Value, opts?: NodeOptions): Value { return this.one('Floor', [x], {}, opts); }
  softplus(x: Value, opts?: NodeOptions): Value { return this.one('Softplus', [x], {}, opts); }
  identity(x: Value, opts?: NodeOptions): Value { return this.one('Identity', [x], {}, opts); }
  leakyRelu(x: Value, alpha = 0.01, opts?: NodeOptions): Value { return this.one('LeakyRelu', [x], { alpha }, opts); }
  elu(x: Value, alpha = 1, opts?: NodeOptions): Value { return this.one('Elu', [x], { alpha }, opts); }
  celu(x: Value, alpha = 1, opts?: NodeOptions): Value { return this.one('Celu', [x], { alpha }, opts); }
  softmax(x: Value, axis = -1, opts?: NodeOptions): Value { return this.one('Softmax', [x], { axis }, opts); }
  logSoftmax(x: Value, axis = -1, opts?: NodeOptions): Value { return this.one('LogSoftmax', [x], { axis }, opts); }

  /** Clip(x, min, max); an omitted bound is an omitted optional input. */
  clip(x: Value, min?: number, max?: number, opts?: NodeOptions): Value {
    const lo = min === undefined ? null : this.constant(scalar(min, x.dtype));
    const hi = max === undefined ? null : this.constant(scalar(max, x.dtype));
    const inputs = hi ? [x, lo, hi] : lo ? [x, lo] : [x];
    return this.one('Clip', inputs, {}, opts);
  }

  cast(x: Value, to: DType, opts?: NodeOptions): Value {
    return this.one('Cast', [x], { to }, opts);
  }

  // ---- reductions ---------------------------------------------------------------------------

  /** ReduceSum: axes is an int64 input in opset 13+. Empty axes reduces everything. */
  reduceSum(x: Value, axes: number[], keepdims = true, opts?: NodeOptions): Value {
    return this.one('ReduceSum', axes.length ? [x, this.ints(axes)] : [x], { keepdims: keepdims ? 1 : 0 }, opts);
  }
  /** ReduceMean/Max/Min/Prod: axes is an attribute in opset 17. */
  reduceMean(x: Value, axes: number[], keepdims = true, opts?: NodeOptions): Value {
    return this.reduceAttr('ReduceMean', x, axes, keepdims, opts);
  }
  reduceMax(x: Value, axes: number[], keepdims = true, opts?: NodeOptions): Value {
    return this.reduceAttr('ReduceMax', x, axes, keepdims, opts);
  }
  reduceMin(x: Value, axes: number[], keepdims = true, opts?: NodeOptions): Value {
    return this.reduceAttr('ReduceMin', x, axes, keepdims, opts);
  }
  reduceProd(x: Value, axes: number[], keepdims = true, opts?: NodeOptions): Value {
    return this.reduceAttr('ReduceProd', x, axes, keepdims, opts);
  }
  private reduceAttr(op: string, x: Value, axes: number[], keepdims: boolean, opts?: NodeOptions): Value {
    const attrs: Attrs = { keepdims: keepdims ? 1 : 0 };
    if (axes.length) attrs.axes = [...axes];
    return this.one(op, [x], attrs, opts);
  }

  // ---- shape manipulation -----------------------------------------------------------------

  /** ONNX Reshape: 0 copies the input dim, -1 is inferred. */
  reshape(x: Value, shape: number[], opts?: NodeOptions): Value {
    return this.one('Reshape', [x, this.ints(shape)], {}, opts);
  }
  transpose(x: Value, perm: number[], opts?: NodeOptions): Value {
    return this.one('Transpose', [x], { perm: [...perm] }, opts);
  }
  concat(xs: Value[], axis: number, opts?: NodeOptions): Value {
    return this.one('Concat', xs, { axis }, opts);
  }
  /** ONNX Slice (ends may be Infinity for "to the end"). */
  slice(x: Value, starts: number[], ends: number[], axes?: number[], steps?: number[], opts?: NodeOptions): Value {
    const inputs: Value[] = [x, this.ints(starts), this.ints(ends)];
    if (axes || steps) inputs.push(this.ints(axes ?? starts.map((_, i) => i)));
    if (steps) inputs.push(this.ints(steps));
    return this.one('Slice', inputs, {}, opts);
  }
  unsqueeze(x: Value, axes: number[], opts?: NodeOptions): Value {
    return this.one('Unsqueeze', [x, this.ints(axes)], {}, opts);
  }
  squeeze(x: Value, axes: number[], opts?: NodeOptions): Value {
    return this.one('Squeeze', [x, this.ints(axes)], {}, opts);
  }
  expand(x: Value, shape: number[], opts?: NodeOptions): Value {
    return this.one('Expand', [x, this.ints(shape)], {}, opts);
  }
  tile(x: Value, repeats: number[], opts?: NodeOptions): Value {
    return this.one('Tile', [x, this.ints(repeats)], {}, opts);
  }
  /** Gather along `axis`; indices as an int64 Value or a list (a 1-D constant). */
  gather(x: Value, indices: Value | number[], axis = 0, opts?: NodeOptions): Value {
    const idx = Array.isArray(indices) ? this.ints(indices) : indices;
    return this.one('Gather', [x, idx], { axis }, opts);
  }
  /** ONNX Pad: pads = [begin_0, ..., begin_{r-1}, end_0, ..., end_{r-1}]. */
  pad(x: Value, pads: number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value = 0, opts?: NodeOptions): Value {
    const inputs: Value[] = [x, this.ints(pads)];
    if (mode === 'constant' && value !== 0) inputs.push(this.constant(scalar(value, x.dtype)));
    return this.one('Pad', inputs, { mode }, opts);
  }

  // ---- convolution / pooling -------------------------------------------------------------

  conv(x: Value, w: Value, b: Value | null = null, p: { strides?: number[]; pads?: number[]; dilations?: number[]; group?: number } = {}, opts?: NodeOptions): Value {
    const nd = w.shape.length - 2;
    const kernel = w.shape.slice(2);
    if (kernel.some((d) => typeof d !== 'number')) fail('RPN4002', 'Conv: kernel dims must be static');
    const attrs: Attrs = {
      dilations: p.dilations ?? new Array<number>(nd).fill(1),
      group: p.group ?? 1,
      kernel_shape: kernel as number[],
      pads: p.pads ?? new Array<number>(2 * nd).fill(0),
      strides: p.strides ?? new Array<number>(nd).fill(1),
    };
    return this.one('Conv', b ? [x, w, b] : [x, w], attrs, opts);
  }

  maxPool(x: Value, p: { kernelShape: number[]; strides?: number[]; pads?: number[] }, opts?: NodeOptions): Value {
    const nd = p.kernelShape.length;
    const attrs: Attrs = {
      kernel_shape: [...p.kernelShape],
      pads: p.pads ?? new Array<number>(2 * nd).fill(0),
      strides: p.strides ?? new Array<number>(nd).fill(1),
    };
    return this.one('MaxPool', [x], attrs, opts);
  }
}
