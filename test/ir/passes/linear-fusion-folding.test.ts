import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { linearFusionFolding } from '../../../ir/passes/index.js';
import { fromArray, toNumbers } from '../../../ir/tensor.js';
import { runGraph } from '../../../ir/eval.js';
import { verify } from '../../../ir/verify.js';
import { checkPass, checkUnchanged, expectAllClose, feedsFor, lines } from './helpers.js';

const constOf = (g: GraphBuilder['graph'], node: number, input = 1): number[] => toNumbers(g.nodes[node].inputs[input]!.const!);

describe('linear-fusion-folding', () => {
  test('mean fusion of two channels linear in x: one MatMul with (W1+W2)/2, bias (b1+b2)/2', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const c1 = b.add(b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]]), 'W1')), b.constant(fromArray([1, 1]), 'b1'));
    const c2 = b.add(b.matmul(x, b.constant(fromArray([[5, 6], [7, 8]]), 'W2')), b.constant(fromArray([3, 5]), 'b2'));
    b.output(b.div(b.add(c1, c2), 2), 'y');
    checkPass(
      linearFusionFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W1: float32[2,2] = const(1, 2, 3, 4)',
        '%b1: float32[2] = const(1, 1)',
        '%W2: float32[2,2] = const(5, 6, 7, 8)',
        '%b2: float32[2] = const(3, 5)',
        '%t5: float32[] = const(2)',
        '%t7: float32[2,2] = const(3, 4, 5, 6)', // ((1,2,3,4) + (5,6,7,8)) / 2
        '%t9: float32[2] = const(2, 3)', // ((1,1) + (3,5)) / 2
        '%t8: float32[batch,2] = MatMul(%x, %t7)',
        '%y: float32[batch,2] = Add(%t8, %t9)',
        'output %y',
      ),
    );
  });

  test('a head on x and a remainder on x are absorbed into the rows of the Taylor head [x, z]', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const z = b.relu(x, { name: 'z' });
    const head = b.matmul(b.concat([x, z], 1), b.constant(fromArray([[1, 0], [0, 1], [2, 0], [0, 2]]), 'W'));
    const rem = b.matmul(x, b.constant(fromArray([[10, 20], [30, 40]]), 'R'));
    b.output(b.add(b.add(head, rem), x), 'y'); // + an identity remainder: diag(1) on the x rows
    checkPass(
      linearFusionFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W: float32[4,2] = const(1, 0, 0, 1, 2, 0, …)',
        '%R: float32[2,2] = const(10, 20, 30, 40)',
        '%t5: float32[4,2] = const(12, 20, 30, 42, 2, 0, …)',
        '%z: float32[batch,2] = Relu(%x)',
        '%t0: float32[batch,4] = Concat(%x, %z) {axis=1}',
        '%y: float32[batch,2] = MatMul(%t0, %t5)',
        'output %y',
      ),
    );
    // rows of x: W + R + I; rows of z: W unchanged
    expect(constOf(b.graph, 2)).toEqual([1 + 10 + 1, 0 + 20, 0 + 30, 1 + 40 + 1, 2, 0, 0, 2]);
  });

  test('weighted summation and subtraction of heads, with a non-linear head kept as a scaled term', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h1 = b.matmul(x, b.constant(fromArray([[1, 0], [0, 1]]), 'A'));
    const h2 = b.matmul(x, b.constant(fromArray([[2, 2], [2, 2]]), 'B'));
    const h3 = b.sigmoid(x, { name: 'h3' });
    b.output(b.add(b.add(b.mul(h1, 0.5), b.mul(h2, 0.25)), b.neg(h3)), 'y');
    checkPass(
      linearFusionFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%A: float32[2,2] = const(1, 0, 0, 1)',
        '%B: float32[2,2] = const(2, 2, 2, 2)',
        '%t2: float32[] = const(0.5)',
        '%t4: float32[] = const(0.25)',
        '%t9: float32[2,2] = const(1, 0.5, 0.5, 1)', // 0.5·A + 0.25·B
        '%t11: float32[] = const(-1)',
        '%h3: float32[batch,2] = Sigmoid(%x)',
        '%t10: float32[batch,2] = MatMul(%x, %t9)',
        '%t12: float32[batch,2] = Mul(%h3, %t11)',
        '%y: float32[batch,2] = Add(%t10, %t12)',
        'output %y',
      ),
    );
  });

  test('concatenation fusion of two heads linear in x: one MatMul with the weights side by side', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h0 = b.add(b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]]), 'W0')), b.constant(fromArray([1, 2]), 'b0'));
    const h1 = b.matmul(x, b.constant(fromArray([[5], [6]]), 'W1'));
    b.output(b.concat([h0, h1], 1), 'y');
    checkPass(
      linearFusionFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W0: float32[2,2] = const(1, 2, 3, 4)',
        '%b0: float32[2] = const(1, 2)',
        '%W1: float32[2,1] = const(5, 6)',
        '%t4: float32[2,3] = const(1, 2, 5, 3, 4, 6)', // [W0 | W1]
        '%t6: float32[3] = const(1, 2, 0)', // [b0 | 0]
        '%t5: float32[batch,3] = MatMul(%x, %t4)',
        '%y: float32[batch,3] = Add(%t5, %t6)',
        'output %y',
      ),
    );
  });

  test('a remainder on x joins the interleaved rows of a per-order expansion [x0, t0, x1, t1, …]', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const t = b.sub(b.mul(x, x), 1, { name: 't' });
    const inter = b.reshape(b.concat([b.unsqueeze(x, [2]), b.unsqueeze(t, [2])], 2), [-1, 4]); // rows x0, t0, x1, t1
    const head = b.matmul(inter, b.constant(fromArray([[1], [2], [3], [4]]), 'W'));
    b.output(b.add(head, b.matmul(x, b.constant(fromArray([[10], [20]]), 'R'))), 'y');
    const feeds = feedsFor(b.graph);
    const before = runGraph(b.graph, feeds).y;
    expect(linearFusionFolding().run(b.graph)).toBe(true);
    verify(b.graph);
    expectAllClose(runGraph(b.graph, feeds).y, before);
    const mm = b.graph.nodes.filter((n) => n.op === 'MatMul');
    expect(mm).toHaveLength(1);
    expect(mm[0].inputs[0]).toBe(inter);
    expect(toNumbers(mm[0].inputs[1]!.const!)).toEqual([11, 2, 23, 4]); // R into rows 0 and 2
    expect(linearFusionFolding().run(b.graph)).toBe(false);
  });

  test('leaves alone: a single head, a shared intermediate, a noFold MatMul, a weight that is not constant', () => {
    const single = new GraphBuilder();
    const x = single.input('x', ['batch', 2]);
    single.output(single.add(single.matmul(x, single.constant(fromArray([[1, 2], [3, 4]]))), single.constant(fromArray([1, 2]))), 'y');
    checkUnchanged(linearFusionFolding(), single.graph);

    const shared = new GraphBuilder();
    const xs = shared.input('x', ['batch', 2]);
    const h = shared.matmul(xs, shared.constant(fromArray([[1, 2], [3, 4]])));
    const g = shared.matmul(xs, shared.constant(fromArray([[1, 0], [0, 1]])));
    shared.output(shared.add(h, g), 'y');
    shared.output(shared.relu(h), 'z'); // h has a second use: x·W1 must stay computed once
    checkUnchanged(linearFusionFolding(), shared.graph);

    const random = new GraphBuilder();
    const xr = random.input('x', ['batch', 2]);
    const r1 = random.matmul(xr, random.constant(fromArray([[1, 2], [3, 4]])), { noFold: true });
    random.output(random.add(r1, random.matmul(xr, random.constant(fromArray([[1, 0], [0, 1]])))), 'y');
    checkUnchanged(linearFusionFolding(), random.graph);

    const dynamic = new GraphBuilder();
    const xd = dynamic.input('x', ['batch', 2]);
    const w = dynamic.input('w', [2, 2]);
    dynamic.output(dynamic.add(dynamic.matmul(xd, w), dynamic.matmul(xd, w)), 'y');
    checkUnchanged(linearFusionFolding(), dynamic.graph);
  });
});
