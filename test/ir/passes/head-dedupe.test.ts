import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { type Value } from '../../../ir/graph.js';
import { PassManager, commonSubexpressionElimination, deadCodeElimination, headDedupe } from '../../../ir/passes/index.js';
import { printGraph } from '../../../ir/print.js';
import { fromArray } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, feedsFor, lines } from './helpers.js';
import { runGraph } from '../../../ir/eval.js';

describe('head-dedupe', () => {
  test('the mean of K copies of a head is that head (Div by K, Mul by 1/K), Max of copies too', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h = b.relu(x, { name: 'h' });
    const m2 = b.div(b.add(h, h), 2);
    const m3 = b.mul(b.add(b.add(m2, m2), m2), 1 / 3);
    b.output(b.max([m3, m3]), 'y');
    checkPass(
      headDedupe(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%t1: float32[] = const(2)',
        '%t5: float32[] = const(0.333333)',
        '%y: float32[batch,2] = Relu(%x)',
        '%t0: float32[batch,2] = Add(%y, %y)',
        '%t3: float32[batch,2] = Add(%y, %y)',
        '%t4: float32[batch,2] = Add(%t3, %y)',
        'output %y',
      ),
    );
  });

  test('not for a sum of copies divided by the wrong count, or of different heads', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h = b.relu(x);
    b.output(b.div(b.add(h, h), 3), 'y');
    b.output(b.div(b.add(h, b.sigmoid(x)), 2), 'z');
    checkUnchanged(headDedupe(), b.graph);
  });

  test('with CSE: a [head] * 2 layer with mean fusion compiles to one head', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const head = (): Value => b.relu(b.add(b.matmul(x, b.constant(fromArray([[1, -2], [3, 4]]))), b.constant(fromArray([0.5, -0.5]))));
    b.output(b.div(b.add(head(), head()), 2), 'y');
    const feeds = feedsFor(b.graph);
    const before = runGraph(b.graph, feeds).y;
    new PassManager([commonSubexpressionElimination(), headDedupe(), deadCodeElimination()]).run(b.graph);
    expect(b.graph.nodes.map((n) => n.op)).toEqual(['MatMul', 'Add', 'Relu']);
    expect(printGraph(b.graph)).toContain('%y: float32[batch,2] = Relu(');
    expect(runGraph(b.graph, feeds).y).toEqual(before);
  });
});
