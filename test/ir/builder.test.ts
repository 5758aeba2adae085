import { describe, expect, test } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { GraphBuilder } from '../../ir/builder.js';
import { Graph, type Value } from '../../ir/graph.js';
import { fromArray, tensor, zeros } from '../../ir/tensor.js';
import { verify } from '../../ir/verify.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics[0].code;
    throw e;
  }
  return undefined;
}

const sig = (v: Value): string => `${v.dtype}[${v.shape.join(',')}]`;

describe('GraphBuilder shape inference', () => {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 4]);
  const w = b.constant(zeros('float32', [4, 6]), 'layers.0.heads.0.W');

  test('names are deterministic and hinted', () => {
    expect(w.name).toBe('layers.0.heads.0.W');
    expect(b.constant(zeros('float32', [1]), 'layers.0.heads.0.W').name).toBe('layers.0.heads.0.W_1');
  });

  test('linear algebra and elementwise', () => {
    const h = b.matmul(x, w);
    expect(sig(h)).toBe('float32[batch,6]');
    expect(sig(b.add(h, b.constant(zeros('float32', [6]))))).toBe('float32[batch,6]');
    expect(sig(b.gemm(x, b.constant(zeros('float32', [5, 4])), null, { transB: true }))).toBe('float32[batch,5]');
    expect(sig(b.matmul(b.input('x3', ['batch', 2, 4]), w))).toBe('float32[batch,2,6]');
    expect(sig(b.less(h, 0))).toBe('bool[batch,6]');
    expect(sig(b.cast(h, 'int64'))).toBe('int64[batch,6]');
  });

  test('shape ops keep batch symbolic', () => {
    const h = b.matmul(x, w);
    expect(sig(b.reshape(h, [0, 2, 3]))).toBe('float32[batch,2,3]');
    expect(sig(b.reshape(h, [-1, 3, 2]))).toBe('float32[batch,3,2]');
    expect(sig(b.reshape(b.reshape(h, [0, 2, 3]), [0, -1]))).toBe('float32[batch,6]');
    expect(sig(b.transpose(b.reshape(h, [0, 2, 3]), [0, 2, 1]))).toBe('float32[batch,3,2]');
    expect(sig(b.concat([h, x], 1))).toBe('float32[batch,10]');
    expect(sig(b.slice(h, [1], [Infinity], [1], [2]))).toBe('float32[batch,3]');
    expect(sig(b.unsqueeze(h, [1]))).toBe('float32[batch,1,6]');
    expect(sig(b.squeeze(b.unsqueeze(h, [1]), [1]))).toBe('float32[batch,6]');
    expect(sig(b.expand(b.unsqueeze(h, [1]), [1, 3, 1]))).toBe('float32[batch,3,6]');
    expect(sig(b.tile(h, [1, 2]))).toBe('float32[batch,12]');
    expect(sig(b.gather(h, [0, 2], 1))).toBe('float32[batch,2]');
    expect(sig(b.pad(h, [0, 1, 0, 1]))).toBe('float32[batch,8]');
  });

  test('reductions, softmax, conv, pooling', () => {
    const x3 = b.input('img', ['batch', 2, 8, 8]);
    expect(sig(b.reduceSum(x3, [1, 2], false))).toBe('float32[batch,8]');
    expect(sig(b.reduceMean(x3, [-1], true))).toBe('float32[batch,2,8,1]');
    expect(sig(b.softmax(x3, 1))).toBe('float32[batch,2,8,8]');
    const k = b.constant(zeros('float32', [5, 2, 3, 3]));
    expect(sig(b.conv(x3, k, null, { pads: [1, 1, 1, 1] }))).toBe('float32[batch,5,8,8]');
    expect(sig(b.conv(x3, k, null, { strides: [2, 2] }))).toBe('float32[batch,5,3,3]');
    expect(sig(b.maxPool(x3, { kernelShape: [2, 2], strides: [2, 2] }))).toBe('float32[batch,2,4,4]');
  });

  test('bad shapes are RPN4002', () => {
    expect(codeOf(() => b.matmul(x, b.constant(zeros('float32', [5, 3]))))).toBe('RPN4002');
    expect(codeOf(() => b.add(x, b.constant(zeros('float32', [3]))))).toBe('RPN4002');
    expect(codeOf(() => b.reshape(x, [3, -1]))).toBe('RPN4002');
    expect(codeOf(() => b.transpose(x, [0, 0]))).toBe('RPN4002');
  });
});

describe('verify', () => {
  function small() {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const w = b.constant(fromArray([[1, 2], [3, 4]]), 'W');
    const h = b.matmul(x, w);
    const y = b.relu(h);
    b.output(y, 'y');
    return { b, g: b.graph, x, w, h, y };
  }

  test('accepts a well-formed graph', () => {
    expect(() => verify(small().g)).not.toThrow();
  });

  test('input not defined before use', () => {
    const { g } = small();
    g.nodes.reverse();
    expect(codeOf(() => verify(g))).toBe('RPN4001');
    expect(() => verify(g)).toThrow(/not a graph input, a constant, or an output of an earlier node/);
  });

  test('value from another graph', () => {
    const { g } = small();
    g.nodes[1].inputs[0] = { name: 'ghost', dtype: 'float32', shape: ['batch', 2] };
    expect(codeOf(() => verify(g))).toBe('RPN4001');
  });

  test('duplicate names', () => {
    const { g, h } = small();
    h.name = 'W';
    expect(() => verify(g)).toThrow(/RPN4001.*duplicate value name '%W'/);
  });

  test('declared shape disagrees with inference', () => {
    const { g, h } = small();
    h.shape = ['batch', 3];
    expect(() => verify(g)).toThrow(/RPN4001.*declared float32\[batch,3\] but infers to float32\[batch,2\]/);
  });

  test('MatMul inner dims / Add broadcast broken by editing a constant', () => {
    const { g, w } = small();
    w.const = tensor('float32', [3, 2], [1, 2, 3, 4, 5, 6]);
    w.shape = [3, 2];
    expect(() => verify(g)).toThrow(/RPN4001.*MatMul: inner dimensions differ/);
  });

  test('graph output never produced', () => {
    const { g } = small();
    g.nodes.pop();
    expect(() => verify(g)).toThrow(/RPN4001.*graph output %y is never produced/);
  });

  test('empty graph has no outputs', () => {
    expect(codeOf(() => verify(new Graph()))).toBe('RPN4001');
  });
});

describe('Graph helpers', () => {
  test('uses, replaceAllUses, removeNode, topologicalSort', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    const a = b.relu(x);
    const c = b.neg(a);
    const d = b.add(a, c);
    b.output(d, 'y');
    const g = b.graph;
    expect(g.uses(a).map((u) => `${u.node.op}:${u.index}`)).toEqual(['Neg:0', 'Add:0']);
    g.nodes.reverse();
    g.topologicalSort();
    expect(g.nodes.map((n) => n.op)).toEqual(['Relu', 'Neg', 'Add']);
    g.replaceAllUses(c, a);
    expect(g.uses(c)).toEqual([]);
    g.removeNode(c.producer!);
    expect(() => verify(g)).not.toThrow();
  });

  test('topologicalSort of a 100,000-operation chain listed backwards: producers first, no stack overflow (#18)', () => {
    const b = new GraphBuilder();
    let v = b.input('x', [2]);
    for (let i = 0; i < 100_000; i++) v = i % 2 ? b.neg(v) : b.relu(v);
    b.output(v, 'y');
    const g = b.graph;
    const forward = [...g.nodes];
    g.nodes.reverse();
    g.topologicalSort();
    expect(g.nodes.length).toBe(100_000);
    expect(g.nodes.every((n, i) => n === forward[i])).toBe(true);
    // a cycle is still an internal error
    const c = new GraphBuilder();
    const x = c.input('x', [2]);
    const r = c.relu(x);
    const n = c.neg(r);
    r.producer!.inputs[0] = n;
    expect(() => c.graph.topologicalSort()).toThrow(/RPN4001: cycle through node/);
  });
});
