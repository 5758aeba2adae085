/**
 * The reference interpreter against real tinybig (fixtures/golden, made by /work/shared/oracle/golden.py).
 * Every model is built with the DSL exactly like the tinybig constructor of its case in cases_smoke.py.
 */
import { describe, expect, it } from 'vitest';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { bsplineKnots, linspaceF32 } from '../../runtime/reference/expansion.js';
import { runReference } from '../../runtime/reference/index.js';
import { CASES } from './cases.js';
import { compareClose, loadGolden, maxAbsDiff } from './helpers.js';

describe('reference interpreter vs tinybig goldens', () => {
  for (const [name, build] of Object.entries(CASES)) {
    it(name, () => {
      const g = loadGolden(name);
      const spec = buildModelSpec(build());
      const out = runReference(spec, g.weights, g.input, g.extras);
      const miss = compareClose(out, g.output);
      expect(miss, `${name}: max |diff| ${maxAbsDiff(out, g.output)}`).toBeUndefined();
      // every state_dict tensor of a non-shared model is read (shared heads' aliases heads.1.* are not)
      const stateKeys = ((g.meta.state_dict as { key: string }[]) ?? []).map((e) => e.key);
      const aliases = new Set(spec.layers.flatMap((l) => l.heads.flatMap((h) => h.aliases)));
      const unread = stateKeys.filter((k) => !g.weights.read.has(k) && ![...aliases].some((a) => k.startsWith(a)));
      expect(unread).toEqual([]);
    });
  }
});

describe('recomputed constants equal tinybig\'s extras', () => {
  it('B-spline knots (a_bspline: t=5, d=3 on [-1, 1])', () => {
    const g = loadGolden('a_bspline').extras.tensors.get('layers.0.heads.0.data_transformation.grid')!;
    const knots = bsplineKnots(-1, 1, 5, 3);
    expect(g.shape).toEqual([4, knots.length]);
    for (let j = 0; j < 4; j++) expect(Array.from(g.data.subarray(j * knots.length, (j + 1) * knots.length))).toEqual(knots);
  });
  it('B-spline knots (a_nested_bspline_taylor: t=3, d=2)', () => {
    const g = loadGolden('a_nested_bspline_taylor').extras.tensors.get('layers.0.heads.0.data_transformation.composition_functions.0.grid')!;
    expect(Array.from(g.data.subarray(0, 8))).toEqual(bsplineKnots(-1, 1, 3, 2));
  });
  it('RBF centres (5 and 4 intervals on [-1, 1])', () => {
    expect(Array.from(loadGolden('a_gaussian_rbf').extras.tensors.get('layers.0.heads.0.data_transformation.base')!.data)).toEqual(linspaceF32(-1, 1, 5));
    expect(Array.from(loadGolden('a_inverse_quadratic_rbf').extras.tensors.get('layers.0.heads.0.data_transformation.base')!.data)).toEqual(linspaceF32(-1, 1, 4));
  });
});
