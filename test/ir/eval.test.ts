/** ir/eval kernels against hand-derived values. */
import { describe, expect, test } from 'vitest';
import { evaluateNode, erf } from '../../ir/eval.js';
import type { Attrs } from '../../ir/graph.js';
import { type Tensor, fromArray, int64s, scalar, tensor, toNumbers } from '../../ir/tensor.js';

const ev = (op: string, inputs: (Tensor | null)[], attrs: Attrs = {}): Tensor => evaluateNode({ op, attrs }, inputs)[0];
const f = (nested: Parameters<typeof fromArray>[0]): Tensor => fromArray(nested);

function expectT(t: Tensor, shape: number[], values: number[], tol = 1e-6): void {
  expect(t.shape).toEqual(shape);
  const got = toNumbers(t);
  expect(got.length).toBe(values.length);
  got.forEach((g, i) => expect(Math.abs(g - values[i]), `element ${i}: ${g} vs ${values[i]}`).toBeLessThanOrEqual(tol));
}

describe('elementwise and broadcasting', () => {
  test('Add [2,3] + [3]', () => expectT(ev('Add', [f([[1, 2, 3], [4, 5, 6]]), f([10, 20, 30])]), [2, 3], [11, 22, 33, 14, 25, 36]));
  test('Sub [2,1] - [1,3]', () => expectT(ev('Sub', [f([[1], [2]]), f([[1, 2, 3]])]), [2, 3], [0, -1, -2, 1, 0, -1]));
  test('Mul by scalar', () => expectT(ev('Mul', [f([1, -2]), scalar(3)]), [2], [3, -6]));
  test('Div', () => expectT(ev('Div', [f([1, 3]), f([2, 4])]), [2], [0.5, 0.75]));
  test('Pow', () => expectT(ev('Pow', [f([2, 3]), scalar(2)]), [2], [4, 9]));
  test('int64 Add/Div exact', () => {
    expect(toNumbers(ev('Add', [int64s([5, -7]), int64s([1, 1])]))).toEqual([6, -6]);
    expect(toNumbers(ev('Div', [int64s([7, -7]), int64s([2, 2])]))).toEqual([3, -3]);
  });
  test('Max/Min variadic with broadcast', () => {
    expectT(ev('Max', [f([1, 5, 3]), scalar(2), f([[0, 0, 4]])]), [1, 3], [2, 5, 4]);
    expectT(ev('Min', [f([1, 5, 3]), f([[2], [0]])]), [2, 3], [1, 2, 2, 0, 0, 0]);
  });
  test('compare and Where', () => {
    const c = ev('GreaterOrEqual', [f([1, 2, 3]), scalar(2)]);
    expect(c.dtype).toBe('bool');
    expect(toNumbers(c)).toEqual([0, 1, 1]);
    expect(toNumbers(ev('Less', [f([1, 2, 3]), scalar(2)]))).toEqual([1, 0, 0]);
    expectT(ev('Where', [c, f([10, 20, 30]), scalar(-1)]), [3], [-1, 20, 30]);
  });
  test('unary math', () => {
    const x = f([-1, 0, 0.5]);
    expectT(ev('Relu', [x]), [3], [0, 0, 0.5]);
    expectT(ev('Neg', [x]), [3], [1, 0, -0.5]);
    expectT(ev('Abs', [x]), [3], [1, 0, 0.5]);
    expectT(ev('Sigmoid', [x]), [3], [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-0.5))]);
    expectT(ev('Tanh', [x]), [3], [Math.tanh(-1), 0, Math.tanh(0.5)]);
    expectT(ev('Exp', [x]), [3], [1 / Math.E, 1, Math.sqrt(Math.E)]);
    expectT(ev('Log', [f([1, Math.E])]), [2], [0, 1]);
    expectT(ev('Sqrt', [f([4, 2])]), [2], [2, Math.SQRT2]);
    expectT(ev('Sin', [f([Math.PI / 2])]), [1], [1]);
    expectT(ev('Cos', [f([0])]), [1], [1]);
    expectT(ev('Tan', [f([Math.PI / 4])]), [1], [1]);
    expectT(ev('Sinh', [f([1])]), [1], [(Math.E - 1 / Math.E) / 2]);
    expectT(ev('Cosh', [f([1])]), [1], [(Math.E + 1 / Math.E) / 2]);
    expectT(ev('Asin', [f([1])]), [1], [Math.PI / 2]);
    expectT(ev('Acos', [f([0])]), [1], [Math.PI / 2]);
    expectT(ev('Atan', [f([1])]), [1], [Math.PI / 4]);
    expectT(ev('Asinh', [f([1])]), [1], [Math.log(1 + Math.SQRT2)]);
    expectT(ev('Acosh', [f([2])]), [1], [Math.log(2 + Math.sqrt(3))]);
    expectT(ev('Atanh', [f([0.5])]), [1], [0.5 * Math.log(3)]);
    expectT(ev('Floor', [f([-1.5, 1.5])]), [2], [-2, 1]);
    expectT(ev('LeakyRelu', [x], { alpha: 0.1 }), [3], [-0.1, 0, 0.5]);
    expectT(ev('Elu', [x], { alpha: 2 }), [3], [2 * (1 / Math.E - 1), 0, 0.5]);
    expectT(ev('Celu', [f([-2, 1])], { alpha: 2 }), [2], [2 * (Math.exp(-1) - 1), 1]);
    expectT(ev('Softplus', [f([0, 100, -100])]), [3], [Math.LN2, 100, 0]);
    expectT(ev('Clip', [f([-2, 0.5, 2]), scalar(-1), scalar(1)]), [3], [-1, 0.5, 1]);
    expectT(ev('Clip', [f([-2, 0.5, 2]), null, scalar(1)]), [3], [-2, 0.5, 1]);
  });
  test('erf reference values', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 12);
  });
  test('Cast', () => {
    const t = ev('Cast', [f([-1.7, 2.7, 0])], { to: 'int64' });
    expect(t.dtype).toBe('int64');
    expect(toNumbers(t)).toEqual([-1, 2, 0]);
    expect(toNumbers(ev('Cast', [f([-1.7, 0])], { to: 'bool' }))).toEqual([1, 0]);
  });
});

describe('linear algebra', () => {
  test('MatMul 2-D', () => expectT(ev('MatMul', [f([[1, 2], [3, 4]]), f([[5, 6], [7, 8]])]), [2, 2], [19, 22, 43, 50]));
  test('MatMul batch broadcast and 1-D', () => {
    expectT(ev('MatMul', [f([[[1, 0]], [[0, 1]]]), f([[1, 2], [3, 4]])]), [2, 1, 2], [1, 2, 3, 4]);
    expectT(ev('MatMul', [f([1, 1]), f([[1, 2], [3, 4]])]), [2], [4, 6]);
    expectT(ev('MatMul', [f([[1, 2], [3, 4]]), f([1, 1])]), [2], [3, 7]);
  });
  test('Gemm transB alpha beta', () => {
    // A=[[1,2]], B^T=[[1,0],[0,1],[1,1]] -> AB^T = [1,2,3]; 2*that + 0.5*[2,2,2]
    expectT(ev('Gemm', [f([[1, 2]]), f([[1, 0], [0, 1], [1, 1]]), f([2, 2, 2])], { transB: 1, alpha: 2, beta: 0.5 }), [1, 3], [3, 5, 7]);
  });
});

describe('layout', () => {
  const x = f([[1, 2, 3], [4, 5, 6]]);
  test('Transpose', () => expectT(ev('Transpose', [x], { perm: [1, 0] }), [3, 2], [1, 4, 2, 5, 3, 6]));
  test('Reshape with 0 and -1', () => expectT(ev('Reshape', [x, int64s([0, -1, 1])]), [2, 3, 1], [1, 2, 3, 4, 5, 6]));
  test('Slice positive/negative steps', () => {
    expectT(ev('Slice', [x, int64s([0, 1]), int64s([2, 3])]), [2, 2], [2, 3, 5, 6]);
    expectT(ev('Slice', [x, int64s([-1]), int64s([-1e18]), int64s([1]), int64s([-2])]), [2, 2], [3, 1, 6, 4]);
    expectT(ev('Slice', [x, int64s([1]), int64s([100]), int64s([0])]), [1, 3], [4, 5, 6]);
  });
  test('Concat', () => expectT(ev('Concat', [x, f([[7], [8]])], { axis: 1 }), [2, 4], [1, 2, 3, 7, 4, 5, 6, 8]));
  test('Unsqueeze/Squeeze', () => {
    expect(ev('Unsqueeze', [x, int64s([0, 3])]).shape).toEqual([1, 2, 3, 1]);
    expect(ev('Squeeze', [f([[[1, 2]]]), int64s([0, 1])]).shape).toEqual([2]);
  });
  test('Expand', () => expectT(ev('Expand', [f([[1], [2]]), int64s([2, 3])]), [2, 3], [1, 1, 1, 2, 2, 2]));
  test('Tile', () => expectT(ev('Tile', [f([[1, 2]]), int64s([2, 2])]), [2, 4], [1, 2, 1, 2, 1, 2, 1, 2]));
  test('Gather axis 1 with a negative index', () => expectT(ev('Gather', [x, int64s([2, -3])], { axis: 1 }), [2, 2], [3, 1, 6, 4]));
  test('Pad constant / reflect / edge', () => {
    const v = f([1, 2, 3]);
    expectT(ev('Pad', [v, int64s([2, 1]), scalar(9)], { mode: 'constant' }), [6], [9, 9, 1, 2, 3, 9]);
    expectT(ev('Pad', [v, int64s([2, 2])], { mode: 'reflect' }), [7], [3, 2, 1, 2, 3, 2, 1]);
    expectT(ev('Pad', [v, int64s([2, 1])], { mode: 'edge' }), [6], [1, 1, 1, 2, 3, 3]);
    expectT(ev('Pad', [x, int64s([1, 0, 0, 1])]), [3, 4], [0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0]);
  });
});

describe('reductions and softmax', () => {
  const x = f([[1, 2, 3], [4, 5, 6]]);
  test('ReduceSum (axes input)', () => {
    expectT(ev('ReduceSum', [x, int64s([1])], { keepdims: 1 }), [2, 1], [6, 15]);
    expectT(ev('ReduceSum', [x], { keepdims: 0 }), [], [21]);
  });
  test('ReduceMean/Max/Min/Prod (axes attribute)', () => {
    expectT(ev('ReduceMean', [x], { axes: [0], keepdims: 0 }), [3], [2.5, 3.5, 4.5]);
    expectT(ev('ReduceMax', [x], { axes: [-1], keepdims: 0 }), [2], [3, 6]);
    expectT(ev('ReduceMin', [x], { axes: [0, 1], keepdims: 1 }), [1, 1], [1]);
    expectT(ev('ReduceProd', [x], { axes: [1], keepdims: 0 }), [2], [6, 120]);
  });
  test('Softmax / LogSoftmax', () => {
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    expectT(ev('Softmax', [x], { axis: -1 }), [2, 3], [...e, ...e].map((v) => v / s));
    expectT(ev('LogSoftmax', [x], { axis: 1 }), [2, 3], [1, 2, 3, 1, 2, 3].map((v) => v - 3 - Math.log(s / e[2])));
    expectT(ev('Softmax', [x], { axis: 0 }), [2, 3], [1, 1, 1, 1, 1, 1].map((_, i) => (i < 3 ? 1 / (1 + Math.exp(3)) : 1 / (1 + Math.exp(-3)))));
  });
});

describe('convolution and pooling', () => {
  test('Conv2d 3x3 pad 1 against a naive loop', () => {
    const [N, C, H, Wd, M] = [1, 2, 4, 5, 3];
    const xs = Array.from({ length: N * C * H * Wd }, (_, i) => ((i * 7) % 11) - 5);
    const ws = Array.from({ length: M * C * 9 }, (_, i) => ((i * 5) % 7) / 7 - 0.5);
    const bs = [0.5, -1, 2];
    const want: number[] = [];
    for (let m = 0; m < M; m++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < Wd; j++) {
          let s = bs[m];
          for (let c = 0; c < C; c++)
            for (let di = 0; di < 3; di++)
              for (let dj = 0; dj < 3; dj++) {
                const [ii, jj] = [i + di - 1, j + dj - 1];
                if (ii < 0 || jj < 0 || ii >= H || jj >= Wd) continue;
                s += xs[(c * H + ii) * Wd + jj] * ws[((m * C + c) * 3 + di) * 3 + dj];
              }
          want.push(s);
        }
    const got = ev('Conv', [tensor('float32', [N, C, H, Wd], xs), tensor('float32', [M, C, 3, 3], ws), tensor('float32', [M], bs)], {
      kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1,
    });
    expectT(got, [N, M, H, Wd], want, 1e-5);
  });
  test('Conv1d stride 2, grouped', () => {
    // x: 2 channels [1,2,3,4,5], [1,1,1,1,1]; group 2, w per channel [1,1]; stride 2
    const got = ev('Conv', [f([[[1, 2, 3, 4, 5], [1, 1, 1, 1, 1]]]), f([[[1, 1]], [[1, -1]]])], { strides: [2], group: 2 });
    expectT(got, [1, 2, 2], [3, 7, 0, 0]);
  });
  test('MaxPool 2x2 stride 2 with padding ignored', () => {
    const x = f([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    expectT(ev('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }), [1, 1, 2, 2], [5, 6, 8, 9]);
    const neg = f([[[-3, -1, -2]]]);
    expectT(ev('MaxPool', [neg], { kernel_shape: [3], pads: [1, 1] }), [1, 1, 3], [-1, -1, -1]);
  });
});
