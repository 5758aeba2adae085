/**
 * tinybig's compression functions, standalone geometric expansions / interdependences, kanHead and the parameterized
 * weighted-summation fusion (issue 14; spec rpn2-compression-geometric). The numbers against real tinybig are the
 * x_* golden cases (test/golden); here: the refusals (code, location, what tinybig does), the documented tinybig
 * failures (x_*_xfail), the batch a pre_C ties a model to, sizes, and ONNX Runtime against the reference on inputs
 * the goldens do not cover (ties in the median, even/odd m, normalisations).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, seededWeights } from '../../compiler/compile.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import * as dsl from '../../compiler/dsl/index.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { WeightStore } from '../../compiler/weights/store.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const { onnx } = onnxProto;
const root = path.resolve(import.meta.dirname, '../..');
const { head, layer, rpn, identityReconciliation, zeroRemainder, identityExpansion } = dsl;

const plain = (m: number, n: number, kappa: dsl.Component<'expansion', string, object>, extra: Record<string, unknown> = {}) =>
  rpn({ layers: [layer({ m, n, heads: [head({ m, n, dataTransformation: kappa, parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), ...extra })] })] });

function specError(v: unknown): { code: string; message: string } {
  try {
    buildModelSpec(v);
  } catch (e) {
    if (e instanceof DiagnosticError) return { code: e.diagnostics[0].code, message: e.diagnostics[0].message };
    throw e;
  }
  throw new Error('expected a diagnostic');
}

/** ONNX Runtime vs the reference on a seeded model and a given input. */
async function agree(model: unknown, rows: number, cols: number, data: number[]): Promise<number[]> {
  const spec = buildModelSpec(model);
  const ws = seededWeights(spec, 3);
  const { onnx: bytes } = compileSpec(spec, ws);
  const x = Float32Array.from(data);
  const y = await runSession(await createSession(bytes), { shape: [rows, cols], data: x });
  const ref = runReference(spec, seededWeights(spec, 3), { rows, cols, data: x });
  expect(y.data.length).toBe(ref.data.length);
  for (let i = 0; i < ref.data.length; i++) expect(Math.abs(y.data[i] - ref.data[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref.data[i]));
  return Array.from(y.data);
}

describe('refused classes (RPN2170–RPN2173)', () => {
  const cases: [string, string, RegExp][] = [
    ['naiveNormalProbabilisticCompression', 'RPN2170', /torch\.multinomial.*every call|every call/],
    ['combinatorialCompression', 'RPN2170', /multinomial/],
    ['combinatorialProbabilisticCompression', 'RPN2170', /multinomial/],
    ['incrementalRandomProjectionBasedCompression', 'RPN2170', /SparseRandomProjection/],
    ['incrementalPCABasedCompression', 'RPN2171', /IncrementalPCA.*float64/],
    ['incrementalVarianceThresholdBasedCompression', 'RPN2171', /variance/],
    ['incrementalFeatureClusteringBasedCompression', 'RPN2171', /SpectralClustering/],
    ['dimensionReductionCompression', 'RPN2171', /every batch/],
    ['featureSelectionCompression', 'RPN2171', /every batch/],
    ['isomapManifoldCompression', 'RPN2172', /Isomap/],
    ['lleManifoldCompression', 'RPN2172', /LocallyLinearEmbedding/],
    ['mdsManifoldCompression', 'RPN2172', /MDS/],
    ['spectralEmbeddingManifoldCompression', 'RPN2172', /SpectralEmbedding/],
    ['tsneManifoldCompression', 'RPN2172', /TSNE/],
    ['manifoldCompression', 'RPN2172', /manifold/],
  ];
  for (const [factory, code, what] of cases) {
    it(`${factory} → ${code}, saying what tinybig does at every call`, () => {
      const f = (dsl as unknown as Record<string, (o: object) => dsl.Component<'expansion'>>)[factory];
      const e = specError(plain(6, 3, f(/Probabilistic|combinatorial/i.test(factory) && !/Projection/.test(factory) ? { k: 3 } : { D: 3 })));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(what);
      expect(e.message).toMatch(/every (call|batch)/);
    });
  }
  for (const dist of ['Uniform', 'Normal', 'Cauchy', 'Chi2', 'Exponential', 'Gamma', 'Laplace']) {
    it(`naive${dist}ProbabilisticCompression → RPN2170`, () => {
      const f = (dsl as unknown as Record<string, (o: object) => dsl.Component<'expansion'>>)[`naive${dist}ProbabilisticCompression`];
      expect(specError(plain(6, 3, f({ k: 2 }))).code).toBe('RPN2170');
    });
  }
  for (const f of ['cylinderPatchBasedGeometricInterdependence', 'cylinderPatchAggregationBasedGeometricInterdependence', 'spherePatchBasedGeometricInterdependence', 'spherePatchPaddingBasedGeometricInterdependence', 'spherePatchAggregationBasedGeometricInterdependence'] as const) {
    it(`${f} → RPN2173 (tinybig's constructor passes r= to a patch that needs p_r)`, () => {
      const xi = (dsl as unknown as Record<string, (o: object) => dsl.Interdependence>)[f]({ r: 1, h: 3, w: 4 });
      const e = specError(plain(12, 12, identityExpansion(), { attributeInterdependence: xi }));
      expect(e.code).toBe('RPN2173');
      expect(e.message).toMatch(/p_r/);
    });
  }
});

describe('documented tinybig failures (x_*_xfail) are located refusals', () => {
  const xfail: [string, string, RegExp, string][] = [
    ['x_c13_incremental_pca_in_head_xfail', 'RPN2171', /float64/, 'incrementalPCABasedCompression'],
    ['x_g02_parameterized_weighted_summation_two_channels_xfail', 'RPN2173', /AssertionError/, 'parameterizedWeightedSummationFusion'],
    ['x_i09_cylinder_patch_padding_based_interdependence_xfail', 'RPN2173', /TypeError/, 'cylinderPatchPaddingBasedGeometricInterdependence'],
  ];
  for (const [c, code, tinybigError, factory] of xfail) {
    it(c, () => {
      const meta = JSON.parse(fs.readFileSync(path.join(root, 'fixtures/golden', c, 'meta.json'), 'utf8')) as { expect_error: string };
      expect(meta.expect_error).toBeTruthy();
      const file = path.join(root, 'fixtures/models', `${c}.ts`);
      let err: DiagnosticError | undefined;
      try {
        loadSpec(file);
      } catch (e) {
        err = e as DiagnosticError;
      }
      expect(err).toBeInstanceOf(DiagnosticError);
      const d = err!.diagnostics[0];
      expect(d.code).toBe(code);
      expect(d.message).toMatch(tinybigError);
      // located at the factory call in the fixture
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(d.span?.file).toBe(file);
      expect(lines[d.span!.line - 1].slice(d.span!.col - 1).startsWith(factory)).toBe(true);
    });
  }
});

describe('sizes, options and batch', () => {
  it('metric compressions have D = 1, extended sums, nested composes', () => {
    const k = dsl.nestedCompression({ compositionFunctions: [dsl.linearCompression({ c: 2 }), dsl.extendedCompression({ compositionFunctions: [dsl.maxCompression(), dsl.medianCompression(), dsl.identityCompression()] })] });
    expect(buildModelSpec(plain(5, 3, k)).layers[0].heads[0].D).toBe(7);
  });
  it('linearCompression({ preC }) ties the model to batch b; a non-square pre_C or a wrong post_C is refused', () => {
    const pre = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expect(buildModelSpec(plain(2, 2, dsl.linearCompression({ preC: pre }))).batch).toBe(3);
    expect(specError(plain(2, 2, dsl.linearCompression({ preC: [[1, 2]] }))).code).toBe('RPN2174');
    expect(specError(plain(2, 2, dsl.linearCompression({ postC: [[1, 2, 3], [4, 5, 6]] }))).code).toBe('RPN2174');
  });
  it("geometric expansion: d has no default (tinybig's ValueError); D = C·P·S", () => {
    expect(specError(plain(12, 3, dsl.geometricExpansion({ h: 3, w: 4, patch: dsl.cuboid({ pH: 1, pW: 1 }) }))).message).toMatch(/d has no default/);
    const s = buildModelSpec(plain(36, 3, dsl.spherePatchBasedGeometricExpansion({ pR: 1, grid: dsl.grid({ h: 3, w: 3, d: 2, universeNum: 2 }), packingStrategy: 'sparse_simple_cubic' })));
    expect(s.layers[0].heads[0].D).toBe(2 * 7 * 4);
  });
  it('geometric interdependence: aggregation needs P = N, instance type one universe and b = N, unknown matrix modes are refused', () => {
    const p = dsl.cuboid({ pH: 1, pW: 1 });
    expect(specError(plain(12, 12, identityExpansion(), { attributeInterdependence: dsl.geometricInterdependence({ h: 3, w: 4, patch: p, interdependenceMatrixMode: 'aggregation', packingStrategy: 'complete_square' }) })).message).toMatch(/P = N/);
    expect(specError(plain(12, 12, identityExpansion(), { attributeInterdependence: dsl.geometricInterdependence({ h: 3, w: 4, patch: p, interdependenceMatrixMode: 'sum' as 'padding' }) })).message).toMatch(/calculate_m_prime/);
    expect(specError(plain(4, 4, identityExpansion(), { instanceInterdependence: dsl.geometricInterdependence({ interdependenceType: 'instance', h: 2, w: 3, channelNum: 2, patch: p }) })).message).toMatch(/one universe/);
    const s = buildModelSpec(plain(4, 4, identityExpansion(), { instanceInterdependence: dsl.geometricInterdependence({ interdependenceType: 'instance', h: 2, w: 3, patch: p }) }));
    expect([s.batch, s.rowsOut]).toEqual([6, 6 * 9]);
  });
  it('a missing post_C side-car is named; --seed draws one', () => {
    const spec = buildModelSpec(plain(3, 3, dsl.linearCompression({ postC: 'sidecar' })));
    const w = seededWeights(spec, 0);
    expect(w.has('layers.0.heads.0.data_transformation.post_C')).toBe(true);
    const without = new WeightStore(new Map([...w.keys()].filter((k) => !k.endsWith('post_C')).map((k) => [k, { shape: [1, 9], data: new Float32Array(9) }])), 'a checkpoint');
    expect(() => compileSpec(spec, without)).toThrow(/data_transformation\.post_C/);
  });
});

describe('ONNX Runtime agrees with the reference', () => {
  it('median: ties, even and odd m (lower median), and the other metrics', async () => {
    const all = dsl.extendedCompression({ compositionFunctions: [dsl.medianCompression(), dsl.maxCompression(), dsl.minCompression(), dsl.sumCompression(), dsl.meanCompression(), dsl.prodCompression(),
      dsl.metricCompression({ metric: 'batch_l1_norm' }), dsl.metricCompression({ metric: 'batch_l2_norm' }), dsl.metricCompression({ metric: 'batch_std' }), dsl.metricCompression({ metric: 'batch_variance' })] });
    const model = rpn({ layers: [layer({ m: 4, n: 10, heads: [head({ m: 4, n: 10, dataTransformation: all, remainder: zeroRemainder() })] })] });
    const y = await agree(model, 3, 4, [3, 1, 2, 2, 5, 5, 5, 1, -1, 0.5, 0.25, 4]);
    expect([y[0], y[10], y[20]]).toEqual([2, 5, 0.25]); // lower medians of [1,2,2,3], [1,5,5,5], [-1,0.25,0.5,4]
    const odd = rpn({ layers: [layer({ m: 3, n: 1, heads: [head({ m: 3, n: 1, dataTransformation: dsl.medianCompression(), remainder: zeroRemainder() })] })] });
    expect(await agree(odd, 2, 3, [7, 7, 1, 0, -2, 9])).toEqual([7, 0]);
  });
  it('reciprocal clamp band, c vector, pre_C', async () => {
    const k = dsl.extendedCompression({ compositionFunctions: [dsl.reciprocalCompression(), dsl.linearCompression({ c: [1, -2, 3] })] });
    const y = await agree(rpn({ layers: [layer({ m: 3, n: 6, heads: [head({ m: 3, n: 6, dataTransformation: k, remainder: zeroRemainder() })] })] }), 2, 3, [0, 5e-7, -5e-7, -1e-6, 2, 0.5]);
    expect(y[0]).toBeCloseTo(1e6, -1);
    expect(y[2]).toBeCloseTo(-1e6, -1);
    await agree(plain(2, 2, dsl.linearCompression({ preC: [[1, 2, 0], [0, 1, 0], [3, 0, 1]] })), 3, 2, [1, 2, 3, 4, 5, 6]);
  });
  it('geometric interdependence: every normalisation in both modes, attribute and instance', async () => {
    const p = dsl.cuboid({ pH: 1, pW: 1 });
    for (const mode of ['padding', 'aggregation'] as const)
      for (const norm of [undefined, 'row', 'column', 'row_column'] as const) {
        const xi = dsl.geometricInterdependence({ h: 2, w: 3, channelNum: 2, patch: p, interdependenceMatrixMode: mode, normalization: norm !== undefined, normalizationMode: norm });
        const m = rpn({ layers: [layer({ m: 12, n: 2, heads: [head({ m: 12, n: 2, dataTransformation: dsl.taylorExpansion({ d: 1 }), parameterFabrication: dsl.lorrReconciliation({ r: 1 }), remainder: zeroRemainder(), attributeInterdependence: xi })] })] });
        await agree(m, 2, 12, Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)));
        const inst = dsl.geometricInterdependence({ interdependenceType: 'instance', h: 2, w: 3, patch: p, interdependenceMatrixMode: mode, normalization: norm !== undefined, normalizationMode: norm });
        const mi = rpn({ layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), instanceInterdependence: inst })] })] });
        await agree(mi, 6, 2, Array.from({ length: 12 }, (_, i) => Math.cos(i + 1)));
      }
  });
  it('geometric expansion and compression ONNX hold a gather, never a dense patch matrix', () => {
    const spec = buildModelSpec(plain(64, 2, dsl.geometricExpansion({ grid: dsl.grid({ h: 4, w: 4, d: 2, universeNum: 2 }), patch: dsl.cuboid({ pH: 1, pW: 1 }), d: 2 })));
    const { onnx: bytes } = compileSpec(spec, seededWeights(spec, 0));
    const g = onnx.ModelProto.decode(bytes).graph!;
    expect(g.node!.some((n) => n.opType === 'Gather')).toBe(true);
    expect(g.node!.some((n) => n.opType === 'MatMul' && n.input!.some((i) => /interdependence|patch/.test(i)))).toBe(false);
  });
});
