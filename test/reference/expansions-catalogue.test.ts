/**
 * Hand-derived checks of the catalogue expansions (issue 3): probabilistic log-densities (§7.4),
 * combinatorial_normal_expansion (§7.5) and the discrete wavelets (§7.6) — in the reference
 * interpreter, and for the data-dependent corners (beta's whole-tensor sigmoid switch, shannon's
 * NaN, meyer's τ = 0 branch) also in onnxruntime. Golden data from real tinybig is in
 * fixtures/golden/a_{normal,…,meyer_wavelet_d2_t2} (test/golden/golden.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  betaWaveletExpansion, cauchyExpansion, chi2Expansion, combinatorialExpansion, combinatorialNormalExpansion, dogWaveletExpansion,
  exponentialExpansion, gammaExpansion, harrWaveletExpansion, head, hybridProbabilisticExpansion, identityReconciliation,
  laplaceExpansion, meyerWaveletExpansion, naiveChi2Expansion, naiveExponentialExpansion, naiveGammaExpansion, naiveLaplaceExpansion,
  naiveCauchyExpansion, naiveNormalExpansion, nestedExpansion, normalExpansion, rickerWaveletExpansion, shannonWaveletExpansion,
  zeroRemainder, type Expansion,
} from '../../compiler/dsl/index.js';
import { compileSpec, seededWeights } from '../../compiler/compile.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { lanczosLgamma } from '../../compiler/lower/expansion.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { binomial, expansionD } from '../../compiler/spec/sizes.js';
import { expand, lgamma } from '../../runtime/reference/expansion.js';
import { fromFloat32 } from '../../runtime/reference/matrix.js';
import { createSession, runSession } from '../../runtime/session.js';
import { MapWeightSource } from './helpers.js';

const none = new MapWeightSource(new Map());
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const close = (actual: ArrayLike<number>, expected: number[], digits = 6) => {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    if (Number.isNaN(expected[k])) expect(actual[k]).toBeNaN();
    else expect(actual[k]).toBeCloseTo(expected[k], digits);
  }
};

const headOf = (exp: Expansion, m: number) => head({ m, n: 1, dataTransformation: exp, parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });

/** κ(X) in the reference for a batch of rows (all rows together: beta's switch looks at the batch). */
function kappaRows(exp: Expansion, rows: number[][]): number[][] {
  const m = rows[0].length;
  const spec = buildModelSpec(headOf(exp, m));
  const e = spec.layers[0].heads[0].expansion;
  const out = expand(e, fromFloat32(rows.length, m, rows.flat()), none);
  return rows.map((_, i) => Array.from(out.data.slice(i * out.cols, (i + 1) * out.cols)));
}
const kappa = (exp: Expansion, ...x: number[]) => kappaRows(exp, [x])[0];

/** κ(X) compiled to ONNX and run in onnxruntime (a head without reconciliation outputs κ(x), D = n). */
async function kappaOrt(exp: Expansion, rows: number[][]): Promise<number[][]> {
  const m = rows[0].length;
  const D = kappaRows(exp, rows)[0].length;
  const spec = buildModelSpec(head({ m, n: D, dataTransformation: exp, remainder: zeroRemainder() }));
  const { onnx } = compileSpec(spec, seededWeights(spec, 0));
  const y = await runSession(await createSession(onnx), { shape: [rows.length, m], data: Float32Array.from(rows.flat()) });
  return rows.map((_, i) => Array.from(y.data.slice(i * D, (i + 1) * D)));
}

function diagnosticsOf(f: () => unknown): { code: string; message: string }[] {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics.map((d) => ({ code: d.code, message: d.message }));
    throw e;
  }
  return [];
}

describe('lgamma of constant parameters', () => {
  it('matches Γ at integers and halves in both implementations', () => {
    for (const f of [lgamma, lanczosLgamma]) {
      expect(f(1)).toBeCloseTo(0, 12);
      expect(f(2)).toBeCloseTo(0, 12);
      expect(f(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
      expect(f(5)).toBeCloseTo(Math.log(24), 12);
      expect(f(3.5)).toBeCloseTo(Math.log((15 / 8) * Math.sqrt(Math.PI)), 12); // Γ(7/2) = 15√π/8
    }
  });
});

describe('probabilistic expansions (§7.4)', () => {
  it('normal: six N(μ, σ) blocks, block-major', () => {
    const n01 = (x: number) => -(x * x) / 2 - LN_SQRT_2PI;
    close(kappa(naiveNormalExpansion(), 0, 1), [n01(0), n01(1)]);
    // at x = 0: N(0,1), N(1,1), N(−1,1), N(0,.1), N(1,.1), N(−1,.1)
    const s = Math.log(10) - LN_SQRT_2PI; // −ln 0.1 − ln √(2π)
    close(kappa(normalExpansion(), 0), [-LN_SQRT_2PI, -0.5 - LN_SQRT_2PI, -0.5 - LN_SQRT_2PI, s, s - 50, s - 50], 5);
    // block-major: two features → [N(0,1)(x0), N(0,1)(x1), N(1,1)(x0), …]
    const k = kappa(normalExpansion(), 0, 1);
    expect(k.length).toBe(12);
    close(k.slice(0, 4), [n01(0), n01(1), n01(-1), n01(0)]);
  });
  it('cauchy: −ln π − ln γ − log1p(((x−μ)/γ)²)', () => {
    const lp = Math.log(Math.PI);
    close(kappa(naiveCauchyExpansion(), 1), [-lp - Math.log(2)]);
    close(kappa(cauchyExpansion(), 0), [-lp, -lp + Math.log(2), -lp - Math.log(2), -lp + Math.log(2) - Math.log(5), -lp - Math.log(2), -lp + Math.log(2) - Math.log(5)]);
  });
  it('laplace: −ln(2s) − |x−μ|/s', () => {
    close(kappa(naiveLaplaceExpansion(), -3), [-Math.log(2) - 3]);
    close(kappa(laplaceExpansion(), 0), [-Math.log(2), -Math.log(4), -Math.log(2) - 1, -Math.log(4) - 0.5, -Math.log(2) - 1, -Math.log(4) - 0.5]);
  });
  it('exponential and gamma act on u = 0.99·σ(x) + 0.001 (u = 0.496 at x = 0)', () => {
    const u = 0.496;
    close(kappa(naiveExponentialExpansion(), 0), [Math.log(0.5) - 0.5 * u]);
    close(kappa(exponentialExpansion(), 0), [0.5, 0.75, 1, 2, 3, 5].map((r) => Math.log(r) - r * u));
    close(kappa(naiveGammaExpansion(), 0), [-0.5 * Math.log(u) - u - 0.5 * Math.log(Math.PI)]);
    close(kappa(gammaExpansion(), 0), [
      -0.5 * Math.log(u) - u - 0.5 * Math.log(Math.PI), // Gamma(½, 1)
      0.5 * Math.log(2) - 0.5 * Math.log(u) - 2 * u - 0.5 * Math.log(Math.PI), // Gamma(½, 2)
      -u, // Gamma(1, 1) = Exp(1)
      Math.log(2) - 2 * u, // Gamma(1, 2) = Exp(2)
      Math.log(u) - u, // Gamma(2, 1): lgamma(2) = 0
      2 * Math.log(2) + Math.log(u) - 2 * u, // Gamma(2, 2)
    ]);
  });
  it('chi2 acts on v = σ(x) + 0.001 (no 0.99); Chi2(2) = Exp(½)', () => {
    const v = 0.501;
    const chi1 = 0.5 * Math.log(0.5) - 0.5 * Math.log(v) - 0.5 * v - 0.5 * Math.log(Math.PI);
    close(kappa(naiveChi2Expansion(), 0), [chi1]);
    close(kappa(chi2Expansion(), 0), [chi1, Math.log(0.5) - 0.5 * v]);
  });
  it('hybrid: N(0,1)(x), C(0,1)(x), Chi2(1)(u), Gamma(½,1)(u), Laplace(0,1)(x), Exp(1)(u)', () => {
    const u = 0.496;
    close(kappa(hybridProbabilisticExpansion(), 0), [
      -LN_SQRT_2PI, -Math.log(Math.PI),
      0.5 * Math.log(0.5) - 0.5 * Math.log(u) - 0.5 * u - 0.5 * Math.log(Math.PI),
      -0.5 * Math.log(u) - u - 0.5 * Math.log(Math.PI),
      -Math.log(2), -u,
    ]);
  });
  it('widths', () => {
    expect(expansionD('normal_expansion', {}, 5)).toBe(30);
    expect(expansionD('chi2_expansion', {}, 5)).toBe(10);
    expect(expansionD('naive_gamma_expansion', {}, 5)).toBe(5);
    expect(expansionD('hybrid_probabilistic_expansion', {}, 2)).toBe(12);
  });
});

describe('combinatorial_normal_expansion (§7.5)', () => {
  const l2p = Math.log(2 * Math.PI);
  it('d = 1 is −½(ln 2π + x_i²)', () => {
    close(kappa(combinatorialNormalExpansion(), 1, 2, 3), [1, 4, 9].map((s) => -0.5 * (l2p + s)));
  });
  it('d = 2 adds the pairs (0,1), (0,2), (1,2) in lexicographic order', () => {
    close(kappa(combinatorialNormalExpansion({ d: 2 }), 1, 2, 3), [...[1, 4, 9].map((s) => -0.5 * (l2p + s)), ...[5, 10, 13].map((s) => -0.5 * (2 * l2p + s))]);
  });
  it('d = 3 on m = 4 has 4 + 6 + 4 columns; the triples come last', () => {
    const k = kappa(combinatorialNormalExpansion({ d: 3 }), 1, 2, 3, 4);
    expect(k.length).toBe(14);
    close(k.slice(10), [14, 21, 26, 29].map((s) => -0.5 * (3 * l2p + s)));
    expect(binomial(4, 2)).toBe(6);
    expect(expansionD('combinatorial_normal_expansion', { d: 2 }, 5)).toBe(15);
  });
  it('d beyond m (2^31 on m = 3) is d = m: no r-subsets for r > m (torch.combinations gives none); compiled and run in moments', async () => {
    const want = [...[1, 4, 9].map((s) => -0.5 * (l2p + s)), ...[5, 10, 13].map((s) => -0.5 * (2 * l2p + s)), -0.5 * (3 * l2p + 14)];
    const t = performance.now();
    close(kappa(combinatorialNormalExpansion({ d: 2 ** 31 }), 1, 2, 3), want);
    close((await kappaOrt(combinatorialNormalExpansion({ d: 2 ** 31 }), [[1, 2, 3]]))[0], want, 4);
    expect(performance.now() - t).toBeLessThan(5000);
  });
  it('combinatorial_expansion (returns a list in tinybig) is rejected with RPN2002', () => {
    const d = diagnosticsOf(() => buildModelSpec(headOf(combinatorialExpansion({ d: 2 }), 3)));
    expect(d.map((x) => x.code)).toEqual(['RPN2002']);
    expect(d[0].message).toMatch(/list/);
    const nested = diagnosticsOf(() => buildModelSpec(headOf(nestedExpansion({ compositionFunctions: [combinatorialExpansion()] }), 3)));
    expect(nested.map((x) => x.code)).toEqual(['RPN2002']);
  });
  it('matches in onnxruntime', async () => {
    const rows = [[1, 2, 3], [-0.5, 0, 0.25]];
    const ort = await kappaOrt(combinatorialNormalExpansion({ d: 2 }), rows);
    const ref = kappaRows(combinatorialNormalExpansion({ d: 2 }), rows);
    ort.forEach((r, i) => close(r, ref[i], 5));
  });
});

describe('discrete wavelet expansions (§7.6)', () => {
  it('harr: 1 on [0, ½), −1 on [½, 1), else 0', () => {
    expect(kappa(harrWaveletExpansion(), -0.1, 0, 0.25, 0.5, 0.75, 1)).toEqual([0, 1, 1, -1, -1, 0]);
  });
  it('scales a^{s_i}, translations t_i·b, factor a^{−s_i/2}, feature-major (s_i, t_i) with t fastest', () => {
    // x = 1, a = 4, b = 0.5, s = 2, t = 2: combos (0,0) τ=1 → 0, (0,1) τ=0.5 → −1, (1,0) τ=¼ → ½·1, (1,1) τ=−¼ → 0
    const k = kappa(harrWaveletExpansion({ s: 2, t: 2, a: 4, b: 0.5 }), 1, 0.2);
    expect(k).toEqual([0, -1, 0.5, 0, 1, 0, 0.5, 0]); // feature 1 (x = 0.2): τ = 0.2, −0.3, 0.05, −0.45
    expect(expansionD('harr_wavelet_expansion', { d: 1, s: 2, t: 2 }, 2)).toBe(8);
  });
  it('d = 2 appends the ordered products of the wavelet vector', () => {
    const k = kappa(rickerWaveletExpansion({ d: 2, t: 2 }), 0.5);
    const w = kappa(rickerWaveletExpansion({ t: 2 }), 0.5);
    close(k, [...w, w[0] * w[0], w[0] * w[1], w[1] * w[0], w[1] * w[1]], 12);
    expect(expansionD('ricker_wavelet_expansion', { d: 2, s: 2, t: 2 }, 3)).toBe(12 + 144);
  });
  it('beta(2, 2) = 6τ(1−τ); any τ outside [0, 1] in the whole batch switches every τ to sigmoid(τ)', () => {
    const beta22 = (t: number) => 6 * t * (1 - t);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    close(kappa(betaWaveletExpansion({ alpha: 2, beta: 2 }), 0.5, 0.25), [1.5, beta22(0.25)]);
    close(kappa(betaWaveletExpansion({ alpha: 2, beta: 2 }), 0, -1), [beta22(0.5), beta22(sig(-1))]);
    // the first row alone is in range, but the second row's 2 switches both rows
    const both = kappaRows(betaWaveletExpansion({ alpha: 2, beta: 2 }), [[0.5], [2]]);
    close(both.flat(), [beta22(sig(0.5)), beta22(sig(2))]);
    // α = β = 1: ψ ≡ 1/B(1,1) = 1
    close(kappa(betaWaveletExpansion(), 0.3, 7), [1, 1]);
  });
  it('shannon (NaN at τ = 0), ricker, dog, meyer', () => {
    close(kappa(shannonWaveletExpansion(), 0.5, 0), [-1 / (Math.PI / 2), NaN]);
    close(kappa(rickerWaveletExpansion(), 0, 1), [2 / (Math.sqrt(3) * Math.PI ** 0.25), 0]);
    close(kappa(dogWaveletExpansion(), 0), [1 / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(8 * Math.PI)]);
    close(kappa(dogWaveletExpansion({ sigma1: 2, sigma2: 2 }), 0.7), [0]);
    close(kappa(meyerWaveletExpansion(), 0, 1), [2 / 3 + 4 / (3 * Math.PI), (Math.sin((2 * Math.PI) / 3) + (4 / 3) * Math.cos((4 * Math.PI) / 3)) / (Math.PI - (16 * Math.PI) / 9)]);
  });
  it('onnxruntime: beta switch per batch, shannon NaN, meyer τ = 0, harr edges', async () => {
    const cases: [Expansion, number[][]][] = [
      [betaWaveletExpansion({ alpha: 2, beta: 3 }), [[0.5, 0.25], [0.1, 0.9]]], // no switch
      [betaWaveletExpansion({ alpha: 2, beta: 3 }), [[0.5, 0.25], [0.1, 1.5]]], // switch (max > 1)
      [betaWaveletExpansion({ alpha: 1.5, beta: 2.5, t: 2, b: 0.5 }), [[0.5, 0.25], [0.1, 0.9]]], // t_i = 1 block switches alone
      [shannonWaveletExpansion(), [[0, 0.5], [0.25, -1.5]]],
      [meyerWaveletExpansion({ t: 2, b: 0.5 }), [[0, 0.5], [1, -0.3]]],
      [harrWaveletExpansion({ s: 2, t: 2, a: 2, b: 0.5 }), [[0, 0.5], [1, 2]]],
      [dogWaveletExpansion({ s: 2, a: 1.5, sigma1: 0.5, sigma2: 1.5 }), [[0, 0.5], [1, 2]]],
    ];
    for (const [exp, rows] of cases) {
      const ort = await kappaOrt(exp, rows);
      const ref = kappaRows(exp, rows);
      ort.forEach((r, i) => close(r, ref[i], 5));
    }
  });
  it('rejects a < 1, b < 0, alpha/beta < 1 and negative sigmas with RPN2109 at the option', () => {
    const one = (exp: Expansion) => {
      const d = diagnosticsOf(() => buildModelSpec(headOf(exp, 2)));
      expect(d.map((x) => x.code)).toEqual(['RPN2109']);
      return d[0].message;
    };
    expect(one(harrWaveletExpansion({ a: 0.5 }))).toMatch(/a = 0.5/);
    expect(one(meyerWaveletExpansion({ b: -1 }))).toMatch(/b = -1/);
    expect(one(betaWaveletExpansion({ alpha: 0.5 }))).toMatch(/alpha/);
    expect(one(rickerWaveletExpansion({ sigma: -1 }))).toMatch(/sigma/);
    expect(one(dogWaveletExpansion({ sigma2: -2 }))).toMatch(/sigma2/);
    expect(diagnosticsOf(() => buildModelSpec(headOf(harrWaveletExpansion({ a: 1, b: 0 }), 2)))).toEqual([]);
  });
});
