import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { batchnormFolding } from '../../../ir/passes/index.js';
import { fromArray, toNumbers } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

/** Inference BatchNorm1d as processing.ts lowers it, with the scale γ/√(σ²+ε) already folded to `s`. */
function bn(b: GraphBuilder, y: ReturnType<GraphBuilder['input']>, mean: number[], s: number[], beta: number[]) {
  return b.add(b.mul(b.sub(y, b.constant(fromArray(mean), 'running_mean')), b.constant(fromArray(s), 'scale')), b.constant(fromArray(beta), 'bias'));
}

describe('batchnorm-folding', () => {
  test('BatchNorm after MatMul + bias folds into the weight columns and one bias', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const y = b.add(b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]]), 'W')), b.constant(fromArray([1, -1]), 'b'));
    b.output(b.relu(bn(b, y, [2, 3], [0.5, 2], [10, 20])), 'out');
    checkPass(
      batchnormFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,2]',
        '%W: float32[2,2] = const(1, 2, 3, 4)',
        '%b: float32[2] = const(1, -1)',
        '%running_mean: float32[2] = const(2, 3)',
        '%scale: float32[2] = const(0.5, 2)',
        '%bias: float32[2] = const(10, 20)',
        '%t6: float32[2,2] = const(0.5, 4, 1.5, 8)', // W·diag(0.5, 2)
        '%t8: float32[2] = const(9.5, 12)', // (b − μ)·s + β = (−1·0.5 + 10, −4·2 + 20)
        '%t7: float32[batch,2] = MatMul(%x, %t6)',
        '%t9: float32[batch,2] = Add(%t7, %t8)',
        '%out: float32[batch,2] = Relu(%t9)',
        'output %out',
      ),
    );
  });

  test('BatchNorm after a Gemm with transB (W stored n×k) folds too', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 3]);
    const g = b.gemm(x, b.constant(fromArray([[1, 2, 3], [4, 5, 6]]), 'Wt'), b.constant(fromArray([0, 1]), 'c'), { transB: true });
    b.output(bn(b, g, [1, 1], [2, -1], [0, 0]), 'y');
    expect(batchnormFolding().run(b.graph)).toBe(true);
    const mm = b.graph.nodes.find((n) => n.op === 'MatMul')!;
    expect(toNumbers(mm.inputs[1]!.const!)).toEqual([2, -4, 4, -5, 6, -6]); // Wᵀ·diag(2, −1)
  });

  test('after a flattened Conv the per-feature chain collapses to one Mul and one Add', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 1, 2, 2]);
    const conv = b.conv(x, b.constant(fromArray([[[[1]]], [[[2]]]]), 'K')); // 1→2 channels, 1×1 kernel
    const flat = b.add(b.reshape(conv, [0, 8]), b.constant(fromArray([1, 1, 1, 1, 2, 2, 2, 2]), 'b'));
    b.output(bn(b, flat, [0, 0, 0, 0, 1, 1, 1, 1], [1, 2, 3, 4, 1, 1, 1, 1], [0, 0, 0, 0, 5, 5, 5, 5]), 'y');
    checkPass(
      batchnormFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,1,2,2]',
        '%K: float32[2,1,1,1] = const(1, 2)',
        '%t1: int64[2] = const(0, 8)',
        '%b: float32[8] = const(1, 1, 1, 1, 2, 2, …)',
        '%running_mean: float32[8] = const(0, 0, 0, 0, 1, 1, …)',
        '%scale: float32[8] = const(1, 2, 3, 4, 1, 1, …)',
        '%bias: float32[8] = const(0, 0, 0, 0, 5, 5, …)',
        '%t7: float32[8] = const(1, 2, 3, 4, 1, 1, …)',
        '%t9: float32[8] = const(1, 2, 3, 4, 6, 6, …)', // (b − μ)·s + β
        '%t0: float32[batch,2,2,2] = Conv(%x, %K) {dilations=[1,1], group=1, kernel_shape=[1,1], pads=[0,0,0,0], strides=[1,1]}',
        '%t2: float32[batch,8] = Reshape(%t0, %t1)',
        '%t8: float32[batch,8] = Mul(%t2, %t7)',
        '%y: float32[batch,8] = Add(%t8, %t9)',
        'output %y',
      ),
    );
  });

  test('BatchNorm with batch statistics (ReduceMean, tinybig\'s list-held BatchNorm) is left alone', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const y = b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]])));
    const d = b.sub(y, b.reduceMean(y, [0], true));
    b.output(b.div(d, b.sqrt(b.add(b.reduceMean(b.mul(d, d), [0], true), 1e-5))), 'out');
    checkUnchanged(batchnormFolding(), b.graph);
  });

  test('a per-feature scale does not cross a sum of two heads (that is linear-fusion-folding\'s job)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const h = b.add(b.matmul(x, b.constant(fromArray([[1, 2], [3, 4]]))), b.matmul(x, b.constant(fromArray([[1, 0], [0, 1]]))));
    b.output(b.mul(h, b.constant(fromArray([2, 3]))), 'y');
    checkUnchanged(batchnormFolding(), b.graph);
  });
});

describe('batchnorm-folding into a Conv', () => {
  test('statistics shared by each channel fold into the Conv kernel and bias', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 1, 2, 2]);
    const conv = b.conv(x, b.constant(fromArray([[[[1]]], [[[2]]]]), 'K')); // 1→2 channels, 1×1 kernel
    const flat = b.reshape(conv, [0, 8]);
    // channel 0: μ 1, s 3, β 0; channel 1: μ 0, s 0.5, β 2 (each over its 4 positions)
    b.output(b.relu(bn(b, flat, [1, 1, 1, 1, 0, 0, 0, 0], [3, 3, 3, 3, 0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0, 2, 2, 2, 2])), 'y');
    checkPass(
      batchnormFolding(),
      b.graph,
      lines(
        'input %x: float32[batch,1,2,2]',
        '%K: float32[2,1,1,1] = const(1, 2)',
        '%t1: int64[2] = const(0, 8)',
        '%running_mean: float32[8] = const(1, 1, 1, 1, 0, 0, …)',
        '%scale: float32[8] = const(3, 3, 3, 3, 0.5, 0.5, …)',
        '%bias: float32[8] = const(0, 0, 0, 0, 2, 2, …)',
        '%t7: float32[8] = const(3, 3, 3, 3, 0.5, 0.5, …)',
        '%t9: float32[8] = const(-3, -3, -3, -3, 2, 2, …)', // −μ·s + β
        '%t11: float32[2,1,1,1] = const(3, 1)', // K·s_c
        '%t12: float32[2] = const(0, 0)',
        '%t13: float32[2] = const(-3, 2)',
        '%t0: float32[batch,2,2,2] = Conv(%x, %t11, %t13) {dilations=[1,1], group=1, kernel_shape=[1,1], pads=[0,0,0,0], strides=[1,1]}',
        '%t2: float32[batch,8] = Reshape(%t0, %t1)',
        '%y: float32[batch,8] = Relu(%t2)',
        'output %y',
      ),
    );
  });
});
