/**
 * `rpnc check --intermediates` (compiler/intermediates.ts): every layer's, head's and expansion's value
 * from ONNX Runtime against the reference interpreter, and the first stage where they part. A lowering
 * broken on purpose (one node of layer 1's B-spline expansion changed) is pinpointed to that expansion,
 * with every stage before it in agreement.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { compareIntermediates, intermediateDiagnostic } from '../../compiler/intermediates.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { goldenIo, goldenWeights, modelsDir, root } from '../golden/cases.js';

const perfModel = path.join(root, 'fixtures/perf/p_kan.ts');
const perfWeights = [path.join(root, 'fixtures/perf/data/p_kan/weights.safetensors')];
const perfIo = path.join(root, 'fixtures/perf/data/p_kan/io.safetensors');

describe('compareIntermediates', () => {
  it('a correct model: every compared stage agrees, in model order', async () => {
    const res = compileFile(path.join(modelsDir, 'a_two_layers_output_process.ts'), { weights: goldenWeights('a_two_layers_output_process') });
    const r = await compareIntermediates(res.spec, res.weights, res.model.graph, goldenIo('a_two_layers_output_process').input);
    expect(r.ok).toBe(true);
    expect(r.stages.map((s) => s.stage)).toEqual(['layers.0/heads.0/expansion[taylor_expansion]', 'layers.0/heads.0', 'layers.0', 'layers.1/heads.0/expansion[identity_expansion]', 'layers.1/heads.0', 'layers.1']);
    const compared = r.stages.filter((s) => !s.skipped);
    expect(compared.length).toBeGreaterThanOrEqual(5);
    for (const s of compared) expect(s.maxAbs).toBeLessThan(1e-5);
    expect(intermediateDiagnostic(r)).toBeUndefined();
  }, 60_000);

  it('a deliberately broken lowering (layer 1 B-spline expansion) is pinpointed to that expansion', async () => {
    const res = compileFile(perfModel, { weights: perfWeights });
    const g = res.model.graph;
    // break one node of layer 1's expansion: swap the operands of its first Sub (x − g → g − x or similar)
    const victim = g.nodes.find((n) => n.name.startsWith('layers.1/heads.0/expansion[bspline_expansion]/') && n.op === 'Sub' && n.inputs[0] !== n.inputs[1])!;
    expect(victim).toBeDefined();
    victim.inputs = [victim.inputs[1], victim.inputs[0]];
    const input = readTensorFile(perfIo, { name: 'input' });
    const r = await compareIntermediates(res.spec, res.weights, g, input);
    expect(r.ok).toBe(false);
    expect(r.firstMismatch?.stage).toBe('layers.1/heads.0/expansion[bspline_expansion]');
    // everything in layer 0 agrees
    for (const s of r.stages.filter((s) => s.layer === 0)) expect(s.ok).toBe(true);
    const d = intermediateDiagnostic(r)!;
    expect(d.code).toBe('RPN7102');
    expect(d.message).toMatch(/first part at layers\.1\/heads\.0\/expansion\[bspline_expansion\]/);
    expect(d.message).toMatch(/the 3 stage\(s\) before it agree/);
  }, 60_000);
});

describe('rpnc check --intermediates (CLI)', () => {
  it('prints the per-stage table and exits 0 on an agreeing model; --json carries the stages', () => {
    const cli = path.join(root, 'dist/cli/main.js');
    const r = spawnSync(process.execPath, [cli, 'check', perfModel, '-w', ...perfWeights, '--golden', perfIo, '--intermediates'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/layers\.0\/heads\.0\/expansion\[bspline_expansion\] +\[64, 6272\] +max abs \S+ +ok/);
    expect(r.stdout).toMatch(/layers\.1 +\[64, 10\] +max abs \S+ +ok/);
    const j = spawnSync(process.execPath, [cli, 'check', perfModel, '-w', ...perfWeights, '--intermediates', '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(j.status, j.stderr).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.firstMismatch).toBeNull();
    expect(doc.intermediates).toHaveLength(6);
  }, 120_000);
});
