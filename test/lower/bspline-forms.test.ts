/**
 * The two lowerings of bspline_expansion (compiler/lower/expansion.ts): the Cox–de Boor recursion
 * (`bspline-recursive`, kept for `--no-opt` and degrees outside 1..3) and the closed form on the uniform
 * knots (`bspline-cardinal`, chosen by cost). Both against the reference interpreter's κ (float64 Cox–de
 * Boor on tinybig's float32 knots) on the inputs where a closed form could go wrong: exactly at every knot,
 * a few float32 ulps either side of it, at and beyond the ends of the range and of the extended knots,
 * plus uniform samples wider than the range.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/api.js';
import { compareIntermediates } from '../../compiler/intermediates.js';
import { expansionForm, fabricationPlan } from '../../compiler/lower/cost.js';
import { bsplineKnots } from '../../compiler/spec/sizes.js';

const model = (lo: number, hi: number, t: number, d: number, m = 3) => `import { rpn, layer, head, bsplineExpansion, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: ${m}, n: 2, heads: [head({ m: ${m}, n: 2, dataTransformation: bsplineExpansion({ gridRange: [${lo}, ${hi}], t: ${t}, d: ${d} }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });`;

/** Inputs: every knot, ±1..3 ulps around it, the ends, far outside, and uniform samples over 1.5× the extended range. */
function probeInputs(lo: number, hi: number, t: number, d: number, m: number): { shape: number[]; data: Float32Array } {
  const g = bsplineKnots(lo, hi, t, d);
  const vals: number[] = [];
  // v moved by k float32 steps (about k ulps; a tiny step at 0)
  const ulp = (v: number, k: number) => Math.fround(v + k * (v === 0 ? 2 ** -30 : Math.abs(v) * 2 ** -23));
  for (const k of g) for (const s of [-3, -1, 0, 1, 3]) vals.push(ulp(k, s));
  vals.push(lo, hi, g[0] - 1, g[g.length - 1] + 1, -100, 100, 0);
  let seed = 7;
  const span = g[g.length - 1] - g[0];
  for (let i = 0; i < 200; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    vals.push(Math.fround(g[0] - 0.25 * span + (seed / 2147483648) * 1.5 * span));
  }
  while (vals.length % m) vals.push(0);
  return { shape: [vals.length / m, m], data: Float32Array.from(vals) };
}

describe('bspline_expansion lowerings agree with the reference at knots and edges', () => {
  const configs: [number, number, number, number][] = [
    [-1, 1, 5, 3],
    [-1, 1, 5, 2],
    [-1, 1, 5, 1],
    [0, 2, 3, 3],
    [-2, 3, 7, 3],
    [-1, 1, 5, 0], // degree 0: the recursion only
    [-1, 1, 4, 4], // degree 4: the recursion only
  ];
  for (const [lo, hi, t, d] of configs) {
    for (const opt of [true, false]) {
      it(`range [${lo}, ${hi}], t = ${t}, d = ${d}, ${opt ? 'by cost' : '--no-opt'}`, async () => {
        const res = compile(model(lo, hi, t, d), { opt });
        const form = expansionForm(res.spec.layers[0].heads[0].expansion, { opt });
        expect(form).toBe(opt && d >= 1 && d <= 3 ? 'bspline-cardinal' : 'bspline-recursive');
        expect(fabricationPlan(res.spec, { opt })[0].expansionForm).toBe(form);
        const input = probeInputs(lo, hi, t, d, 3);
        const r = await compareIntermediates(res.spec, res.weights, res.model.graph, input, { atol: 1e-6, rtol: 1e-5 });
        const kappa = r.stages.find((s) => s.kind === 'expansion')!;
        expect(kappa.skipped).toBeUndefined();
        // κ itself within 1e-6 + 1e-5·|κ| of the float64 recursion on every probe (far inside the golden tolerance)
        expect(kappa.ok, `max abs ${kappa.maxAbs}`).toBe(true);
        expect(r.ok).toBe(true);
      }, 30_000);
    }
  }
});
