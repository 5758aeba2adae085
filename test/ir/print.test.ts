import { expect, test } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { fromArray, tensor } from '../../ir/tensor.js';
import { printGraph } from '../../ir/print.js';

test('printer golden text', () => {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 4]);
  const w = b.constant(tensor('float32', [4, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1 / 3]), 'layers.0.heads.0.W');
  const h = b.add(b.matmul(x, w), b.constant(fromArray([1, -2]), 'bias'));
  const r = b.reshape(b.leakyRelu(h, 0.2), [0, 1, -1]);
  const y = b.softmax(b.reduceSum(r, [1], false), -1);
  b.output(y, 'y');
  expect(printGraph(b.graph)).toBe(
    [
      'input %x: float32[batch,4]',
      '%layers.0.heads.0.W: float32[4,2] = const(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, …)',
      '%bias: float32[2] = const(1, -2)',
      '%t3: int64[3] = const(0, 1, -1)',
      '%t5: int64[1] = const(1)',
      '%t0: float32[batch,2] = MatMul(%x, %layers.0.heads.0.W)',
      '%t1: float32[batch,2] = Add(%t0, %bias)',
      '%t2: float32[batch,2] = LeakyRelu(%t1) {alpha=0.2}',
      '%t4: float32[batch,1,2] = Reshape(%t2, %t3)',
      '%t6: float32[batch,2] = ReduceSum(%t4, %t5) {keepdims=0}',
      '%y: float32[batch,2] = Softmax(%t6) {axis=-1}',
      'output %y',
      '',
    ].join('\n'),
  );
});
