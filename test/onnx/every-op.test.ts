/**
 * Table-driven: every op the GraphBuilder offers is emitted to ONNX, run in ONNX Runtime with
 * batch 1 and batch 3, and compared with ir/eval's runGraph. This is what guarantees that the
 * emitter (opset 17 conventions) and the evaluator (used by constant folding) agree.
 */
import { describe, expect, test } from 'vitest';
import { emitOnnx } from '../../compiler/onnx/emit.js';
import { EMITTABLE_OPS } from '../../compiler/onnx/ops.js';
import { GraphBuilder } from '../../ir/builder.js';
import { runGraph } from '../../ir/eval.js';
import { type Dim, type Value, createModel } from '../../ir/graph.js';
import { fromArray } from '../../ir/tensor.js';
import { verify } from '../../ir/verify.js';
import { expectClose, feedsFor, randomTensor, runOrt } from './ort-helpers.js';

interface Case {
  name: string;
  shape?: Dim[];
  /** Input value range (default [-0.9, 0.9]). */
  range?: [number, number];
  build: (b: GraphBuilder, x: Value) => Value;
}

const W = (b: GraphBuilder, shape: number[], seed = 5): Value => b.constant(randomTensor(shape, seed), 'W');
const pos: [number, number] = [0.1, 2];

const CASES: Case[] = [
  { name: 'matmul', build: (b, x) => b.matmul(x, W(b, [4, 3])) },
  { name: 'matmul batched 3-D', shape: ['batch', 2, 4], build: (b, x) => b.matmul(x, W(b, [4, 3])) },
  { name: 'gemm', build: (b, x) => b.gemm(x, W(b, [3, 4]), W(b, [3], 6), { transB: true, alpha: 0.5, beta: 2 }) },
  { name: 'gemm transA', shape: [4, 'batch'], build: (b, x) => b.gemm(x, W(b, [4, 2]), null, { transA: true }) },
  { name: 'add broadcast', build: (b, x) => b.add(x, W(b, [4])) },
  { name: 'sub', build: (b, x) => b.sub(1, x) },
  { name: 'mul', build: (b, x) => b.mul(x, W(b, [1, 4])) },
  { name: 'div', build: (b, x) => b.div(x, b.constant(randomTensor([4], 9, 0.5, 2))) },
  { name: 'neg', build: (b, x) => b.neg(x) },
  { name: 'pow', range: pos, build: (b, x) => b.pow(x, 1.7) },
  { name: 'reshape 0/-1', shape: ['batch', 2, 6], build: (b, x) => b.reshape(x, [0, -1, 3]) },
  { name: 'transpose', shape: ['batch', 2, 3], build: (b, x) => b.transpose(x, [0, 2, 1]) },
  { name: 'concat', build: (b, x) => b.concat([x, b.neg(x), b.relu(x)], 1) },
  { name: 'slice', shape: ['batch', 6], build: (b, x) => b.slice(x, [1], [5], [1], [2]) },
  { name: 'slice negative step', shape: ['batch', 6], build: (b, x) => b.slice(x, [-1], [-Infinity], [1], [-1]) },
  { name: 'unsqueeze', build: (b, x) => b.unsqueeze(x, [1, -1]) },
  { name: 'squeeze', shape: ['batch', 1, 4], build: (b, x) => b.squeeze(x, [1]) },
  { name: 'expand', shape: ['batch', 1, 4], build: (b, x) => b.expand(x, [1, 3, 4]) },
  { name: 'tile', build: (b, x) => b.tile(x, [1, 3]) },
  { name: 'gather', build: (b, x) => b.gather(x, [3, 0, -1], 1) },
  { name: 'gather 2-D indices axis 0', shape: [5, 'batch'], build: (b, x) => b.gather(x, b.constant(fromArray([[0, 4], [2, 2]], 'int64')), 0) },
  { name: 'relu', build: (b, x) => b.relu(x) },
  { name: 'sigmoid', build: (b, x) => b.sigmoid(x) },
  { name: 'tanh', build: (b, x) => b.tanh(x) },
  { name: 'softmax', build: (b, x) => b.softmax(x, -1) },
  { name: 'softmax axis 1 of 3', shape: ['batch', 3, 2], build: (b, x) => b.softmax(x, 1) },
  { name: 'logSoftmax', build: (b, x) => b.logSoftmax(x) },
  { name: 'exp', build: (b, x) => b.exp(x) },
  { name: 'log', range: pos, build: (b, x) => b.log(x) },
  { name: 'sin', build: (b, x) => b.sin(x) },
  { name: 'cos', build: (b, x) => b.cos(x) },
  { name: 'tan', build: (b, x) => b.tan(x) },
  { name: 'sinh', build: (b, x) => b.sinh(x) },
  { name: 'cosh', build: (b, x) => b.cosh(x) },
  { name: 'asin', build: (b, x) => b.asin(x) },
  { name: 'acos', build: (b, x) => b.acos(x) },
  { name: 'atan', build: (b, x) => b.atan(x) },
  { name: 'asinh', build: (b, x) => b.asinh(x) },
  { name: 'acosh', range: [1.1, 3], build: (b, x) => b.acosh(x) },
  { name: 'atanh', build: (b, x) => b.atanh(x) },
  { name: 'sqrt', range: pos, build: (b, x) => b.sqrt(x) },
  { name: 'abs', build: (b, x) => b.abs(x) },
  { name: 'erf', range: [-3.5, 3.5], build: (b, x) => b.erf(x) },
  { name: 'leakyRelu', build: (b, x) => b.leakyRelu(x, 0.2) },
  { name: 'elu', build: (b, x) => b.elu(x, 0.7) },
  { name: 'celu', build: (b, x) => b.celu(x, 1.5) },
  { name: 'softplus', range: [-5, 5], build: (b, x) => b.softplus(x) },
  { name: 'reduceMean', shape: ['batch', 3, 4], build: (b, x) => b.reduceMean(x, [1, 2], true) },
  { name: 'reduceSum', shape: ['batch', 3, 4], build: (b, x) => b.reduceSum(x, [-1], false) },
  { name: 'reduceMax', shape: ['batch', 3, 4], build: (b, x) => b.reduceMax(x, [1], false) },
  { name: 'reduceMin', shape: ['batch', 3, 4], build: (b, x) => b.reduceMin(x, [2], true) },
  { name: 'reduceProd', shape: ['batch', 3, 4], build: (b, x) => b.reduceProd(x, [1], false) },
  { name: 'max', build: (b, x) => b.max([x, W(b, [4]), b.neg(x)]) },
  { name: 'min', build: (b, x) => b.min([x, W(b, [1, 4])]) },
  { name: 'cast to int64', range: [-5, 5], build: (b, x) => b.cast(x, 'int64') },
  { name: 'cast to bool and back', build: (b, x) => b.cast(b.cast(b.relu(x), 'bool'), 'float32') },
  { name: 'greaterOrEqual', build: (b, x) => b.greaterOrEqual(x, W(b, [4])) },
  { name: 'less', build: (b, x) => b.less(x, 0) },
  { name: 'where', build: (b, x) => b.where(b.less(x, 0), b.mul(x, 3), x) },
  { name: 'equal', build: (b, x) => b.where(b.equal(b.relu(x), 0), b.mul(x, 3), x) },
  { name: 'identity', build: (b, x) => b.identity(x) },
  { name: 'conv1d', shape: ['batch', 2, 7], build: (b, x) => b.conv(x, W(b, [3, 2, 3]), W(b, [3], 8), { pads: [1, 1], strides: [2] }) },
  { name: 'conv2d 3x3 pad 1', shape: ['batch', 2, 5, 5], build: (b, x) => b.conv(x, W(b, [4, 2, 3, 3]), W(b, [4], 8), { pads: [1, 1, 1, 1] }) },
  { name: 'conv2d grouped dilated', shape: ['batch', 4, 6, 6], build: (b, x) => b.conv(x, W(b, [4, 2, 2, 2]), null, { group: 2, dilations: [2, 2], strides: [1, 2] }) },
  { name: 'conv3d', shape: ['batch', 1, 4, 4, 4], build: (b, x) => b.conv(x, W(b, [2, 1, 2, 2, 2]), null, { pads: [0, 1, 0, 1, 0, 1] }) },
  { name: 'maxPool2d', shape: ['batch', 2, 5, 5], build: (b, x) => b.maxPool(x, { kernelShape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }) },
  { name: 'maxPool1d', shape: ['batch', 2, 7], build: (b, x) => b.maxPool(x, { kernelShape: [3], strides: [1], pads: [1, 1] }) },
  { name: 'pad constant', build: (b, x) => b.pad(x, [0, 1, 0, 2], 'constant', 0.5) },
  { name: 'pad reflect', shape: ['batch', 2, 4], build: (b, x) => b.pad(x, [0, 0, 2, 0, 0, 3], 'reflect') },
  { name: 'pad edge', shape: ['batch', 2, 4], build: (b, x) => b.pad(x, [0, 1, 1, 0, 0, 2], 'edge') },
  { name: 'clip', build: (b, x) => b.clip(x, -0.3, 0.4) },
  { name: 'clip min only', build: (b, x) => b.clip(x, 0) },
  { name: 'clip max only (omitted inner input)', build: (b, x) => b.clip(x, undefined, 0.2) },
  { name: 'floor', range: [-3, 3], build: (b, x) => b.floor(x) },
];

function buildCase(c: Case) {
  const b = new GraphBuilder();
  const x = b.input('x', c.shape ?? ['batch', 4]);
  b.output(c.build(b, x), 'y');
  verify(b.graph);
  return b.graph;
}

describe('every builder op: ONNX Runtime agrees with ir/eval', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const graph = buildCase(c);
      const bytes = emitOnnx(createModel(graph));
      for (const batch of [1, 3]) {
        const feeds = feedsFor(graph, batch, c.range ?? [-0.9, 0.9]);
        const want = runGraph(graph, feeds).y;
        const got = (await runOrt(bytes, feeds)).y;
        expectClose(got, want, 1e-5, 1e-5, `${c.name} batch ${batch}`);
      }
    });
  }

  test('the table covers every emittable op', () => {
    const used = new Set<string>();
    for (const c of CASES) for (const n of buildCase(c).nodes) used.add(n.op);
    expect([...used].sort()).toEqual([...EMITTABLE_OPS]);
  });
});
