/**
 * The ONNX ops rpnc can emit (default domain, opset 17) and, per op, the ONNX type of each
 * attribute the IR may carry. IR ops are ONNX op names, so the op type maps to itself; shape-like
 * arguments are already int64 tensor inputs in the IR (Reshape, Slice, Unsqueeze, Squeeze,
 * Expand, Tile, Pad, ReduceSum axes), matching opset 13+ / 17.
 */
export type AttrType = 'int' | 'float' | 'ints' | 'floats' | 'string' | 'strings' | 'tensor' | 'dtype';

export interface OpSpec {
  /** Attribute name -> ONNX attribute type; attributes not listed are an emission error. */
  attrs: Record<string, AttrType>;
}

const none: OpSpec = { attrs: {} };
const alpha: OpSpec = { attrs: { alpha: 'float' } };
const axis: OpSpec = { attrs: { axis: 'int' } };
const reduceAttr: OpSpec = { attrs: { axes: 'ints', keepdims: 'int' } };

export const OP_TABLE: Readonly<Record<string, OpSpec>> = {
  Abs: none,
  Acos: none,
  Acosh: none,
  Add: none,
  Asin: none,
  Asinh: none,
  Atan: none,
  Atanh: none,
  Cast: { attrs: { to: 'dtype' } },
  Celu: alpha,
  Clip: none,
  Concat: axis,
  Conv: { attrs: { dilations: 'ints', group: 'int', kernel_shape: 'ints', pads: 'ints', strides: 'ints' } },
  Cos: none,
  Cosh: none,
  Div: none,
  Elu: alpha,
  Equal: none,
  Erf: none,
  Exp: none,
  Expand: none,
  Floor: none,
  Gather: axis,
  Gemm: { attrs: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' } },
  GreaterOrEqual: none,
  Identity: none,
  LeakyRelu: alpha,
  Less: none,
  Log: none,
  LogSoftmax: axis,
  MatMul: none,
  Max: none,
  MaxPool: { attrs: { ceil_mode: 'int', dilations: 'ints', kernel_shape: 'ints', pads: 'ints', strides: 'ints' } },
  Min: none,
  Mul: none,
  Neg: none,
  Pad: { attrs: { mode: 'string' } },
  Pow: none,
  ReduceMax: reduceAttr,
  ReduceMean: reduceAttr,
  ReduceMin: reduceAttr,
  ReduceProd: reduceAttr,
  ReduceSum: { attrs: { keepdims: 'int', noop_with_empty_axes: 'int' } },
  Relu: none,
  Reshape: { attrs: { allowzero: 'int' } },
  Sigmoid: none,
  Sin: none,
  Sinh: none,
  Slice: none,
  Softmax: axis,
  Softplus: none,
  Sqrt: none,
  Squeeze: none,
  Sub: none,
  Tan: none,
  Tanh: none,
  Tile: none,
  Transpose: { attrs: { perm: 'ints' } },
  Unsqueeze: none,
  Where: none,
};

/** Every ONNX op type the emitter can produce (sorted). */
export const EMITTABLE_OPS: readonly string[] = Object.keys(OP_TABLE).sort();

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
