/**
 * Deploying the artifact: the README's Node example (examples/deploy-node.mjs, included verbatim
 * in README.md) is run with node against a freshly built model and agrees with rpnc's reference
 * interpreter; and emitted golden models load in onnxruntime-web's wasm backend (under Node,
 * single thread) and match real tinybig's outputs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { emitOnnx } from '../../compiler/onnx/emit.js';
import { writeOnnxModel } from '../../compiler/onnx/external-data.js';
import { GraphBuilder } from '../../ir/builder.js';
import { createModel } from '../../ir/graph.js';
import { compareOutputs } from '../../runtime/compare.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { runReference } from '../../runtime/reference/index.js';
import { goldenCases, goldenDir, goldenWeights, modelsDir, root, rpnc } from './helpers.js';

const example = path.join(root, 'examples/deploy-node.mjs');

describe('examples/deploy-node.mjs (the README example)', () => {
  it('is in README.md verbatim', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('## Deploying');
    expect(readme).toContain(fs.readFileSync(example, 'utf8').trim());
  });

  it('runs a freshly built model and agrees with the reference interpreter', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-deploy-'));
    const modelFile = path.join(root, 'fixtures/example.ts');
    expect(rpnc(tmp, ['build', modelFile, '-o', 'model.onnx', '--seed', '3']).code).toBe(0);
    // cwd = the repository, so that `onnxruntime-node` resolves as in a user's project.
    const r = spawnSync(process.execPath, [example, path.join(tmp, 'model.onnx')], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { dims: number[]; y: number[] };
    const { spec } = loadSpec(modelFile);
    const x = Float32Array.from({ length: 2 * spec.m }, (_, i) => Math.sin(i));
    const ref = runReference(spec, loadWeights(spec, { seed: 3 }), { rows: 2, cols: spec.m, data: x });
    expect(out.dims).toEqual([2, spec.n]);
    const a = compareOutputs('example', Float32Array.from(out.y), 'reference', ref.data, 1e-5, 1e-4);
    expect(a.ok, `max abs ${a.maxAbs}`).toBe(true);
  });
});

// A spread of component families: expansions (incl. the trigonometric ones emitted as portable
// subgraphs), reconciliations, fusions, grid/conv layers, models.
const WEB_CASES = ['a_taylor_d3_lorr', 'a_bspline', 'a_hypernet', 'a_random_matrix_adaption', 'b_width2_concat_fusion', 'c_cuboid_densest_bn_relu', 'e_resnet_tiny', 'm_pgm'];

describe('onnxruntime-web (wasm backend, under Node, one thread)', () => {
  ortWeb.env.wasm.numThreads = 1;
  it('has the cases', () => expect(WEB_CASES.filter((w) => goldenCases.includes(w)).length).toBeGreaterThanOrEqual(6));
  for (const c of WEB_CASES.filter((w) => goldenCases.includes(w))) {
    it(c, async () => {
      const io = path.join(goldenDir, c, 'io.safetensors');
      const input = readTensorFile(io, { name: 'input' });
      const golden = readTensorFile(io, { name: 'output' });
      const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
      const res = compileSpec(spec, loadWeights(spec, { weights: goldenWeights(c) }), { sourceText });
      const s = await ortWeb.InferenceSession.create(res.onnx, { executionProviders: ['wasm'] });
      const y = (await s.run({ x: new ortWeb.Tensor('float32', input.data, input.shape) })).y;
      expect(y.dims).toEqual(golden.shape);
      const a = compareOutputs('onnxruntime-web', y.data as Float32Array, 'golden', golden.data, 1e-5, 1e-4);
      expect(a.ok, `${c}: max abs ${a.maxAbs}`).toBe(true);
      await s.release();
    }, 60_000);
  }

  it('the portable subgraphs of the trigonometric / hyperbolic ops agree with Math.*', async () => {
    const xs = [-0.9, -0.5, -0.1, 0, 0.2, 0.6, 0.95];
    const fs_: [string, (x: number) => number][] = [['Tan', Math.tan], ['Sinh', Math.sinh], ['Cosh', Math.cosh], ['Asin', Math.asin], ['Acos', Math.acos], ['Atan', Math.atan], ['Asinh', Math.asinh], ['Atanh', Math.atanh]];
    const b = new GraphBuilder();
    const x = b.input('x', [xs.length]);
    b.output(b.concat(fs_.map(([op]) => b.node(op, [x])[0]), 0), 'y');
    const s = await ortWeb.InferenceSession.create(emitOnnx(createModel(b.graph)), { executionProviders: ['wasm'] });
    const y = (await s.run({ x: new ortWeb.Tensor('float32', Float32Array.from(xs), [xs.length]) })).y.data as Float32Array;
    const want = Float32Array.from(fs_.flatMap(([, f]) => xs.map((v) => f(Math.fround(v)))));
    const a = compareOutputs('onnxruntime-web', y, 'Math', want, 2e-6, 2e-6);
    expect(a.ok, `max abs ${a.maxAbs} at ${a.worst}`).toBe(true);
  });

  it('loads a model with external data given as bytes plus its .data file', async () => {
    const c = 'e_resnet_tiny';
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-web-ext-'));
    const input = readTensorFile(path.join(goldenDir, c, 'io.safetensors'), { name: 'input' });
    const golden = readTensorFile(path.join(goldenDir, c, 'io.safetensors'), { name: 'output' });
    const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
    const res = compileSpec(spec, loadWeights(spec, { weights: goldenWeights(c) }), { sourceText });
    const w = writeOnnxModel(path.join(tmp, 'm.onnx'), res.proto, { external: true });
    expect(w.external).toBe(true);
    const s = await ortWeb.InferenceSession.create(fs.readFileSync(path.join(tmp, 'm.onnx')), {
      executionProviders: ['wasm'],
      externalData: [{ path: path.basename(w.files[1]!), data: fs.readFileSync(w.files[1]!) }],
    });
    const y = (await s.run({ x: new ortWeb.Tensor('float32', input.data, input.shape) })).y;
    expect(compareOutputs('onnxruntime-web', y.data as Float32Array, 'golden', golden.data, 1e-5, 1e-4).ok).toBe(true);
  });
});
