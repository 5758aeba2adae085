/**
 * The fabrication strategy (compiler/lower/cost.ts): for every factored form, the cost model's choice
 * under `--optimize speed|size` and batch hints 1 / 256 (seen through `fabricationPlan` and the IR
 * value names), and ONNX Runtime's output against the reference interpreter (which always builds the
 * dense W) and, for the golden cases, against real tinybig.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { blockLayout, candidateForms, chooseForm, fabricationPlan, type FabricationForm } from '../../compiler/lower/cost.js';
import { lowerModel, type LowerOptions } from '../../compiler/lower/index.js';
import { encodeModel, modelProto } from '../../compiler/onnx/emit.js';
import { runPasses } from '../../compiler/passes.js';
import type { ModelSpec } from '../../compiler/spec/types.js';
import type { WeightStore } from '../../compiler/weights/store.js';
import { createModel } from '../../ir/graph.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { randomTensor } from '../onnx/ort-helpers.js';
import { goldenIo, goldenWeights, modelsDir } from '../golden/cases.js';

const root = path.resolve(import.meta.dirname, '../..');
const models = path.join(import.meta.dirname, 'models');

interface Built {
  onnx: Uint8Array;
  names: string[];
}

/** Lower (with a forced form when given), run the default passes, emit; the value names of the graph. */
function build(spec: ModelSpec, store: WeightStore, opts: LowerOptions): Built {
  if (!opts.force) {
    const res = compileSpec(spec, store, opts);
    const g = res.model.graph;
    return { onnx: res.onnx, names: [...g.constants, ...g.nodes.flatMap((n) => n.outputs)].map((v) => v.name) };
  }
  const graph = lowerModel(spec, store, opts);
  runPasses(graph, { fold: true, opt: true });
  return { onnx: encodeModel(modelProto(createModel(graph, {}))), names: [...graph.constants, ...graph.nodes.flatMap((n) => n.outputs)].map((v) => v.name) };
}

function maxDiff(actual: Float32Array, expected: Float32Array, label: string): number {
  expect(actual.length, `${label}: size`).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= 1e-5 + 1e-4 * Math.abs(expected[i]))) expect.fail(`${label}: element ${i}: ${actual[i]} vs ${expected[i]} (|diff| ${d})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

async function ort(onnx: Uint8Array, x: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  const s = await createSession(onnx);
  return (await runSession(s, x)).data;
}

/** A random input of `rows` rows for the model, and the reference interpreter's output on it. */
function referenceIO(spec: ModelSpec, store: WeightStore, rows: number) {
  const t = randomTensor([rows, spec.m], 7 + rows, -1, 1);
  const x = { shape: [rows, spec.m], data: t.data as Float32Array };
  return { x, y: runReference(spec, store, { rows, cols: spec.m, data: x.data }).data };
}

/**
 * Names the lowering gives each factored form's values (compiler/lower/reconciliation.ts). Only the
 * value applied first to κ is asserted: later passes (affine-form re-emission, fusion folding) may
 * rebuild the second factor's constant under a fresh name, and the dense W merges with others.
 */
const NAMES: Record<Exclude<FabricationForm, 'dense'>, string> = {
  'lorr-factored': 'lorr_B',
  'hm-factored': 'hm_beta',
  'duplicated-padding-factored': 'dup_beta',
  'runtime-fabricated': 'W_runtime',
};
const ALL_NAMES = ['lorr_A', 'lorr_B', 'hm_beta', 'hm_C', 'dup_beta', 'dup_C', 'W_runtime'];

function expectNames(names: string[], prefix: string, form: FabricationForm, channels = 1): void {
  if (form === 'dense') {
    expect(names.filter((v) => ALL_NAMES.some((n) => v.startsWith(`${prefix}${n}`))), 'factored values in a dense graph').toEqual([]);
    return;
  }
  const sfx = channels > 1 ? ['.0', '.1'] : [''];
  for (const s of sfx) expect(names, `${form} value ${prefix}${NAMES[form]}${s}`).toContain(`${prefix}${NAMES[form]}${s}`);
  const own = form === 'lorr-factored' ? 'lorr_' : form === 'hm-factored' ? 'hm_' : form === 'duplicated-padding-factored' ? 'dup_' : 'W_runtime';
  const foreign = names.filter((v) => ALL_NAMES.some((n) => !n.startsWith(own) && v.startsWith(`${prefix}${n}`)));
  expect(foreign, `other forms' values in a ${form} graph`).toEqual([]);
}

describe('cost model', () => {
  it('the block layout of W = reshape(outer(a, β)) covers every branch', () => {
    const spec = (f: string) => loadSpec(path.join(models, f)).spec.layers[0].heads[0].reconciliation!;
    expect(blockLayout(spec('hm_mix.ts'))).toMatchObject({ q1: 2, s1: 3, t1: 48, groups: 40, mix: true });
    expect(blockLayout(spec('lphm_q1.ts'))).toMatchObject({ q1: 1, s1: 4, mix: false });
    expect(blockLayout(spec('dual_lphm_s1.ts'))).toMatchObject({ q1: 3, s1: 1, mix: false });
  });

  it('no-opt is always dense; lorr stores r(n+D) floats; size never stores more than speed', () => {
    const { spec } = loadSpec(path.join(models, 'lorr_wide.ts'));
    const r = spec.layers[0].heads[0].reconciliation!;
    expect(chooseForm(r, { opt: false, optimize: 'size' }).form).toBe('dense');
    const lorr = candidateForms(r).find((c) => c.form === 'lorr-factored')!;
    expect(lorr.stored).toBe(4 * (80 + 96));
    expect(lorr.flopsPerSample).toBe(2 * 4 * (80 + 96));
    for (const f of ['hm_mix.ts', 'lphm_q1.ts', 'dual_lphm_s1.ts', 'dup_padding.ts', 'lorr_channels.ts']) {
      const { spec: s } = loadSpec(path.join(models, f));
      const [speed] = fabricationPlan(s, { batchHint: 1 });
      const [size] = fabricationPlan(s, { optimize: 'size' });
      expect(size.storedParams, f).toBeLessThanOrEqual(speed.storedParams);
      expect(size.storedParams, f).toBeLessThan(size.denseParams);
    }
  });

  it('a tiny head stays dense for speed at batch 1, a wide one is factored at every batch', () => {
    const tiny = loadSpec(path.join(root, 'fixtures/models/a_lorr_r2.ts')).spec;
    expect(fabricationPlan(tiny, { batchHint: 1 })[0].form).toBe('dense');
    expect(fabricationPlan(tiny, { optimize: 'size' })[0].form).toBe('lorr-factored');
    const wide = loadSpec(path.join(models, 'lorr_wide.ts')).spec;
    for (const batchHint of [1, 256]) expect(fabricationPlan(wide, { batchHint })[0]).toMatchObject({ layer: 0, head: 0, reconciliation: 'lorr_reconciliation', form: 'lorr-factored', denseParams: 96 * 80 });
  });
});

/** [model file, expected form for speed@1, speed@256, size]. */
const OWN: [string, FabricationForm, FabricationForm, FabricationForm][] = [
  ['lorr_wide.ts', 'lorr-factored', 'lorr-factored', 'lorr-factored'],
  ['lorr_channels.ts', 'lorr-factored', 'lorr-factored', 'lorr-factored'],
  ['hm_mix.ts', 'hm-factored', 'hm-factored', 'runtime-fabricated'],
  ['lphm_q1.ts', 'hm-factored', 'hm-factored', 'runtime-fabricated'],
  ['dual_lphm_s1.ts', 'hm-factored', 'hm-factored', 'runtime-fabricated'],
  ['dup_padding.ts', 'duplicated-padding-factored', 'duplicated-padding-factored', 'runtime-fabricated'],
];

describe('factored lowerings equal the reference interpreter', () => {
  for (const [file, speed1, speed256, size] of OWN) {
    it(file, async () => {
      const { spec } = loadSpec(path.join(models, file));
      const store = loadWeights(spec, { seed: 3 });
      const h = spec.layers[0].heads[0];
      const { x, y } = referenceIO(spec, store, 5);
      const settings: [LowerOptions, FabricationForm][] = [
        [{ optimize: 'speed', batchHint: 1 }, speed1],
        [{ optimize: 'speed', batchHint: 256 }, speed256],
        [{ optimize: 'size', batchHint: 1 }, size],
        [{ optimize: 'size', batchHint: 256 }, size],
        [{ opt: false }, 'dense'],
      ];
      for (const [opts, form] of settings) {
        const label = `${file} ${JSON.stringify(opts)}`;
        expect(fabricationPlan(spec, opts)[0].form, label).toBe(form);
        const built = build(spec, store, opts);
        expectNames(built.names, h.prefix, form, h.channelNum);
        maxDiff(await ort(built.onnx, x), y, label);
      }
      // every applicable form, forced, gives the same numbers
      for (const c of candidateForms(h.reconciliation!)) {
        const built = build(spec, store, { force: c.form });
        expectNames(built.names, h.prefix, c.form, h.channelNum);
        maxDiff(await ort(built.onnx, x), y, `${file} forced ${c.form}`);
      }
    });
  }

  it('factored heads feed later layers (Taylor κ -> hm, then lorr)', async () => {
    const { spec } = loadSpec(path.join(models, 'mlp_taylor_hm.ts'));
    const store = loadWeights(spec, { seed: 5 });
    const { x, y } = referenceIO(spec, store, 4);
    expect(fabricationPlan(spec, { batchHint: 256 }).map((c) => c.form)).toEqual(['hm-factored', 'lorr-factored']);
    const built = build(spec, store, { batchHint: 256 });
    expect(built.names).toContain('layers.0.heads.0.hm_beta');
    expect(built.names).toContain('layers.1.heads.0.lorr_B');
    maxDiff(await ort(built.onnx, x), y, 'mlp_taylor_hm');
  });

  it("a model's fixed batch b (instance interdependence) is the default batch hint; an explicit hint wins", async () => {
    const { spec } = loadSpec(path.join(models, 'lorr_fixed_batch.ts'));
    expect(spec.batch).toBe(64);
    // speed cost = batch·FLOPs + 2·stored + 4000·ops: dense (400 floats, 1 op) vs lorr r=2 (80 floats, 2 ops)
    const cost = (b: number, stored: number, ops: number) => b * 2 * stored + 2 * stored + 4000 * ops;
    expect([cost(1, 400, 1), cost(1, 80, 2)]).toEqual([5600, 8320]); // batch 1: dense
    expect([cost(64, 400, 1), cost(64, 80, 2)]).toEqual([56000, 18400]); // batch 64: the factors
    expect(fabricationPlan(spec, { batchHint: 1 })[0].form).toBe('dense');
    expect(fabricationPlan(spec, { batchHint: 64 })[0].form).toBe('lorr-factored');
    const store = loadWeights(spec, { seed: 3 });
    const { x, y } = referenceIO(spec, store, 64);
    const h = spec.layers[0].heads[0];
    for (const [opts, form] of [[{}, 'lorr-factored'], [{ batchHint: 1 }, 'dense'], [{ batchHint: 64 }, 'lorr-factored']] as [LowerOptions, FabricationForm][]) {
      const built = build(spec, store, opts);
      expectNames(built.names, h.prefix, form);
      maxDiff(await ort(built.onnx, x), y, `lorr_fixed_batch ${JSON.stringify(opts)}`);
    }
  });

  it('--optimize size keeps the file near the factored parameters (lorr, lphm)', () => {
    for (const file of ['lorr_wide.ts', 'lphm_q1.ts']) {
      const { spec } = loadSpec(path.join(models, file));
      const store = loadWeights(spec, { seed: 3 });
      const h = spec.layers[0].heads[0];
      const paramBytes = 4 * (h.reconciliation!.l * h.channelNum + (h.bias ? h.n : 0));
      const size = build(spec, store, { optimize: 'size' }).onnx.length;
      const dense = build(spec, store, { opt: false }).onnx.length;
      expect(size, file).toBeLessThanOrEqual(paramBytes * 1.05 + 1500);
      expect(size, file).toBeLessThan(dense / 4);
    }
  });
});

/** Golden cases whose heads have a factorable reconciliation. */
const GOLDEN = ['a_lorr_r2', 'a_taylor_d3_lorr', 'a_hm', 'a_hm_default_pq', 'a_lphm', 'a_dual_lphm', 'a_duplicated_padding', 'b_channels2_hm_param_concat', 'm_mlp_taylor_lorr'];

describe('factored lowerings on golden cases from real tinybig', () => {
  for (const c of GOLDEN) {
    it(c, async () => {
      const weights = goldenWeights(c);
      const { input, output } = goldenIo(c);
      const out = output.data;
      const { spec } = loadSpec(path.join(modelsDir, `${c}.ts`));
      const store = loadWeights(spec, { weights });
      const ref = runReference(spec, store, { rows: input.shape[0], cols: input.shape[1], data: input.data }).data;
      maxDiff(ref, out, `${c} reference`);
      const recs = spec.layers.flatMap((l) => l.heads.flatMap((h) => (h.reconciliation && !h.grid ? [h.reconciliation] : [])));
      const forms = new Set(recs.flatMap((r) => candidateForms(r).map((f) => f.form)));
      expect([...forms].some((f) => f !== 'dense' && f !== 'runtime-fabricated'), `${c} has a factored form`).toBe(true);
      const variants: LowerOptions[] = [
        { optimize: 'speed', batchHint: 1 },
        { optimize: 'speed', batchHint: 256 },
        { optimize: 'size', batchHint: 1 },
        ...[...forms].map((force) => ({ force })),
      ];
      for (const opts of variants) {
        const y = await ort(build(spec, store, opts).onnx, input);
        maxDiff(y, out, `${c} ${JSON.stringify(opts)} vs golden`);
        maxDiff(y, ref, `${c} ${JSON.stringify(opts)} vs reference`);
      }
    });
  }
});

describe('B-spline expansion (knot-major lowering) equals the reference interpreter', () => {
  for (const d of [0, 1, 3]) {
    it(`d=${d}: on every knot, next to knots, outside the grid, random`, async () => {
      const { spec } = loadSpec(path.join(models, `bspline_d${d}.ts`));
      const store = loadWeights(spec, { seed: 1 });
      // knots of grid [-1, 2], t = 4: h = 0.75, g_i = -1 + i·h for i = -d … 4 + d
      const vals: number[] = [];
      for (let i = -d - 1; i <= 5 + d; i++) {
        const g = Math.fround(Math.fround(Math.fround(i) * Math.fround(0.75)) + -1);
        vals.push(g, Math.fround(g * (1 + 3e-7)) - 1e-7, g + 1e-3, g - 1e-3);
      }
      vals.push(-100, 100, 0, 0.5);
      const r = randomTensor([24], 11, -4, 5).data as Float32Array;
      vals.push(...r);
      while (vals.length % 3) vals.push(0.1);
      const rows = vals.length / 3;
      const x = { shape: [rows, 3], data: Float32Array.from(vals) };
      const ref = runReference(spec, store, { rows, cols: 3, data: x.data }).data;
      const y = await ort(build(spec, store, {}).onnx, x);
      expect(y.length).toBe(rows * 3 * (4 + d));
      // the bases sum to 1 inside the grid (partition of unity): the reference is not trivially 0
      expect(ref.reduce((s, v) => s + v, 0)).toBeGreaterThan(rows);
      const worst = maxDiff(y, ref, `bspline d=${d}`);
      expect(worst).toBeLessThan(d === 0 ? 1e-12 : 1e-6);
    });
  }
});
