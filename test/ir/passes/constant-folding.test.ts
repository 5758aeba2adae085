import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { runGraph } from '../../../ir/eval.js';
import { PassManager, constantFolding, defaultPipeline } from '../../../ir/passes/index.js';
import { printGraph } from '../../../ir/print.js';
import { fromArray, tensor, toNumbers, zeros } from '../../../ir/tensor.js';
import { verify } from '../../../ir/verify.js';
import { checkPass, lines } from './helpers.js';

describe('constant-folding', () => {
  test('folds a node with constant inputs (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const c = b.add(b.constant(fromArray([[1, 2], [3, 4]]), 'W'), 1);
    b.output(b.matmul(x, c), 'y');
    checkPass(
      constantFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W: float32[2,2] = const(1, 2, 3, 4)',
        '%t0: float32[] = const(1)',
        '%t1: float32[2,2] = const(2, 3, 4, 5)',
        '%y: float32[batch,2] = MatMul(%x, %t1)',
        'output %y',
      ),
    );
  });

  test('respects noFold (random ops are never folded) and the element limit', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    const w = b.constant(fromArray([1, 2, 3, 4]));
    const r = b.relu(w, { noFold: true });
    const t = b.tile(w, [2]);
    b.output(b.add(b.concat([r, t], 0), b.constant(zeros('float32', [12]))), 'y');
    b.output(x, 'x_out');
    expect(constantFolding({ maxElements: 4 }).run(b.graph)).toBe(false);
    expect(constantFolding({ maxElements: 8 }).run(b.graph)).toBe(true);
    expect(b.graph.nodes.map((n) => n.op)).toEqual(['Relu', 'Concat', 'Add', 'Identity']);
    expect(printGraph(b.graph)).toContain('= Relu(%t0) !nofold');
  });

  test('a fully constant graph output stays computed by a node', () => {
    const b = new GraphBuilder();
    b.input('x', [1]);
    b.output(b.neg(b.constant(fromArray([1, -2]), 'c')), 'y');
    checkPass(
      constantFolding(),
      b.graph,
      lines('input %x: float32[1]', '%c: float32[2] = const(1, -2)', '%y_const: float32[2] = const(-1, 2)', '%y: float32[2] = Identity(%y_const)', 'output %y'),
    );
  });

  test('fabrication subgraph (lorr) folds to one constant W', () => {
    // lorr: w (1 x l) with l = r*n + r*D; A = w[0:r*n] as n x r, B = w[r*n:] as r x D, W = A B; used as x @ W^T.
    const [n, r, D] = [3, 2, 4];
    const l = r * n + r * D;
    const wv = Array.from({ length: l }, (_, i) => (i % 5) - 2 + i / 10);
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', D]);
    const w = b.constant(tensor('float32', [1, l], wv), 'layers.0.heads.0.w');
    const A = b.reshape(b.slice(w, [0], [r * n], [1]), [n, r]);
    const B = b.reshape(b.slice(w, [r * n], [l], [1]), [r, D]);
    const Wt = b.transpose(b.matmul(A, B), [1, 0]);
    b.output(b.matmul(x, Wt), 'y');
    verify(b.graph);
    const feeds = { x: tensor('float32', [2, D], [1, 2, 3, 4, -1, 0.5, 0, 2]) };
    const before = runGraph(b.graph, feeds).y;

    const res = new PassManager(defaultPipeline()).run(b.graph);
    expect(res.converged).toBe(true);
    expect(b.graph.constants).toHaveLength(1);
    expect(b.graph.nodes.map((nd) => nd.op)).toEqual(['MatMul']);
    const Wc = b.graph.constants[0];
    expect(Wc.shape).toEqual([D, n]);
    // Hand computation: W^T[d][i] = sum_k A[i][k] * B[k][d].
    const want: number[] = [];
    for (let d = 0; d < D; d++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += Math.fround(wv[i * r + k]) * Math.fround(wv[r * n + k * D + d]);
        want.push(Math.fround(s));
      }
    expect(toNumbers(Wc.const!)).toEqual(want);
    // A few values worked by hand: w = [-2, -0.9, 0.2, 1.3, 2.4, -1.5, -0.4, 0.7, 1.8, 2.9, -1, 0.1, 1.2, 2.3]
    // A = [[-2,-0.9],[0.2,1.3],[2.4,-1.5]], B = [[-0.4,0.7,1.8,2.9],[-1,0.1,1.2,2.3]]
    // W^T[0][0] = -2*-0.4 + -0.9*-1 = 1.7; W^T[0][1] = 0.2*-0.4 + 1.3*-1 = -1.38; W^T[3][2] = 2.4*2.9 - 1.5*2.3 = 3.51
    expect(toNumbers(Wc.const!)[0]).toBeCloseTo(1.7, 5);
    expect(toNumbers(Wc.const!)[1]).toBeCloseTo(-1.38, 5);
    expect(toNumbers(Wc.const!)[3 * n + 2]).toBeCloseTo(3.51, 5);
    expect(toNumbers(runGraph(b.graph, feeds).y)).toEqual(toNumbers(before));
  });
});
