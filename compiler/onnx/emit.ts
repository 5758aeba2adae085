/**
 * ONNX emission: IR Model -> ModelProto bytes. The only code in rpnc that touches protobuf.
 * Deterministic: the same IR gives byte-identical output (metadata and attributes sorted by key,
 * names come from the IR, no timestamps).
 */
import onnxProto from 'onnx-proto';
import { fail } from '../diagnostics.js';
import type { AttrValue, Dim, Model, Node, Value } from '../../ir/graph.js';
import { type DType, type Tensor, tensorBytes } from '../../ir/tensor.js';
import { type AttrType, ONNX_IR_VERSION, ONNX_OPSET, OP_TABLE } from './ops.js';
import { portableNodes } from './portable.js';
import { pushAll } from '../../ir/arrays.js';

const { onnx } = onnxProto;
const AT = onnx.AttributeProto.AttributeType;

const bad = (msg: string): never => fail('RPN4004', `ONNX emission: ${msg}`);

export const ONNX_DTYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

function tensorProto(t: Tensor, name: string): onnxProto.onnx.ITensorProto {
  // Copy so the proto owns a tight buffer (tensorBytes may view a larger ArrayBuffer).
  return { name, dims: [...t.shape], dataType: ONNX_DTYPE[t.dtype], rawData: Uint8Array.from(tensorBytes(t)) };
}

function dimProto(d: Dim): onnxProto.onnx.TensorShapeProto.IDimension {
  return typeof d === 'number' ? { dimValue: d } : { dimParam: d };
}

function valueInfo(v: Value): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: { tensorType: { elemType: ONNX_DTYPE[v.dtype], shape: { dim: v.shape.map(dimProto) } } },
  };
}

const isNumArray = (v: AttrValue): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isStrArray = (v: AttrValue): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function attribute(node: Node, name: string, type: AttrType, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const where = `attribute '${name}' of ${node.op} node '${node.name}'`;
  const int = (x: number): number => (Number.isInteger(x) ? x : bad(`${where}: ${x} is not an integer`));
  switch (type) {
    case 'int':
      return typeof v === 'number' ? { name, type: AT.INT, i: int(v) } : bad(`${where} must be a number`);
    case 'float':
      return typeof v === 'number' ? { name, type: AT.FLOAT, f: v } : bad(`${where} must be a number`);
    case 'ints':
      return isNumArray(v) ? { name, type: AT.INTS, ints: v.map(int) } : bad(`${where} must be a number list`);
    case 'floats':
      return isNumArray(v) ? { name, type: AT.FLOATS, floats: v } : bad(`${where} must be a number list`);
    case 'string':
      return typeof v === 'string' ? { name, type: AT.STRING, s: new TextEncoder().encode(v) } : bad(`${where} must be a string`);
    case 'strings':
      return isStrArray(v) ? { name, type: AT.STRINGS, strings: v.map((s) => new TextEncoder().encode(s)) } : bad(`${where} must be a string list`);
    case 'tensor':
      return typeof v === 'object' && !Array.isArray(v) ? { name, type: AT.TENSOR, t: tensorProto(v, '') } : bad(`${where} must be a tensor`);
    case 'dtype':
      return typeof v === 'string' && v in ONNX_DTYPE ? { name, type: AT.INT, i: ONNX_DTYPE[v as DType] } : bad(`${where} must be a dtype`);
  }
}

function nodeProto(node: Node): onnxProto.onnx.INodeProto {
  const spec = OP_TABLE[node.op] ?? bad(`op '${node.op}' (node '${node.name}') has no ONNX mapping`);
  const attribute_ = Object.keys(node.attrs)
    .sort()
    .map((k) => attribute(node, k, spec.attrs[k] ?? bad(`${node.op} has no attribute '${k}' (node '${node.name}')`), node.attrs[k]));
  // Trailing omitted optional inputs are dropped; inner ones are written as ''.
  const inputs = node.inputs.map((v) => (v ? v.name : ''));
  while (inputs.length && inputs[inputs.length - 1] === '') inputs.pop();
  return { name: node.name, opType: node.op, domain: '', input: inputs, output: node.outputs.map((v) => v.name), attribute: attribute_ };
}

/** The ONNX nodes of an IR node: itself, or its portable subgraph (ops without a CUDA kernel). */
function nodeProtos(node: Node, extraConsts: onnxProto.onnx.ITensorProto[]): onnxProto.onnx.INodeProto[] {
  const x = node.inputs[0];
  const alpha = typeof node.attrs.alpha === 'number' ? node.attrs.alpha : 1;
  const portable = x && node.outputs.length === 1 ? portableNodes(node.op, x.name, node.outputs[0].name, alpha) : null;
  if (!portable) return [nodeProto(node)];
  pushAll(extraConsts, portable.consts);
  return portable.nodes;
}

export function modelProto(model: Model): onnxProto.onnx.IModelProto {
  const g = model.graph;
  const extraConsts: onnxProto.onnx.ITensorProto[] = [];
  const nodes = g.nodes.flatMap((n) => nodeProtos(n, extraConsts));
  if (model.opset !== ONNX_OPSET) bad(`opset ${model.opset} is not supported (only ${ONNX_OPSET})`);
  for (const v of g.outputs) if (v.const || g.isGraphInput(v)) bad(`graph output %${v.name} must be computed by a node`);
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    metadataProps: Object.keys(model.metadata)
      .sort()
      .map((key) => ({ key, value: model.metadata[key] })),
    graph: {
      name: g.name,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      initializer: [...g.constants.map((c) => tensorProto(c.const!, c.name)), ...extraConsts],
      node: nodes,
    },
  };
}

/** Serialise an IR model to ONNX ModelProto bytes (opset 17, IR version 8). */
export function emitOnnx(model: Model): Uint8Array {
  return encodeModel(modelProto(model));
}

/** Serialise a ModelProto (e.g. after the float16 conversion) to bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  const proto = onnx.ModelProto.create(model);
  const err = onnx.ModelProto.verify(proto);
  if (err) bad(err);
  return onnx.ModelProto.encode(proto).finish();
}
