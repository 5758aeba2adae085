/**
 * `rpnc profile` (compiler/profile.ts, cli/profile.ts): ONNX Runtime's profile aggregated to the RPN
 * structure. The rows (components + the time outside kernels) add up to the mean run; every kernel
 * lands in a component of the model; FLOPs per component match the model's matrix work.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { componentOf, profileModel } from '../../compiler/profile.js';
import { graphFlops } from '../../compiler/inspect.js';

const root = path.resolve(import.meta.dirname, '../..');
const perf = (c: string) => path.join(root, 'fixtures/perf', `${c}.ts`);
const perfWeights = (c: string) => [path.join(root, 'fixtures/perf/data', c, 'weights.safetensors')];

describe('componentOf', () => {
  it('maps node names (and ORT fusions of them) to layer, head, component', () => {
    expect(componentOf('layers.0/heads.1/expansion[bspline_expansion]/Mul_12')).toEqual({ key: 'layers.0/heads.1/expansion[bspline_expansion]', layer: 0, head: 1, component: 'expansion', detail: 'bspline_expansion' });
    expect(componentOf('layers.0/heads.0/remainder[linear_remainder]/process[SiLU]/Mul_35/QuickGeluFusion')).toMatchObject({ key: 'layers.0/heads.0/remainder[linear_remainder]', component: 'remainder' });
    expect(componentOf('layers.2/fusion[mean_fusion]/Div_3')).toMatchObject({ layer: 2, head: null, component: 'fusion', detail: 'mean_fusion' });
    expect(componentOf('layers.1/heads.0/Add_40')).toMatchObject({ key: 'layers.1/heads.0', component: 'head' });
    expect(componentOf('Identity_99')).toMatchObject({ key: 'model', layer: null });
  });
});

describe('profileModel', () => {
  it('p_kan: per-component totals add up to the whole run; the expansion and the fabrication form are rows', async () => {
    const res = compileFile(perf('p_kan'), { weights: perfWeights('p_kan'), batchHint: 16 });
    const r = await profileModel(res.onnx, { batch: 16, runs: 6, warmup: 2, graph: res.model.graph });
    expect(r.runs).toBe(6);
    const sum = r.rows.reduce((a, x) => a + x.ms, 0);
    // components + outside-kernel time = the mean run (to rounding)
    expect(Math.abs(sum - r.runMs) / r.runMs).toBeLessThan(0.02);
    expect(r.rows.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 1);
    // the kernels are most of the run (at batch 16 KAN is compute-bound)
    expect(r.kernelMs / r.runMs).toBeGreaterThan(0.5);
    const keys = r.rows.map((x) => x.key);
    expect(keys).toContain('layers.0/heads.0/expansion[bspline_expansion]');
    const rec = r.rows.find((x) => x.key.startsWith('layers.0/heads.0/reconciliation['))!;
    expect(rec.detail).toMatch(/^identity_reconciliation:/);
    // every kernel is attributed to a component of the model (nothing left unnamed)
    expect(keys.filter((k) => k !== '(outside kernels)' && !k.startsWith('layers.'))).toEqual([]);
    // FLOPs: the components' matrix FLOPs add up to the model's (inspect's per-sample count × batch)
    expect(r.flops).toBe(graphFlops(res.model.graph.nodes) * 16);
    expect(r.rows.reduce((a, x) => a + x.flops, 0)).toBe(r.flops);
    expect(rec.gflops).toBeGreaterThan(0);
    expect(fs.existsSync(r.trace)).toBe(true);
  }, 60_000);

  it('CLI: rpnc profile model.onnx --json --trace', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-profile-test-'));
    const onnx = path.join(tmp, 'm.onnx');
    fs.writeFileSync(onnx, compileFile(perf('p_taylor'), { weights: perfWeights('p_taylor') }).onnx);
    const cli = path.join(root, 'dist/cli/main.js');
    const trace = path.join(tmp, 'trace.json');
    const r = spawnSync(process.execPath, [cli, 'profile', onnx, '--batch', '8', '--runs', '4', '--json', '--trace', trace], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.batch).toBe(8);
    expect(doc.trace).toBe(trace);
    expect(Array.isArray(JSON.parse(fs.readFileSync(trace, 'utf8')))).toBe(true);
    // p_taylor: x⊗x is absorbed by the quadratic-form pass, so its Gemm/Mul/ReduceSum are the lorr factor's
    expect(doc.rows.some((x: { component: string; detail: string }) => x.component === 'reconciliation' && x.detail === 'lorr_reconciliation:lorr-factored')).toBe(true);
    const human = spawnSync(process.execPath, [cli, 'profile', onnx, '--batch', '4', '--runs', '2'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/component +type \/ form +ms +share +GFLOP\/s/);
    expect(human.stdout).toMatch(/layers\.0\/heads\.0\/reconciliation +lorr_reconciliation:lorr-factored/);
    const bad = spawnSync(process.execPath, [cli, 'profile', path.join(tmp, 'missing.onnx')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/RPN3405/);
  }, 60_000);
});
