/**
 * Hand-derived checks of the reference interpreter's components (no tinybig involved).
 */
import { describe, expect, it } from 'vitest';
import {
  averageFusion, batchNorm1d, bsplineExpansion, chebyshevExpansion, concatenationFusion, constantEyeReconciliation, constantRemainder,
  elu, fibonacciExpansion, gegenbauerExpansion, gelu, head, hermiteExpansion, identityExpansion, identityReconciliation, jacobiExpansion,
  laguerreExpansion, layer, layerNorm, leakyRelu, legendreExpansion, linearExpansion, linearRemainder, logSoftmax, lucasExpansion,
  medianFusion, minFusion, prodFusion, reciprocalExpansion, rpn, softmax, softplus, sumFusion, taylorExpansion,
  weightedSummationFusion, zeroRemainder, besselExpansion, reverseBesselExpansion, fourierExpansion, hyperbolicExpansion,
  type Expansion, type Fusion, type ProcessingFunction,
} from '../../compiler/dsl/index.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { reconciliationSizes } from '../../compiler/spec/sizes.js';
import type { ReconciliationSpec } from '../../compiler/spec/types.js';
import { bsplineBases, bsplineKnots, expand } from '../../runtime/reference/expansion.js';
import { runReference, type Matrix } from '../../runtime/reference/index.js';
import { fromFloat32, type Mat } from '../../runtime/reference/matrix.js';
import { applyProcess, erf } from '../../runtime/reference/processing.js';
import { fabricate } from '../../runtime/reference/reconciliation.js';
import { MapWeightSource, weightsFrom } from './helpers.js';

const none = new MapWeightSource(new Map());
const row = (...v: number[]): Mat => fromFloat32(1, v.length, v);
const rows = (r: number, c: number, v: number[]): Matrix => ({ rows: r, cols: c, data: Float32Array.from(v) });
const close = (actual: ArrayLike<number>, expected: number[], digits = 6) => {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(actual[k]).toBeCloseTo(expected[k], digits);
};

/** κ(x) of an expansion for one input row. */
function kappa(exp: Expansion, ...x: number[]): number[] {
  const spec = buildModelSpec(head({ m: x.length, n: 1, dataTransformation: exp, parameterFabrication: identityReconciliation(), remainder: zeroRemainder() }));
  return Array.from(expand(spec.layers[0].heads[0].expansion, row(...x), none).data);
}

function rec(type: string, options: Record<string, unknown>, n: number, D: number): ReconciliationSpec {
  const s = reconciliationSizes(type, options, n, D);
  if (typeof s === 'string') throw new Error(s);
  return { type, options: s.options, n, D, l: s.l, prefix: '' };
}

describe('expansions', () => {
  it('identity, linear, reciprocal', () => {
    expect(kappa(identityExpansion(), 1, -2)).toEqual([1, -2]);
    expect(kappa(linearExpansion({ c: 3 }), 1, -2)).toEqual([3, -6]);
    expect(kappa(linearExpansion(), 1, -2)).toEqual([1, -2]);
    expect(kappa(reciprocalExpansion(), 2, 0, -1e-7, -4)).toEqual([0.5, 1e6, -1e6, -0.25]);
  });
  it('taylor of [1, 2] with d = 2 is [1, 2, 1, 2, 2, 4]', () => {
    expect(kappa(taylorExpansion({ d: 2 }), 1, 2)).toEqual([1, 2, 1, 2, 2, 4]);
  });
  it('taylor d = 3 block index i1·m² + i2·m + i3', () => {
    const k = kappa(taylorExpansion({ d: 3 }), 2, 3);
    expect(k.length).toBe(2 + 4 + 8);
    expect(k.slice(6)).toEqual([8, 12, 12, 18, 12, 18, 18, 27]);
  });
  it('fourier and hyperbolic are block-major', () => {
    close(kappa(fourierExpansion({ P: 4, N: 1 }), 1, 0.5), [Math.cos(Math.PI / 2), Math.cos(Math.PI / 4), 1, Math.sin(Math.PI / 4)]);
    close(kappa(hyperbolicExpansion(), 0.5), [Math.sinh(0.5), Math.cosh(0.5), Math.tanh(0.5)]);
  });
  it('chebyshev T2(0.5) = −0.5, feature-major', () => {
    expect(kappa(chebyshevExpansion({ d: 3 }), 0.5, 2)).toEqual([0.5, -0.5, -1, 2, 7, 26]);
  });
  it('hermite, legendre, laguerre (P1 = x+1+α), gegenbauer, bessel, reverse bessel, fibonacci, lucas', () => {
    close(kappa(hermiteExpansion({ d: 3 }), 2), [2, 3, 2]); // He2 = x²−1, He3 = x³−3x
    close(kappa(legendreExpansion({ d: 3 }), 0.5), [0.5, -0.125, -0.4375]);
    close(kappa(laguerreExpansion({ d: 2, alpha: 1 }), 0.5), [2.5, ((3 + 1 - 0.5) / 2) * 2.5 - 1]);
    close(kappa(gegenbauerExpansion({ d: 2, alpha: 1 }), 0.5), [1, 0]); // Chebyshev U: U1 = 2x, U2 = 4x²−1
    close(kappa(besselExpansion({ d: 2 }), 2), [3, 3 * 2 * 3 + 1]);
    close(kappa(reverseBesselExpansion({ d: 2 }), 2), [3, 3 * 3 + 4]);
    expect(kappa(fibonacciExpansion({ d: 3 }), 2)).toEqual([1, 2, 5]);
    expect(kappa(lucasExpansion({ d: 3 }), 2)).toEqual([2, 6, 14]);
  });
  it('jacobi with α = β = 0 is legendre', () => {
    close(kappa(jacobiExpansion({ d: 4, alpha: 0, beta: 0 }), 0.3), kappa(legendreExpansion({ d: 4 }), 0.3), 12);
  });
  it('B-spline knots are float32 and the bases form a partition of unity on [lo, hi)', () => {
    const g = bsplineKnots(-1, 1, 5, 3);
    expect(g.length).toBe(5 + 2 * 3 + 1);
    expect(g[3]).toBe(-1);
    expect(g[4]).toBe(Math.fround(Math.fround(Math.fround(1) * Math.fround(0.4)) - 1));
    for (const x of [-1, -0.77, 0, 0.123, 0.99]) {
      const B = bsplineBases(x, g, 3);
      expect(B.length).toBe(8);
      expect(B.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // order 0: half-open intervals, a value on a knot belongs to the right interval
    expect(bsplineBases(g[4], g, 0)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(kappa(bsplineExpansion({ t: 5, d: 3 }), 0.1).length).toBe(8);
  });
});

describe('reconciliations', () => {
  const w = (l: number) => Array.from({ length: l }, (_, k) => k + 1);
  it('identity is a row-major reshape', () => {
    expect(Array.from(fabricate(rec('identity_reconciliation', {}, 2, 3), w(6)).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('lorr with explicit A (n×r) and B (r×D)', () => {
    // A = [[1, 2], [3, 4]], B = [[5, 6, 7], [8, 9, 10]]
    const W = fabricate(rec('lorr_reconciliation', { r: 2 }, 2, 3), w(10));
    expect(Array.from(W.data)).toEqual([21, 24, 27, 47, 54, 61]);
  });
  it('hm with p = q = 1 is a plain reshape (scaled by w[0])', () => {
    const W = fabricate(rec('hm_reconciliation', { p: 1, q: 1 }, 2, 3), [1, ...w(6)]);
    expect(Array.from(W.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('hm is a reshaped outer product, not a Kronecker product', () => {
    // n = D = 4, p = q = 2, s = t = 2: a = [1, 2, 3, 4], β = [1, 10, 100, 1000]
    const W = fabricate(rec('hm_reconciliation', { p: 2, q: 2 }, 4, 4), [1, 2, 3, 4, 1, 10, 100, 1000]);
    expect(Array.from(W.data)).toEqual([1, 10, 100, 1000, 2, 20, 200, 2000, 3, 30, 300, 3000, 4, 40, 400, 4000]);
  });
  it('lphm: β = vec(S·T); dual_lphm: a = vec(P·Q) with Q read as r×q', () => {
    // lphm n = 2, D = 2, p = q = 1, r = 1: a = [2], S = [[3],[4]] (2×1), T = [[5, 6]] (1×2) → β = [15, 18, 20, 24]
    expect(Array.from(fabricate(rec('lphm_reconciliation', { p: 1, q: 1, r: 1 }, 2, 2), [2, 3, 4, 5, 6]).data)).toEqual([30, 36, 40, 48]);
    // dual_lphm n = 2, D = 2, p = q = 2, s = t = 1, r = 1: P = [[1],[2]], Q = [[3, 4]], S = [[5]], T = [[6]]
    expect(Array.from(fabricate(rec('dual_lphm_reconciliation', { p: 2, q: 2, r: 1 }, 2, 2), [1, 2, 3, 4, 5, 6]).data)).toEqual([90, 120, 180, 240]);
  });
  it('duplicated_padding is a row-major tile', () => {
    const W = fabricate(rec('duplicated_padding_reconciliation', { p: 2, q: 2 }, 2, 4), [1, 2]);
    expect(Array.from(W.data)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });
  it('constant / zero / one / eye', () => {
    expect(Array.from(fabricate(rec('constant_reconciliation', { c: 2.5 }, 1, 2), undefined).data)).toEqual([2.5, 2.5]);
    expect(Array.from(fabricate(rec('zero_reconciliation', {}, 1, 2), undefined).data)).toEqual([0, 0]);
    expect(Array.from(fabricate(rec('one_reconciliation', {}, 1, 2), undefined).data)).toEqual([1, 1]);
    expect(Array.from(fabricate(rec('constant_eye_reconciliation', {}, 2, 3), undefined).data)).toEqual([1, 0, 0, 0, 1, 0]);
  });
});

describe('processing functions', () => {
  const apply = (f: ProcessingFunction, x: Mat, ws = none) => {
    const spec = buildModelSpec(head({ m: x.cols, n: x.cols, dataTransformation: identityExpansion(), remainder: zeroRemainder(), outputProcessFunctions: [f] }));
    return Array.from(applyProcess(spec.layers[0].heads[0].outputProcess[0], x, ws).data);
  };
  it('erf and GELU', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erf(2.4999)).toBeCloseTo(0.9995930, 6);
    close(apply(gelu(), row(1, -1)), [0.8413447460685429, -0.15865525393145707], 12);
    close(apply(gelu({ approximate: 'tanh' }), row(1)), [0.8411919906082768], 12);
  });
  it('softmax / log-softmax over the features', () => {
    const s = apply(softmax(), fromFloat32(2, 2, [0, Math.log(3), 1, 1]));
    close(s, [0.25, 0.75, 0.5, 0.5]);
    close(apply(logSoftmax(), row(0, Math.log(3))), [Math.log(0.25), Math.log(0.75)]);
  });
  it('leaky relu, elu, softplus threshold', () => {
    close(apply(leakyRelu(), row(-1, 2)), [-0.01, 2]);
    close(apply(elu(), row(-1, 2)), [Math.exp(-1) - 1, 2]);
    close(apply(softplus({ beta: 2, threshold: 1 }), row(0, 1)), [Math.log(2) / 2, 1]);
  });
  it('BatchNorm1d: batch statistics without stored stats, eval with them', () => {
    // feature 0 = [1, 3]: μ = 2, σ² = 1 → ±1/√(1+1e-5)
    close(apply(batchNorm1d({ numFeatures: 1 }), fromFloat32(2, 1, [1, 3])), [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)]);
    const ws = weightsFrom({
      'output_process_functions.0.running_mean': { shape: [1], data: [1] },
      'output_process_functions.0.running_var': { shape: [1], data: [4] },
      'output_process_functions.0.weight': { shape: [1], data: [2] },
      'output_process_functions.0.bias': { shape: [1], data: [0.5] },
    });
    close(apply(batchNorm1d({ numFeatures: 1 }), fromFloat32(2, 1, [1, 3]), ws), [0.5, (2 / Math.sqrt(4 + 1e-5)) * 2 + 0.5]);
  });
  it('LayerNorm over the features', () => {
    close(apply(layerNorm({ normalizedShape: 2 }), row(1, 3)), [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)]);
  });
});

describe('fusions and heads', () => {
  /** A layer of k identity heads (m = n = 1, w = [c_k]) fused by `f`; input x. */
  const fused = (f: Fusion, cs: number[], x: number) => {
    const spec = buildModelSpec(
      layer({ m: 1, n: 1, heads: cs.map(() => head({ m: 1, n: 1, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })), headFusion: f }),
    );
    const ws = weightsFrom(Object.fromEntries(cs.map((c, k) => [`heads.${k}.w`, { shape: [1, 1], data: [c] }])));
    return Array.from(runReference(spec, ws, rows(1, 1, [x])).data);
  };
  it('metric and weighted fusions', () => {
    expect(fused(sumFusion(), [1, 2, 4], 1)).toEqual([7]);
    expect(fused(averageFusion(), [1, 2, 4], 3)).toEqual([7]);
    expect(fused(prodFusion(), [1, 2, 4], 1)).toEqual([8]);
    expect(fused(minFusion(), [3, -2, 4], 1)).toEqual([-2]);
    expect(fused(medianFusion(), [4, 1, 3, 2], 1)).toEqual([2]); // lower median
    expect(fused(weightedSummationFusion({ weights: [1, 10] }), [1, 2], 1)).toEqual([21]);
    expect(fused(concatenationFusion(), [1, 2], 1)).toEqual([1, 2]);
  });
  it('the head bias is added in every channel before the channel fusion', () => {
    const spec = buildModelSpec(
      head({ m: 1, n: 1, channelNum: 2, channelFusion: sumFusion(), dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation({ enableBias: true }), remainder: zeroRemainder() }),
    );
    const ws = weightsFrom({ w: { shape: [2, 1], data: [2, 3] }, b: { shape: [1], data: [10] } });
    expect(Array.from(runReference(spec, ws, rows(1, 1, [1])).data)).toEqual([25]);
  });
  it('remainders: constant, and linear without parameters is x', () => {
    const mk = (rem: ReturnType<typeof constantRemainder> | ReturnType<typeof linearRemainder>) =>
      buildModelSpec(rpn({ layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion(), parameterFabrication: constantEyeReconciliation(), remainder: rem })] })] }));
    expect(Array.from(runReference(mk(constantRemainder({ c: 0.5 })), none, rows(1, 2, [1, 2])).data)).toEqual([1.5, 2.5]);
    expect(Array.from(runReference(mk(linearRemainder({ requireParameters: false })), none, rows(1, 2, [1, 2])).data)).toEqual([2, 4]);
  });
  it('missing weights are an error', () => {
    const spec = buildModelSpec(head({ m: 1, n: 1, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() }));
    expect(() => runReference(spec, none, rows(1, 1, [1]))).toThrow(/missing tensor 'w'/);
  });
});
