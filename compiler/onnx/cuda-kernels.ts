/**
 * Which ONNX ops ONNX Runtime's CUDA execution provider implements, and for which types, at the
 * opset rpnc emits (17). Transcribed from ORT's generated kernel registry documentation,
 * `docs/OperatorKernels.md`, section "Operators implemented by CUDAExecutionProvider", domain
 * ai.onnx (github.com/microsoft/onnxruntime, commit 001d12d2623fd411ce0f83d05abb5e82304a3389,
 * the 1.2x/1.30 line). Each row is the kernel registration whose opset range contains 17; `types`
 * are the allowed types of the op's type parameter T (the input named by `typedInput`).
 *
 * The table covers every op rpnc's emitter can produce plus the ops a deployment is likely to meet
 * next to them; an op missing here is treated as "runs on the CPU" by the placement report.
 * Ops deliberately absent because the CUDA EP has no kernel for them (checked in the same file):
 * Acos, Acosh, Asin, Asinh, Atan, Atanh, Celu, Cosh, Sinh, Tan. rpnc's emitter decomposes those
 * (compiler/onnx/portable.ts) so that no rpnc graph needs them.
 */
import onnxProto from 'onnx-proto';
import { decodeModelProto } from './nesting.js';

export interface CudaKernel {
  /** First opset of the registration that covers opset 17. */
  since: number;
  /** Last opset of that registration (undefined: open-ended, "N+"). */
  until?: number;
  /** ONNX type names (ORT's `tensor(...)` names) of the type parameter. */
  types: readonly string[];
  /** Which input carries the type parameter (default 0; Where: 1). */
  typedInput?: number;
}

const H = ['double', 'float', 'float16'] as const;
const BH = ['bfloat16', ...H] as const;
const INTS = ['int16', 'int32', 'int64', 'int8', 'uint16', 'uint32', 'uint64', 'uint8'] as const;
const ALL = ['bfloat16', 'bool', 'double', 'float', 'float16', ...INTS] as const;
const ARITH = ['bfloat16', ...H, ...INTS] as const;
const CMP = [...H, 'int32', 'int64', 'uint32', 'uint64'] as const;

/** ai.onnx ops of ORT's CUDA EP (opset-17 registrations). */
export const CUDA_KERNELS: Readonly<Record<string, CudaKernel>> = {
  Abs: { since: 13, types: ARITH },
  Add: { since: 14, types: ARITH },
  And: { since: 7, types: ['bool'] },
  ArgMax: { since: 13, types: H },
  ArgMin: { since: 13, types: H },
  AveragePool: { since: 11, until: 18, types: H },
  BatchNormalization: { since: 15, types: H },
  Cast: { since: 13, until: 18, types: ALL },
  Ceil: { since: 13, types: H },
  Clip: { since: 13, types: [...H, 'int64', 'int8', 'uint64', 'uint8'] },
  Concat: { since: 13, types: ALL },
  ConstantOfShape: { since: 9, types: ['int64'] },
  Conv: { since: 11, until: 21, types: H },
  ConvTranspose: { since: 11, types: H },
  Cos: { since: 7, types: H },
  CumSum: { since: 14, types: [...H, 'int32', 'int64', 'uint32', 'uint64'] },
  Div: { since: 14, types: ARITH },
  Dropout: { since: 13, types: BH },
  Einsum: { since: 12, types: H },
  Elu: { since: 6, types: H },
  Equal: { since: 13, types: ['bool', ...CMP] },
  Erf: { since: 13, types: BH },
  Exp: { since: 13, types: BH },
  Expand: { since: 13, types: ALL },
  Flatten: { since: 13, types: ALL },
  Floor: { since: 13, types: H },
  Gather: { since: 13, types: ALL },
  GatherElements: { since: 13, types: ALL },
  Gemm: { since: 13, types: BH },
  GlobalAveragePool: { since: 1, types: H },
  GlobalMaxPool: { since: 1, types: H },
  Greater: { since: 13, types: CMP },
  GreaterOrEqual: { since: 16, types: CMP },
  HardSigmoid: { since: 6, until: 21, types: H },
  HardSwish: { since: 14, until: 21, types: H },
  Identity: { since: 14, until: 18, types: ALL },
  InstanceNormalization: { since: 6, types: H },
  LayerNormalization: { since: 17, types: BH },
  LeakyRelu: { since: 16, types: H },
  Less: { since: 13, types: CMP },
  LessOrEqual: { since: 16, types: CMP },
  Log: { since: 13, types: H },
  LogSoftmax: { since: 13, types: H },
  MatMul: { since: 13, types: BH },
  Max: { since: 13, types: ['bfloat16', ...CMP] },
  MaxPool: { since: 12, types: [...H, 'int8', 'uint8'] },
  Min: { since: 13, types: ['bfloat16', ...CMP] },
  Mod: { since: 13, types: ['bfloat16', ...CMP] },
  Mul: { since: 14, types: ARITH },
  Neg: { since: 13, types: ['bfloat16', ...H, 'int16', 'int32', 'int64', 'int8'] },
  Not: { since: 1, types: ['bool'] },
  Or: { since: 7, types: ['bool'] },
  PRelu: { since: 16, types: H },
  Pad: { since: 13, until: 17, types: ['bool', ...H] },
  Pow: { since: 15, types: [...BH, 'int32', 'int64'] },
  Range: { since: 11, types: ['double', 'float', 'int16', 'int32', 'int64'] },
  Reciprocal: { since: 13, types: H },
  ReduceL2: { since: 1, until: 17, types: [...H, 'int32'] },
  ReduceLogSumExp: { since: 1, until: 17, types: H },
  ReduceMax: { since: 1, until: 17, types: [...H, 'int32', 'int64'] },
  ReduceMean: { since: 1, until: 17, types: [...H, 'int32'] },
  ReduceMin: { since: 1, until: 17, types: [...H, 'int32', 'int64', 'int8', 'uint8'] },
  ReduceProd: { since: 1, until: 17, types: [...H, 'int32'] },
  ReduceSum: { since: 13, types: [...BH, 'int32', 'int64'] },
  ReduceSumSquare: { since: 1, until: 17, types: H },
  Relu: { since: 14, types: BH },
  Reshape: { since: 14, until: 18, types: ALL },
  Round: { since: 11, types: H },
  Selu: { since: 6, types: H },
  Shape: { since: 15, until: 18, types: ALL },
  Sigmoid: { since: 13, types: BH },
  Sign: { since: 13, types: ARITH },
  Sin: { since: 7, types: H },
  Slice: { since: 13, types: ALL },
  Softmax: { since: 13, types: BH },
  Softplus: { since: 1, types: H },
  Softsign: { since: 1, types: H },
  Split: { since: 13, until: 17, types: ALL },
  Sqrt: { since: 13, types: BH },
  Squeeze: { since: 13, until: 20, types: ALL },
  Sub: { since: 14, types: ARITH },
  Sum: { since: 13, types: BH },
  Tanh: { since: 13, types: BH },
  ThresholdedRelu: { since: 10, types: H },
  Tile: { since: 13, types: [...BH, 'int32', 'int64'] },
  TopK: { since: 11, types: [...H, 'int32', 'int64'] },
  Transpose: { since: 13, until: 20, types: ALL },
  Unsqueeze: { since: 13, until: 20, types: ALL },
  Where: { since: 16, types: [...BH, 'int32', 'int64', 'uint8'], typedInput: 1 },
  Xor: { since: 7, types: ['bool'] },
};

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;

/** ONNX TensorProto data type -> ORT's type name. */
export const ONNX_TYPE_NAME: Readonly<Record<number, string>> = {
  [DT.FLOAT]: 'float',
  [DT.FLOAT16]: 'float16',
  [DT.BFLOAT16]: 'bfloat16',
  [DT.DOUBLE]: 'double',
  [DT.INT64]: 'int64',
  [DT.INT32]: 'int32',
  [DT.INT16]: 'int16',
  [DT.INT8]: 'int8',
  [DT.UINT8]: 'uint8',
  [DT.BOOL]: 'bool',
};

/** Why `op` on type `type` (at `opset`) has no CUDA kernel, or null when it has one. */
export function cudaKernelGap(op: string, type: string, opset = 17): string | null {
  const k = CUDA_KERNELS[op];
  if (!k) return 'no CUDA kernel';
  if (opset < k.since || (k.until !== undefined && opset > k.until)) return `no CUDA kernel at opset ${opset}`;
  if (!k.types.includes(type)) return `no CUDA kernel for ${type}`;
  return null;
}

const BOOL_OUT = new Set(['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Not', 'And', 'Or', 'Xor']);
const INT64_OUT = new Set(['Shape', 'ArgMax', 'ArgMin']);

/** Where ONNX Runtime will run one node (CUDA or CPU) and why. */
export interface NodePlacement {
  node: string;
  op: string;
  type: string;
  /** null: runs on the CUDA EP; otherwise why it falls back to the CPU. */
  cpuReason: string | null;
}

/**
 * Static placement of every node of an ONNX model under the CUDA EP: the element type of each
 * node's typed input is propagated from the graph inputs and initializers, then looked up in
 * CUDA_KERNELS. (onnxruntime-node does not expose ORT's node-placement log to JavaScript.)
 */
export function cudaPlacement(model: onnxProto.onnx.IModelProto): NodePlacement[] {
  const g = model.graph ?? {};
  const opset = (model.opsetImport ?? []).find((o) => !o.domain)?.version;
  const types = new Map<string, string>();
  for (const v of g.input ?? []) types.set(v.name ?? '', ONNX_TYPE_NAME[v.type?.tensorType?.elemType ?? 0] ?? '?');
  for (const t of g.initializer ?? []) types.set(t.name ?? '', ONNX_TYPE_NAME[t.dataType ?? 0] ?? '?');
  const out: NodePlacement[] = [];
  for (const n of g.node ?? []) {
    const op = n.opType ?? '';
    const typed = CUDA_KERNELS[op]?.typedInput ?? 0;
    const type = types.get(n.input?.[typed] ?? '') ?? '?';
    const cpuReason = n.domain ? `domain '${n.domain}'` : cudaKernelGap(op, type, Number(opset ?? 17));
    out.push({ node: n.name ?? '', op, type, cpuReason });
    const castTo = op === 'Cast' ? n.attribute?.find((a) => a.name === 'to')?.i : undefined;
    const outType = castTo !== undefined && castTo !== null ? ONNX_TYPE_NAME[Number(castTo)] ?? '?' : BOOL_OUT.has(op) ? 'bool' : INT64_OUT.has(op) ? 'int64' : type;
    for (const o of n.output ?? []) types.set(o, outType);
  }
  return out;
}

/** The nodes of an ONNX model (bytes) that would run on the CPU under the CUDA EP. */
export function cpuFallbackNodes(onnxBytes: Uint8Array): NodePlacement[] {
  return cudaPlacement(decodeModelProto(onnxBytes)).filter((p) => p.cpuReason !== null);
}
