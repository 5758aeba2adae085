/**
 * Every kernel of compiler/lower/kernel.ts on its own, against runtime/reference/kernel.ts (independent code written
 * from the spec's formulas): Z with a symbolic row count (the attribute type: rows = the batch) and a static one, a
 * constant column and an all-zero column — NaN exactly where tinybig gives NaN (pearson: the constant column's row
 * and column; rv: off the diagonal only), cosine's 0 on the zero column's diagonal, the zero diagonals of rv and MI.
 */
import { describe, expect, it } from 'vitest';
import { lowerKernel } from '../../compiler/lower/kernel.js';
import { emitOnnx } from '../../compiler/onnx/emit.js';
import { GraphBuilder } from '../../ir/builder.js';
import { createModel } from '../../ir/graph.js';
import { kernelMatrix } from '../../runtime/reference/kernel.js';
import { runOrt } from '../onnx/ort-helpers.js';

const KERNELS: [string, Record<string, unknown>][] = [
  ['linear_kernel', {}],
  ['polynomial_kernel', { c: 0.5, d: 2 }],
  ['hyperbolic_tangent_kernel', { c: 0.1, alpha: 0.8 }],
  ['exponential_kernel', { gamma: 0.7 }],
  ['cosine_similarity_kernel', {}],
  ['minkowski_distance_kernel', { p: 3 }],
  ['minkowski_distance_kernel', { p: Infinity }],
  ['minkowski_distance_kernel', { p: 1 }],
  ['minkowski_distance_kernel', { p: 2 }],
  ['manhattan_distance_kernel', {}],
  ['euclidean_distance_kernel', {}],
  ['chebyshev_distance_kernel', {}],
  ['canberra_distance_kernel', {}],
  ['gaussian_rbf_kernel', { sigma: 0.7 }],
  ['laplacian_kernel', { sigma: 2 }],
  ['anisotropic_rbf_kernel', { aScalar: 1.5 }],
  ['anisotropic_rbf_kernel', { aVector: [0.5, 1, 1.5, 0.25, 2] }],
  ['kl_divergence_kernel', {}],
  ['pearson_correlation_kernel', {}],
  ['rv_coefficient_kernel', {}],
  ['mutual_information_kernel', {}],
];

const ROWS = 5;
const COLS = 4;
/** Z (5 × 4): column 1 constant, column 3 all zero (where the kernels are finite), else varied. */
function z(kernel: string): Float32Array {
  const special = !['kl_divergence_kernel', 'mutual_information_kernel'].includes(kernel); // KL / MI stay finite anyway
  return Float32Array.from({ length: ROWS * COLS }, (_, i) => {
    const [r, c] = [Math.floor(i / COLS), i % COLS];
    if (special && c === 1) return 0.3;
    if (special && c === 3) return 0;
    return Math.sin(1.3 * r + 2.1 * c + 0.4) * 0.9;
  });
}

describe('kernels: ONNX Runtime (compiler/lower/kernel.ts) against the reference (runtime/reference/kernel.ts)', () => {
  for (const [kernel, o] of KERNELS) {
    for (const symbolic of [true, false]) {
      it(`${kernel} ${JSON.stringify(o)}${symbolic ? ', rows symbolic' : ''}`, async () => {
        const b = new GraphBuilder();
        const x = b.input('z', [symbolic && !o.aVector ? 'batch' : ROWS, COLS]);
        b.output(lowerKernel(b, x, kernel, o, COLS), 'a');
        const data = z(kernel);
        const got = (await runOrt(emitOnnx(createModel(b.graph)), { z: { dtype: 'float32', shape: [ROWS, COLS], data } })).a;
        const want = kernelMatrix({ rows: ROWS, cols: COLS, data: Float64Array.from(data) }, kernel, o);
        expect(got.shape).toEqual([COLS, COLS]);
        for (let i = 0; i < COLS * COLS; i++) {
          const [g, w] = [(got.data as Float32Array)[i], want.data[i]];
          if (Number.isNaN(w)) expect(g, `[${i}] NaN expected`).toBeNaN();
          else expect(Math.abs(g - w), `[${i}] ${g} vs ${w}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w));
        }
        if (kernel === 'pearson_correlation_kernel') expect(Number.isNaN(want.data[1 * COLS + 1])).toBe(true); // constant column: NaN
        if (kernel === 'rv_coefficient_kernel') {
          expect(want.data[1 * COLS + 1]).toBe(0); // 0 on the diagonal, NaN off it
          expect(Number.isNaN(want.data[1 * COLS + 0])).toBe(true);
        }
        if (kernel === 'cosine_similarity_kernel') expect(want.data[3 * COLS + 3]).toBe(0); // all-zero column
      });
    }
  }
});
