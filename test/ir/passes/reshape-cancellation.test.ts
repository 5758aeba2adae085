import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { runGraph } from '../../../ir/eval.js';
import { PassManager, defaultPipeline, reshapeCancellation } from '../../../ir/passes/index.js';
import { printGraph } from '../../../ir/print.js';
import { tensor } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

describe('reshape-cancellation', () => {
  test('same-shape Reshape, identity Transpose, Reshape chains (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2, 3]);
    const t = b.transpose(x, [0, 1, 2]);
    const r = b.reshape(t, [0, 2, 3]);
    const r2 = b.reshape(b.reshape(r, [0, 6]), [0, 3, 2]);
    b.output(b.relu(r2), 'y');
    checkPass(
      reshapeCancellation(),
      b.graph,
      lines(
        'input %x: float32[batch,2,3]',
        '%t1: int64[3] = const(0, 2, 3)',
        '%t3: int64[2] = const(0, 6)',
        '%t5: int64[3] = const(0, 3, 2)',
        '%t4: float32[batch,6] = Reshape(%x, %t3)',
        '%t6: float32[batch,3,2] = Reshape(%x, %t5)',
        '%y: float32[batch,3,2] = Relu(%t6)',
        'output %y',
      ),
    );
  });

  test('Transpose∘Transpose: composed into one, removed when the permutations cancel', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2, 3, 4]);
    const back = b.transpose(b.transpose(x, [0, 2, 3, 1]), [0, 3, 1, 2]); // NCHW→NHWC→NCHW
    const rot = b.transpose(b.transpose(x, [0, 2, 3, 1]), [0, 2, 1, 3]); // → [batch, 4, 3, 2]
    b.output(b.relu(back), 'y');
    b.output(b.sigmoid(rot), 'z');
    checkPass(
      reshapeCancellation(),
      b.graph,
      lines(
        'input %x: float32[batch,2,3,4]',
        '%t0: float32[batch,3,4,2] = Transpose(%x) {perm=[0,2,3,1]}',
        '%t2: float32[batch,3,4,2] = Transpose(%x) {perm=[0,2,3,1]}',
        '%t3: float32[batch,4,3,2] = Transpose(%x) {perm=[0,3,2,1]}',
        '%y: float32[batch,2,3,4] = Relu(%x)',
        '%z: float32[batch,4,3,2] = Sigmoid(%t3)',
        'output %y',
        'output %z',
      ),
    );
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

  test('a Reshape that changes the shape and a real Transpose stay', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 6]);
    b.output(b.transpose(b.reshape(x, [0, 2, 3]), [0, 2, 1]), 'y');
    checkUnchanged(reshapeCancellation(), b.graph);
  });
});
