import { describe, expect, test } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { GraphBuilder } from '../../ir/builder.js';
import { runGraph } from '../../ir/eval.js';
import type { Graph } from '../../ir/graph.js';
import {
  type Pass,
  PassManager,
  commonSubexpressionElimination,
  constantFolding,
  deadCodeElimination,
  defaultPipeline,
  identityElimination,
  passByName,
} from '../../ir/passes/index.js';
import { printGraph } from '../../ir/print.js';
import { fromArray, tensor, toNumbers, zeros } from '../../ir/tensor.js';
import { verify } from '../../ir/verify.js';

const lines = (...ls: string[]): string => ls.join('\n') + '\n';

/** Run a pass once (must change), verify, compare golden text, and check a second run is a no-op. */
function checkPass(pass: Pass, graph: Graph, golden: string): void {
  expect(pass.run(graph)).toBe(true);
  verify(graph);
  expect(printGraph(graph)).toBe(golden);
  expect(pass.run(graph)).toBe(false);
}

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

  test('respects noFold and the element limit', () => {
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

describe('dead-code-elimination', () => {
  test('drops unused nodes and constants (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const a = b.relu(x);
    b.neg(a);
    b.constant(zeros('float32', [3]), 'unused');
    b.output(b.sigmoid(a), 'y');
    checkPass(deadCodeElimination(), b.graph, lines('input %x: float32[batch,2]', '%t0: float32[batch,2] = Relu(%x)', '%y: float32[batch,2] = Sigmoid(%t0)', 'output %y'));
  });
});

describe('common-subexpression-elimination', () => {
  test('merges equal constants and equal nodes, keeping output names (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const p = b.mul(b.relu(x), b.constant(fromArray([1, 2]), 'w1'));
    const q = b.mul(b.relu(x), b.constant(fromArray([1, 2]), 'w2'));
    b.output(b.add(p, q), 'y');
    b.output(b.relu(x), 'z');
    checkPass(
      commonSubexpressionElimination(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%w1: float32[2] = const(1, 2)',
        '%z: float32[batch,2] = Relu(%x)',
        '%t1: float32[batch,2] = Mul(%z, %w1)',
        '%y: float32[batch,2] = Add(%t1, %t1)',
        'output %y',
        'output %z',
      ),
    );
  });

  test('does not merge noFold nodes or different attributes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3]);
    const s1 = b.softmax(x, 0);
    const s2 = b.softmax(x, 1);
    const r1 = b.relu(x, { noFold: true });
    const r2 = b.relu(x, { noFold: true });
    b.output(b.add(b.add(s1, s2), b.add(r1, r2)), 'y');
    expect(commonSubexpressionElimination().run(b.graph)).toBe(false);
  });
});

describe('identity-elimination', () => {
  test('Identity, same-shape Reshape, identity Transpose, Reshape chains (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2, 3]);
    const t = b.transpose(b.identity(x), [0, 1, 2]);
    const r = b.reshape(t, [0, 2, 3]);
    const r2 = b.reshape(b.reshape(r, [0, 6]), [0, 3, 2]);
    b.output(b.relu(r2), 'y');
    checkPass(
      identityElimination(),
      b.graph,
      lines(
        'input %x: float32[batch,2,3]',
        '%t2: int64[3] = const(0, 2, 3)',
        '%t4: int64[2] = const(0, 6)',
        '%t6: int64[3] = const(0, 3, 2)',
        '%t5: float32[batch,6] = Reshape(%x, %t4)',
        '%t7: float32[batch,3,2] = Reshape(%x, %t6)',
        '%y: float32[batch,3,2] = Relu(%t7)',
        'output %y',
      ),
    );
  });

  test('an Identity feeding a graph output: the producer is renamed; from a graph input it stays', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    b.output(b.identity(b.relu(x)), 'y');
    b.output(x, 'x_copy');
    checkPass(identityElimination(), b.graph, lines('input %x: float32[2]', '%y: float32[2] = Relu(%x)', '%x_copy: float32[2] = Identity(%x)', 'output %y', 'output %x_copy'));
  });

  test('resolves a 0 in the outer Reshape when the inner one moved a static dim', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4, 6]);
    const y = b.reshape(b.reshape(x, [2, 12]), [0, 3, 4]);
    b.output(y, 'y');
    const feeds = { x: tensor('float32', [4, 6], Array.from({ length: 24 }, (_, i) => i)) };
    const before = runGraph(b.graph, feeds).y;
    new PassManager(defaultPipeline()).run(b.graph);
    expect(printGraph(b.graph)).toBe(lines('input %x: float32[4,6]', '%t4: int64[3] = const(2, 3, 4)', '%y: float32[2,3,4] = Reshape(%x, %t4)', 'output %y'));
    expect(runGraph(b.graph, feeds).y).toEqual(before);
  });
});

describe('PassManager', () => {
  function messy() {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const w = b.mul(b.constant(fromArray([[1, 0], [0, 1]]), 'W'), 2);
    const h = b.identity(b.matmul(x, w));
    b.output(b.add(b.relu(h), b.relu(h)), 'y');
    return b.graph;
  }

  test('runs to a fixpoint, records passes, calls afterPass, verifies', () => {
    const g = messy();
    const seen: string[] = [];
    const pm = new PassManager(defaultPipeline(), { afterPass: (name, _g, changed) => seen.push(`${name}:${changed}`) });
    const res = pm.run(g);
    expect(res.changed).toBe(true);
    expect(res.converged).toBe(true);
    expect(res.iterations).toBe(2);
    expect(seen).toEqual([
      'constant-folding:true',
      'identity-elimination:true',
      'common-subexpression-elimination:true',
      'dead-code-elimination:true',
      'constant-folding:false',
      'identity-elimination:false',
      'common-subexpression-elimination:false',
      'dead-code-elimination:false',
    ]);
    expect(res.log[0]).toEqual({ iteration: 1, pass: 'constant-folding', changed: true });
    expect(printGraph(g)).toBe(
      lines(
        'input %x: float32[batch,2]',
        '%t1: float32[2,2] = const(2, 0, 0, 2)',
        '%t2: float32[batch,2] = MatMul(%x, %t1)',
        '%t4: float32[batch,2] = Relu(%t2)',
        '%y: float32[batch,2] = Add(%t4, %t4)',
        'output %y',
      ),
    );
    expect(pm.run(g).changed).toBe(false);
  });

  test('a pass that breaks the graph is caught by verify (RPN4001)', () => {
    const breaker: Pass = {
      name: 'breaker',
      run(g) {
        g.nodes.reverse();
        return true;
      },
    };
    const g = messy();
    expect(() => new PassManager([breaker]).run(g)).toThrow(/RPN4001: after pass 'breaker'/);
    try {
      new PassManager([breaker]).run(messy());
    } catch (e) {
      expect((e as DiagnosticError).diagnostics[0].code).toBe('RPN4001');
    }
  });

  test('maxIterations bounds a pass that always reports a change', () => {
    const always: Pass = { name: 'always', run: () => true };
    const res = new PassManager([always], { maxIterations: 3, verify: false }).run(messy());
    expect(res).toMatchObject({ converged: false, iterations: 3 });
  });

  test('passByName', () => {
    expect(passByName('dead-code-elimination').name).toBe('dead-code-elimination');
    expect(() => passByName('nope')).toThrow(/RPN4005/);
  });
});
