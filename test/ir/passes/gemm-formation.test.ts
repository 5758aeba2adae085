import { describe, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { gemmFormation } from '../../../ir/passes/index.js';
import { fromArray } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

describe('gemm-formation', () => {
  test('MatMul(x, W) + b becomes Gemm(x, W, b); a [1,n] bias too', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h = b.relu(b.add(b.matmul(x, b.constant(fromArray([[1, 2, 3], [4, 5, 6]]), 'W')), b.constant(fromArray([1, 2, 3]), 'b')), { name: 'h' });
    b.output(b.add(b.constant(fromArray([[0.5]]), 'c'), b.matmul(h, b.constant(fromArray([[1], [2], [3]]), 'V'))), 'y');
    checkPass(
      gemmFormation(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W: float32[2,3] = const(1, 2, 3, 4, 5, 6)',
        '%b: float32[3] = const(1, 2, 3)',
        '%c: float32[1,1] = const(0.5)',
        '%V: float32[3,1] = const(1, 2, 3)',
        '%t1: float32[batch,3] = Gemm(%x, %W, %b)',
        '%h: float32[batch,3] = Relu(%t1)',
        '%y: float32[batch,1] = Gemm(%h, %V, %c)',
        'output %y',
      ),
    );
  });

  test('not when the MatMul is used elsewhere, the bias is not constant, or x is not 2-D', () => {
    const shared = new GraphBuilder();
    const x = shared.input('x', ['batch', 2]);
    const mm = shared.matmul(x, shared.constant(fromArray([[1, 2], [3, 4]])));
    shared.output(shared.add(mm, shared.constant(fromArray([1, 2]))), 'y');
    shared.output(shared.relu(mm), 'z');
    checkUnchanged(gemmFormation(), shared.graph);

    const dyn = new GraphBuilder();
    const xd = dyn.input('x', ['batch', 2]);
    dyn.output(dyn.add(dyn.matmul(xd, dyn.constant(fromArray([[1, 2], [3, 4]]))), dyn.relu(xd)), 'y');
    checkUnchanged(gemmFormation(), dyn.graph);

    const r3 = new GraphBuilder();
    const x3 = r3.input('x', ['batch', 2, 2]);
    r3.output(r3.add(r3.matmul(x3, r3.constant(fromArray([[1, 2], [3, 4]]))), r3.constant(fromArray([1, 2]))), 'y');
    checkUnchanged(gemmFormation(), r3.graph);
  });
});
