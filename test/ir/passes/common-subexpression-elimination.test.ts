import { describe, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { commonSubexpressionElimination } from '../../../ir/passes/index.js';
import { fromArray } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

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

  test('compares constants by content: equal shapes with different values are not merged', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h1 = b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]]), 'W1'));
    const h2 = b.matmul(x, b.constant(fromArray([[1, 2], [3, 5]]), 'W2'));
    b.output(b.add(h1, h2), 'y');
    checkUnchanged(commonSubexpressionElimination(), b.graph);
  });

  test('does not merge noFold nodes or different attributes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3]);
    const s1 = b.softmax(x, 0);
    const s2 = b.softmax(x, 1);
    const r1 = b.relu(x, { noFold: true });
    const r2 = b.relu(x, { noFold: true });
    b.output(b.add(b.add(s1, s2), b.add(r1, r2)), 'y');
    checkUnchanged(commonSubexpressionElimination(), b.graph);
  });
});
