/**
 * `--precision fp16`: an emitted float32 ONNX model rewritten to store its weights and compute in
 * IEEE half precision (for the CUDA EP). Every float32 initializer becomes float16, every
 * `Cast(to=FLOAT)` becomes `Cast(to=FLOAT16)`; by default the interface stays float32 — a Cast to
 * float16 after the input `x` and a Cast to float32 before the output `y` — and with
 * `io: 'fp16'` the graph input and output themselves are float16. int64 and bool tensors
 * (shapes, indices, masks) are untouched.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
type ModelP = onnxProto.onnx.IModelProto;
type TensorP = onnxProto.onnx.ITensorProto;

/** Float precision of the emitted weights and compute: `fp32` (default) or `fp16`. */
export type Precision = 'fp32' | 'fp16';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE binary16 bits, round to nearest even (overflow to ±inf, NaN kept). */
export function toHalfBits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // may carry into the exponent: still correct
  return sign | h;
}

/** IEEE binary16 bits -> number. */
export function fromHalfBits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Round a float32 array to the nearest float16 values (kept as float32). */
export function roundToHalf(data: Float32Array): Float32Array {
  return data.map((v) => fromHalfBits(toHalfBits(v)));
}

function halfTensor(t: TensorP): TensorP {
  const raw = t.rawData!;
  const src = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const dst = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) dst[i] = toHalfBits(src[i]);
  return { ...t, dataType: DT.FLOAT16, rawData: new Uint8Array(dst.buffer) };
}

/** The float16 version of an emitted float32 model (a new object; the input is not modified). */
export function toFloat16(model: ModelP, opts: { io?: Precision } = {}): ModelP {
  const g = model.graph!;
  const ioHalf = opts.io === 'fp16';
  const initializer = (g.initializer ?? []).map((t) => (t.dataType === DT.FLOAT && !t.externalData?.length ? halfTensor(t) : t));
  const node = (g.node ?? []).map((n) => ({
    ...n,
    attribute: (n.attribute ?? []).map((a) =>
      n.opType === 'Cast' && a.name === 'to' && Number(a.i) === DT.FLOAT ? { ...a, i: DT.FLOAT16 }
      : a.t && a.t.dataType === DT.FLOAT ? { ...a, t: halfTensor(a.t) }
      : a),
  }));
  const isFloat = (v: onnxProto.onnx.IValueInfoProto): boolean => v.type?.tensorType?.elemType === DT.FLOAT;
  const retype = (v: onnxProto.onnx.IValueInfoProto): onnxProto.onnx.IValueInfoProto =>
    isFloat(v) ? { ...v, type: { tensorType: { ...v.type!.tensorType, elemType: DT.FLOAT16 } } } : v;
  const cast = (from: string, to: string, type: number): onnxProto.onnx.INodeProto => ({
    name: `${to}__cast`, opType: 'Cast', domain: '', input: [from], output: [to], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: type }],
  });
  let input = g.input ?? [];
  let output = g.output ?? [];
  const pre: onnxProto.onnx.INodeProto[] = [];
  const post: onnxProto.onnx.INodeProto[] = [];
  if (ioHalf) {
    input = input.map(retype);
    output = output.map(retype);
  } else {
    // x (float32) -> Cast -> x__fp16 feeds the graph; the node computing y writes y__fp16 -> Cast -> y.
    const rename = new Map<string, string>();
    for (const v of input.filter(isFloat)) {
      rename.set(v.name!, `${v.name}__fp16`);
      pre.push(cast(v.name!, `${v.name}__fp16`, DT.FLOAT16));
    }
    for (const n of node) n.input = (n.input ?? []).map((i) => rename.get(i) ?? i);
    const outRename = new Map<string, string>();
    for (const v of output.filter(isFloat)) {
      outRename.set(v.name!, `${v.name}__fp16`);
      post.push(cast(`${v.name}__fp16`, v.name!, DT.FLOAT));
    }
    for (const n of node) n.output = (n.output ?? []).map((o) => outRename.get(o) ?? o);
    for (const n of node) n.input = (n.input ?? []).map((i) => outRename.get(i) ?? i);
  }
  const metadataProps = [...(model.metadataProps ?? []).filter((p) => p.key !== 'rpnc.precision'), { key: 'rpnc.precision', value: ioHalf ? 'fp16 (io fp16)' : 'fp16 (io fp32)' }]
    .sort((a, b) => (a.key! < b.key! ? -1 : 1));
  return { ...model, metadataProps, graph: { ...g, input, output, initializer, node: [...pre, ...node, ...post] } };
}

/** 'fp16' when an ONNX model was converted by toFloat16 (its metadata says so). */
export function modelPrecision(model: ModelP): Precision {
  return (model.metadataProps ?? []).some((p) => p.key === 'rpnc.precision' && p.value?.startsWith('fp16')) ? 'fp16' : 'fp32';
}

/**
 * Default `rpnc check` tolerances for a float16 model, |a − b| ≤ atol + rtol·|b|: float16 keeps
 * 11 significant bits (a relative step of 2⁻¹¹ ≈ 4.9e-4 per rounding), and the errors of rounded
 * weights, inputs and intermediate results add up over a layer's sums of products.
 */
export const FP16_TOLERANCE = { atol: '2e-2', rtol: '2e-2' } as const;
