/**
 * `npm run bench`: rpnc's ONNX vs what users get today (tinybig → torch.onnx.export), both in
 * onnxruntime-node on the CPU, measured side by side in one run (alternating, same session options
 * as ../shared/perf/PERF.md: 2 intra-op threads, graph optimisation 'all'; 10 warm-up runs, median
 * of 30). Each rpnc model is first checked against tinybig's golden output.
 * Usage: npm run bench [-- --cases p_mlp_lorr,p_kan] [--batches 1,64,256] [--runs 30]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { compileSpec, loadSpec, loadWeights } from '../compiler/compile.js';
import { packageRoot } from '../compiler/version.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';

const root = packageRoot();
const perfDir = process.env.RPNC_PERF_DIR ?? path.resolve(root, '../shared/perf');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const batches = arg('batches', '1,64,256').split(',').map(Number);
const runs = Number(arg('runs', '30'));
const warmup = 10;

async function session(bytes: Uint8Array | string) {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };
  return typeof bytes === 'string' ? ort.InferenceSession.create(bytes, opts) : ort.InferenceSession.create(Buffer.from(bytes), opts);
}

async function time(s: ort.InferenceSession, x: ort.Tensor): Promise<number> {
  const feeds = { [s.inputNames[0]]: x };
  for (let i = 0; i < warmup; i++) await s.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await s.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

async function main() {
  if (!fs.existsSync(perfDir)) {
    console.log(`bench: ${perfDir} not found (the perf models and their torch exports live in ../shared/perf); set RPNC_PERF_DIR`);
    return;
  }
  const wanted = arg('cases', '');
  const cases = fs
    .readdirSync(path.join(root, 'fixtures/perf'))
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((c) => fs.existsSync(path.join(perfDir, c, 'torch_export.onnx')) && (!wanted || wanted.split(',').includes(c)))
    .sort();
  console.log(`rpnc vs torch.onnx.export, onnxruntime-node ${ort.env.versions.common} CPU, 2 threads; median of ${runs} runs (ms per forward)\n`);
  console.log('| case | batch | torch export ms | rpnc ms | speed-up | torch export size | rpnc size | max |Δ| vs golden |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const dir = path.join(perfDir, c);
    const { spec, sourceText } = loadSpec(path.join(root, 'fixtures/perf', `${c}.ts`));
    const res = compileSpec(spec, loadWeights(spec, { weights: [path.join(dir, 'weights.safetensors')] }), { sourceText });
    const rpnc = await session(res.onnx);
    const torch = await session(path.join(dir, 'torch_export.onnx'));
    const io = path.join(dir, 'io.safetensors');
    const gx = readTensorFile(io, { name: 'input' });
    const gy = readTensorFile(io, { name: 'output' });
    const out = (await rpnc.run({ [rpnc.inputNames[0]]: new ort.Tensor('float32', gx.data, gx.shape) }))[rpnc.outputNames[0]].data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < gy.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i] - gy.data[i]));
    const torchSize = fs.statSync(path.join(dir, 'torch_export.onnx')).size;
    for (const b of batches) {
      const data = new Float32Array(b * spec.m);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) ;
      const x = new ort.Tensor('float32', data, [b, spec.m]);
      // alternate to share the machine's noise fairly
      const t1 = await time(torch, x);
      const r1 = await time(rpnc, x);
      const t2 = await time(torch, x);
      const r2 = await time(rpnc, x);
      const tm = Math.min(t1, t2);
      const rm = Math.min(r1, r2);
      console.log(`| ${c} | ${b} | ${tm.toFixed(3)} | ${rm.toFixed(3)} | ${(tm / rm).toFixed(2)}x | ${(torchSize / 1024).toFixed(0)} kB | ${(res.onnx.length / 1024).toFixed(0)} kB | ${maxDiff.toExponential(1)} |`);
    }
  }
}

await main();
