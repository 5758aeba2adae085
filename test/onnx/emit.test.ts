import onnxProto from 'onnx-proto';
import { describe, expect, test } from 'vitest';
import { emitOnnx } from '../../compiler/onnx/emit.js';
import { EMITTABLE_OPS } from '../../compiler/onnx/ops.js';
import { GraphBuilder } from '../../ir/builder.js';
import { runGraph } from '../../ir/eval.js';
import { type Graph, createModel } from '../../ir/graph.js';
import { PassManager, defaultPipeline } from '../../ir/passes/index.js';
import { fromArray, tensor } from '../../ir/tensor.js';
import { expectClose, feedsFor, randomTensor, runOrt } from './ort-helpers.js';

const { onnx } = onnxProto;

function mlp(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 4]);
  const h = b.add(b.matmul(x, b.constant(randomTensor([4, 8], 1), 'layers.0.W')), b.constant(randomTensor([8], 2), 'layers.0.b'));
  b.output(b.softmax(b.relu(h), -1), 'y');
  return b.graph;
}

function convNet(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 3, 8, 8]);
  const c = b.conv(x, b.constant(randomTensor([4, 3, 3, 3], 3), 'conv.W'), b.constant(randomTensor([4], 4), 'conv.b'), { pads: [1, 1, 1, 1] });
  const p = b.maxPool(b.relu(c), { kernelShape: [2, 2], strides: [2, 2] });
  b.output(b.reshape(p, [0, -1]), 'y');
  return b.graph;
}

function shapes(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 12]);
  const r = b.reshape(x, [0, 3, 4]);
  const s = b.slice(r, [1], [3], [1]);
  const cat = b.concat([s, b.reshape(b.slice(x, [0], [4], [1]), [0, 1, 4])], 1);
  b.output(b.slice(cat, [3], [0], [2], [-2]), 'y');
  return b.graph;
}

function reductions(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 3, 5]);
  b.output(b.reduceMean(x, [2], false), 'mean');
  b.output(b.reduceSum(x, [1, 2], true), 'sum');
  return b.graph;
}

const GRAPHS: Record<string, () => Graph> = { mlp, convNet, shapes, reductions };

describe('ORT round trip', () => {
  for (const [name, make] of Object.entries(GRAPHS)) {
    test(`${name}: ORT matches runGraph at batch 1 and 3`, async () => {
      const g = make();
      const bytes = emitOnnx(createModel(g));
      for (const batch of [1, 3]) {
        const feeds = feedsFor(g, batch);
        const want = runGraph(g, feeds);
        const got = await runOrt(bytes, feeds);
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        for (const k of Object.keys(want)) expectClose(got[k], want[k], 1e-5, 0, `${name}.${k} batch ${batch}`);
      }
    });
  }

  test('after the default pipeline (folded) the model still runs and agrees', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 4]);
    const w = b.constant(randomTensor([1, 14], 9), 'w');
    const A = b.reshape(b.slice(w, [0], [6], [1]), [3, 2]);
    const B = b.reshape(b.slice(w, [6], [14], [1]), [2, 4]);
    b.output(b.matmul(x, b.transpose(b.matmul(A, B), [1, 0])), 'y');
    const feeds = feedsFor(b.graph, 3);
    const want = runGraph(b.graph, feeds).y;
    new PassManager(defaultPipeline()).run(b.graph);
    expect(b.graph.nodes.map((n) => n.op)).toEqual(['MatMul']);
    expectClose((await runOrt(emitOnnx(createModel(b.graph)), feeds)).y, want, 1e-5, 0);
  });
});

describe('emitted ModelProto', () => {
  const model = createModel(convNet(), { metadata: { 'rpnc.z': 'last', 'rpnc.a': 'first', 'rpnc.m': 'mid' }, producerVersion: '1.2.3' });
  const bytes = emitOnnx(model);
  const proto = onnx.ModelProto.decode(bytes);

  test('header: IR version 8, opset 17, producer, sorted metadata', () => {
    expect(Number(proto.irVersion)).toBe(8);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(proto.producerName).toBe('rpnc');
    expect(proto.producerVersion).toBe('1.2.3');
    expect(proto.metadataProps.map((p) => `${p.key}=${p.value}`)).toEqual(['rpnc.a=first', 'rpnc.m=mid', 'rpnc.z=last']);
  });

  test('inputs with a symbolic batch dim, outputs with shapes', () => {
    const dims = (vi: onnxProto.onnx.IValueInfoProto) => vi.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(proto.graph!.input.map((v) => v.name)).toEqual(['x']);
    expect(dims(proto.graph!.input[0])).toEqual(['batch', 3, 8, 8]);
    expect(proto.graph!.input[0].type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(dims(proto.graph!.output[0])).toEqual(['batch', 64]);
  });

  test('initializers as raw little-endian data', () => {
    const init = proto.graph!.initializer;
    const w = init.find((t) => t.name === 'conv.W')!;
    expect(w.dims.map(Number)).toEqual([4, 3, 3, 3]);
    expect(w.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    const raw = Buffer.from(w.rawData);
    expect(raw.readFloatLE(4)).toBe(randomTensor([4, 3, 3, 3], 3).data[1]);
    const shape = init.find((t) => t.dataType === onnx.TensorProto.DataType.INT64)!;
    expect(Buffer.from(shape.rawData).readBigInt64LE(8)).toBe(-1n);
  });

  test('node attributes are typed by the op table', () => {
    const conv = proto.graph!.node.find((n) => n.opType === 'Conv')!;
    expect(conv.attribute.map((a) => a.name)).toEqual(['dilations', 'group', 'kernel_shape', 'pads', 'strides']);
    expect(conv.attribute.find((a) => a.name === 'group')!.type).toBe(onnx.AttributeProto.AttributeType.INT);
    expect(conv.attribute.find((a) => a.name === 'pads')!.ints.map(Number)).toEqual([1, 1, 1, 1]);

    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    b.output(b.cast(b.leakyRelu(b.pad(x, [1, 1], 'edge'), 0.25), 'int64'), 'y');
    const nodes = onnx.ModelProto.decode(emitOnnx(createModel(b.graph))).graph!.node;
    const attr = (op: string) => nodes.find((n) => n.opType === op)!.attribute[0];
    expect(attr('LeakyRelu')).toMatchObject({ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.25 });
    expect(attr('Cast')).toMatchObject({ name: 'to', type: onnx.AttributeProto.AttributeType.INT });
    expect(Number(attr('Cast').i)).toBe(onnx.TensorProto.DataType.INT64);
    expect(new TextDecoder().decode(attr('Pad').s)).toBe('edge');
  });

  test('deterministic: emitting twice, or building twice, gives identical bytes', () => {
    expect(Buffer.from(emitOnnx(model)).equals(Buffer.from(bytes))).toBe(true);
    const again = createModel(convNet(), { metadata: { 'rpnc.m': 'mid', 'rpnc.a': 'first', 'rpnc.z': 'last' }, producerVersion: '1.2.3' });
    expect(Buffer.from(emitOnnx(again)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('emission errors', () => {
  test('unknown op or attribute is RPN4004', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    const y = b.relu(x);
    b.output(y, 'y');
    y.producer!.attrs.bogus = 1;
    expect(() => emitOnnx(createModel(b.graph))).toThrow(/RPN4004.*Relu has no attribute 'bogus'/);
    delete y.producer!.attrs.bogus;
    y.producer!.op = 'FancyOp';
    expect(() => emitOnnx(createModel(b.graph))).toThrow(/RPN4004.*op 'FancyOp'/);
  });

  test('non-integer int attribute is RPN4004', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 2]);
    b.output(b.softmax(x, 0), 'y');
    b.graph.nodes[0].attrs.axis = 0.5;
    expect(() => emitOnnx(createModel(b.graph))).toThrow(/RPN4004.*not an integer/);
  });
});

test('EMITTABLE_OPS is a sorted list of ONNX op types', () => {
  expect([...EMITTABLE_OPS]).toEqual([...EMITTABLE_OPS].sort());
  expect(EMITTABLE_OPS).toContain('MatMul');
  expect(EMITTABLE_OPS).toContain('ReduceSum');
  expect(tensor('float32', [1], [1]).data).toBeInstanceOf(Float32Array);
  expect(fromArray([1]).shape).toEqual([1]);
});
