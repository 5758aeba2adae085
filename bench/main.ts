/**
 * `npm run bench`: rpnc's ONNX against what users get today (tinybig → torch.onnx.export), in
 * onnxruntime-node, measured side by side in one process and one run.
 *
 * Per perf model (fixtures/perf/<case>.ts, data in fixtures/perf/data/<case>/ or ../shared/perf/<case>/):
 *  - build wall time of `rpnc build` (in-process compile), file sizes (rpnc, `--no-opt`, `--optimize size`,
 *    torch export) and the bytes of the stored (factored) parameters;
 *  - every rpnc variant is checked against tinybig's golden output first;
 *  - four sessions alive at once: torch export, rpnc, rpnc `--no-opt`, and a second rpnc session (the
 *    self-check: a model against itself should read ≈1.00×); same options as ../shared/perf/PERF.md
 *    (2 intra-op threads, 1 inter-op, sequential, graph optimisation 'all') plus intra-op spinning off;
 *    warm-up, then rounds interleaved A-B-C-D-D-C-B-A; median and p90 per session;
 *  - for the dense (non-grid) models, ORT's own MatMul throughput on the model's MatMul shapes (one
 *    graph with only those MatMuls) against the model's achieved GFLOP/s.
 * Prints markdown tables and the targets of issues #5 and #17 (met / missed by how much); writes JSON.
 *
 * Chain and graph models (p_rnn, p_gcn, p_gcn_file) are also compared with tinybig eager: recorded times
 * (bench/tinybig-eager.json), or timed in the same run with `--tinybig` (../shared/oracle/bench_tinybig.py).
 *
 * Usage: npm run bench [-- --cases p_mlp_lorr,p_kan] [--batches 1,64,256] [--runs 30] [--warmup 10] [--tinybig]
 *                      [--ep cpu|cuda|auto] [--device-id 0] [--json bench/results.json]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { compileFile, loadSpec, type CompileResult } from '../compiler/compile.js';
import { emitOnnx } from '../compiler/onnx/emit.js';
import { parameterManifest } from '../compiler/spec/params.js';
import { packageRoot } from '../compiler/version.js';
import { GraphBuilder } from '../ir/builder.js';
import { createModel, dimSize, type Graph, type Value } from '../ir/graph.js';
import { tensor } from '../ir/tensor.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';
import { createSession, type ExecutionProvider } from '../runtime/session.js';

const root = packageRoot();
const args = process.argv.slice(2);
function arg(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  if (name === 'tinybig') return v === undefined || v.startsWith('--') ? 'yes' : v;
  if (v === undefined || v.startsWith('--')) fatal(`option --${name} needs a value`);
  return v;
}
function fatal(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
const KNOWN = new Set(['cases', 'batches', 'runs', 'warmup', 'ep', 'device-id', 'json', 'tinybig']);
for (const a of args) if (a.startsWith('--') && !KNOWN.has(a.slice(2))) fatal(`unknown option ${a} (known: ${[...KNOWN].map((k) => '--' + k).join(', ')})`);
const positiveInts = (name: string, s: string) =>
  s.split(',').map((v) => (/^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fatal(`--${name} takes positive integers, got '${s}'`)));
const batches = positiveInts('batches', arg('batches', '1,64,256'));
const runs = Math.max(2, positiveInts('runs', arg('runs', '30'))[0]);
const warmup = positiveInts('warmup', arg('warmup', '10'))[0];
const ep = arg('ep', 'cpu') as ExecutionProvider;
if (!['cpu', 'cuda', 'auto'].includes(ep)) fatal(`--ep must be cpu, cuda or auto, got '${ep}'`);
const deviceId = positiveInts('device-id', String(Number(arg('device-id', '0')) + 1))[0] - 1;
const jsonOut = arg('json', path.join(root, 'bench', 'results.json'));
const TOL = { atol: 1e-5, rtol: 1e-4 };

/** Perf models that share another case's data (the same model written another way). */
const DATA_OF: Record<string, string> = { p_gcn_file: 'p_gcn' };
/** tinybig eager times recorded by ../shared/oracle/bench_tinybig.py (chain/graph models: tinybig is the stronger baseline there). */
const EAGER: Record<string, Record<string, number>> = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'tinybig-eager.json'), 'utf8'));
let eagerSource = 'recorded by bench_tinybig.py (bench/tinybig-eager.json), not in this run';

/**
 * `--tinybig`: time tinybig eager itself in this run (../shared/oracle/bench_tinybig.py, Debian's torch, tinybig at
 * $TINYBIG_SRC) on the chain / graph perf models, right before the ONNX sessions, instead of the recorded times.
 */
function timeTinybigEager(cases: string[], runs: number, warmup: number): void {
  const oracle = path.resolve(root, '../shared/oracle');
  const out = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'rpnc-eager-')), 'eager.json');
  for (const c of cases) {
    const bs = c === 'p_gcn' ? '2708' : batches.join(',');
    const r = spawnSync('bash', ['-c', `source env.sh && /usr/bin/python3 bench_tinybig.py --casefile cases_perf_topological.py --goldens ../perf --only ${c} --batches ${bs} --warmup ${warmup} --runs ${runs} --out ${out}`], { cwd: oracle, encoding: 'utf8', env: process.env });
    if (r.status !== 0) fatal(`--tinybig: bench_tinybig.py failed for ${c} (needs Debian's python3-torch and TINYBIG_SRC): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    const res = JSON.parse(fs.readFileSync(out, 'utf8')).cases[c].batches as Record<string, { median_ms?: number }>;
    EAGER[c] = Object.fromEntries(Object.entries(res).filter(([, v]) => v.median_ms !== undefined).map(([b, v]) => [b, v.median_ms!]));
    if (c === 'p_gcn') EAGER.p_gcn_file = EAGER.p_gcn;
  }
  eagerSource = 'timed in this run by ../shared/oracle/bench_tinybig.py (tinybig eager, 2 threads), before the ONNX sessions';
}

function dataDir(c: string): string | undefined {
  c = DATA_OF[c] ?? c;
  const dirs = [process.env.RPNC_PERF_DIR && path.join(process.env.RPNC_PERF_DIR, c), path.join(root, 'fixtures/perf/data', c), path.resolve(root, '../shared/perf', c)];
  return dirs.find((d): d is string => !!d && fs.existsSync(path.join(d, 'torch_export.onnx')));
}

let providers: NonNullable<ort.InferenceSession.SessionOptions['executionProviders']> = ['cpu'];
async function session(bytes: Uint8Array | string): Promise<ort.InferenceSession> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  return typeof bytes === 'string' ? ort.InferenceSession.create(bytes, opts) : ort.InferenceSession.create(Buffer.from(bytes), opts);
}

async function runOnce(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await s.run(feeds);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

interface Stats { median: number; p90: number; samples: number }
function stats(t: number[]): Stats {
  const s = [...t].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { median: q(0.5), p90: q(0.9), samples: s.length };
}

/** Warm-up (at most ~2 s per session), then rounds A-B-…-…-B-A until each session has `runs` samples. */
async function timeInterleaved(sessions: { s: ort.InferenceSession; feeds: Record<string, ort.Tensor> }[]): Promise<Stats[]> {
  for (const { s, feeds } of sessions) {
    const first = await runOnce(s, feeds);
    const n = Math.min(warmup, Math.ceil(2000 / Math.max(first, 1e-3)));
    for (let i = 1; i < n; i++) await runOnce(s, feeds);
  }
  const times: number[][] = sessions.map(() => []);
  const order = [...sessions.keys(), ...[...sessions.keys()].reverse()];
  while (times[0].length < runs) for (const i of order) times[i].push(await runOnce(sessions[i].s, sessions[i].feeds));
  return times.map(stats);
}

function maxViolation(out: Float32Array, golden: Float32Array): { maxAbs: number; ok: boolean } {
  let maxAbs = 0;
  let ok = out.length === golden.length;
  for (let i = 0; i < golden.length; i++) {
    const d = Math.abs(out[i] - golden[i]);
    if (!(d <= TOL.atol + TOL.rtol * Math.abs(golden[i]))) ok = false;
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
  }
  return { maxAbs, ok };
}

/** The MatMul-like products of a graph at batch b: [rows, K] × [K, N]. */
function matmulShapes(g: Graph, b: number): { rows: number; K: number; N: number }[] {
  // symbolic dims are 'batch' or products like 'batch*150' (a chain's steps as rows)
  const num = (v: Value) => v.shape.reduce<number>((a, d) => a * dimSize(d, b), 1);
  const out: { rows: number; K: number; N: number }[] = [];
  for (const n of g.nodes) {
    if (n.op !== 'MatMul' && n.op !== 'Gemm') continue;
    const a = n.inputs[0]!;
    const y = n.outputs[0];
    const transA = n.op === 'Gemm' && n.attrs.transA === 1;
    const K = Number(transA ? a.shape[0] : a.shape[a.shape.length - 1]);
    const N = Number(y.shape[y.shape.length - 1]);
    if (!Number.isFinite(K) || !Number.isFinite(N)) continue;
    out.push({ rows: num(y) / N, K, N });
  }
  return out;
}

/** One ONNX graph holding only these MatMuls (each on its own input), for ORT's MatMul throughput. */
function matmulOnlyModel(shapes: { rows: number; K: number; N: number }[]): { onnx: Uint8Array; feeds: Record<string, ort.Tensor> } {
  const bld = new GraphBuilder();
  const feeds: Record<string, ort.Tensor> = {};
  shapes.forEach(({ rows, K, N }, i) => {
    const x = bld.input(`x${i}`, [rows, K]);
    const w = new Float32Array(K * N).map((_, j) => Math.sin(j * 0.37) * 0.05);
    bld.output(bld.matmul(x, bld.constant(tensor('float32', [K, N], w))), `y${i}`);
    feeds[`x${i}`] = new ort.Tensor('float32', new Float32Array(rows * K).map((_, j) => Math.cos(j * 0.11)), [rows, K]);
  });
  return { onnx: emitOnnx(createModel(bld.graph, { metadata: {}, producerVersion: 'bench' })), feeds };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${(n / 1024).toFixed(0)} kB`);
const x2 = (r: number) => `${r.toFixed(2)}×`;

interface Row { eagerMs?: number; case: string; batch: number; torch: Stats; rpnc: Stats; noOpt: Stats; self: Stats; speedup: number; speedupNoOpt: number; selfCheck: number; matmulEfficiency?: number; gflops?: number; matmulGflops?: number }
interface CaseInfo { case: string; buildMs: number; bytes: number; noOptBytes: number; sizeBytes: number; factoredParamBytes: number; torchBytes: number; goldenMaxAbs: Record<string, number>; goldenOk: boolean; dense: boolean }

async function main(): Promise<void> {
  const wanted = arg('cases', '');
  const all = fs.readdirSync(path.join(root, 'fixtures/perf')).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.replace(/\.ts$/, '')).sort();
  for (const w of wanted ? wanted.split(',') : []) if (!all.includes(w)) fatal(`unknown case '${w}' (known: ${all.join(', ')})`);
  const cases = all.filter((c) => !wanted || wanted.split(',').includes(c));
  if (arg('tinybig', '') !== '') timeTinybigEager(['p_rnn', 'p_gcn'].filter((c) => cases.includes(c) || (c === 'p_gcn' && cases.includes('p_gcn_file'))), runs, warmup);

  if (ep !== 'cpu') {
    // strict / auto semantics of rpnc's own sessions (RPN5001 when CUDA cannot load)
    const probe = await createSession(matmulOnlyModel([{ rows: 1, K: 2, N: 2 }]).onnx, { ep, deviceId, onNote: (m) => process.stderr.write(`note: ${m}\n`) }).catch((e) => fatal(String(e?.message ?? e)));
    providers = probe.ep === 'cuda' ? [{ name: 'cuda', deviceId }] : ['cpu'];
  }
  const epName = providers[0] === 'cpu' ? 'CPU' : `CUDA (device ${deviceId})`;
  console.log(`rpnc vs torch.onnx.export — onnxruntime-node ${ort.env.versions.common}, ${epName} EP, node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`sessions: 2 intra-op threads, 1 inter-op, sequential, graph optimisation 'all', spinning off; warm-up ≤${warmup}, ${runs} runs each, interleaved A-B-C-D-D-C-B-A\n`);

  const rows: Row[] = [];
  const infos: CaseInfo[] = [];
  for (const c of cases) {
    const dir = dataDir(c);
    if (!dir) {
      console.log(`(skipped ${c}: no torch_export.onnx in fixtures/perf/data/${c} or ../shared/perf/${c})\n`);
      continue;
    }
    const model = path.join(root, 'fixtures/perf', `${c}.ts`);
    const weights = [path.join(dir, 'weights.safetensors')];
    const t0 = performance.now();
    const opt = compileFile(model, { weights });
    const buildMs = performance.now() - t0;
    const noOpt = compileFile(model, { weights, opt: false });
    const small = compileFile(model, { weights, optimize: 'size' });
    const { spec } = loadSpec(model);
    const factoredParamBytes = parameterManifest(spec).reduce((a, p) => a + 4 * p.shape.reduce((x, y) => x * y, 1), 0);

    const io = path.join(dir, 'io.safetensors');
    const gx = readTensorFile(io, { name: 'input' });
    const gy = readTensorFile(io, { name: 'output' });
    const goldenMaxAbs: Record<string, number> = {};
    let goldenOk = true;
    const sessions: Record<string, ort.InferenceSession> = {};
    for (const [name, res] of [['rpnc', opt], ['no-opt', noOpt], ['size', small]] as [string, CompileResult][]) {
      const s = await session(res.onnx);
      const out = (await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', gx.data, gx.shape) }))[s.outputNames[0]].data as Float32Array;
      const v = maxViolation(out, gy.data);
      goldenMaxAbs[name] = v.maxAbs;
      goldenOk &&= v.ok;
      if (name !== 'size') sessions[name] = s;
      else await s.release();
    }
    const torch = await session(path.join(dir, 'torch_export.onnx'));
    const self = await session(opt.onnx);
    const dense = !opt.spec.layers.some((l) => l.heads.some((h) => h.grid));
    const info: CaseInfo = { case: c, buildMs, bytes: opt.onnx.length, noOptBytes: noOpt.onnx.length, sizeBytes: small.onnx.length, factoredParamBytes, torchBytes: fs.statSync(path.join(dir, 'torch_export.onnx')).size, goldenMaxAbs, goldenOk, dense };
    infos.push(info);
    if (!goldenOk) console.log(`!! ${c}: an rpnc variant disagrees with tinybig's golden output (max |Δ| ${JSON.stringify(goldenMaxAbs)})`);

    // a graph model runs on exactly its N nodes: one batch; a row-coupled model (attention across the batch) has no
    // meaning at batch 1: time the batches ≥ 2 only
    for (const b of spec.batch !== undefined ? [spec.batch] : spec.rowCoupled ? batches.filter((x) => x > 1) : batches) {
      const data = new Float32Array(b * spec.m).map((_, i) => Math.sin(i * 12.9898));
      const feed = (s: ort.InferenceSession) => ({ [s.inputNames[0]]: new ort.Tensor('float32', data, [b, spec.m]) });
      const list = [torch, sessions.rpnc, sessions['no-opt'], self];
      const [t, r, n, s2] = await timeInterleaved(list.map((s) => ({ s, feeds: feed(s) })));
      const row: Row = { case: c, batch: b, torch: t, rpnc: r, noOpt: n, self: s2, speedup: t.median / r.median, speedupNoOpt: t.median / n.median, selfCheck: s2.median / r.median };
      if (dense && (b === Math.max(...batches) || b === spec.batch)) {
        const shapes = matmulShapes(opt.model.graph, b);
        if (shapes.length) {
          const mm = matmulOnlyModel(shapes);
          const ms = await session(mm.onnx);
          const [mmT, rT] = await timeInterleaved([{ s: ms, feeds: mm.feeds }, { s: sessions.rpnc, feeds: feed(sessions.rpnc) }]);
          const flops = shapes.reduce((a, m) => a + 2 * m.rows * m.K * m.N, 0);
          row.gflops = flops / (rT.median * 1e6);
          row.matmulGflops = flops / (mmT.median * 1e6);
          row.matmulEfficiency = mmT.median / rT.median;
          await ms.release();
        }
      }
      const eager = EAGER[c]?.[String(b)];
      if (eager !== undefined) row.eagerMs = eager;
      rows.push(row);
      process.stderr.write(`  ${c} batch ${b}: ${x2(row.speedup)}\n`);
    }
    for (const s of [torch, self, ...Object.values(sessions)]) await s.release();
  }

  console.log('## Latency (ms per forward, median / p90) and speed-up over the torch export\n');
  console.log('| case | batch | torch export | rpnc | rpnc --no-opt | speed-up | speed-up --no-opt | self-check |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.case} | ${r.batch} | ${fmt(r.torch.median)} / ${fmt(r.torch.p90)} | ${fmt(r.rpnc.median)} / ${fmt(r.rpnc.p90)} | ${fmt(r.noOpt.median)} / ${fmt(r.noOpt.p90)} | **${x2(r.speedup)}** | ${x2(r.speedupNoOpt)} | ${x2(r.selfCheck)} |`);
  }
  console.log('\n## Build, size, golden check\n');
  console.log('| case | rpnc build | rpnc file | --no-opt file | --optimize size file | stored parameters | torch export file | max abs Δ vs golden (rpnc / no-opt / size) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const i of infos) {
    const g = i.goldenMaxAbs;
    console.log(`| ${i.case} | ${i.buildMs.toFixed(0)} ms | ${kb(i.bytes)} | ${kb(i.noOptBytes)} | ${kb(i.sizeBytes)} | ${kb(i.factoredParamBytes)} | ${kb(i.torchBytes)} | ${g.rpnc.toExponential(1)} / ${g['no-opt'].toExponential(1)} / ${g.size.toExponential(1)} ${i.goldenOk ? '' : '**FAIL**'} |`);
  }
  const eagerRows = rows.filter((r) => r.eagerMs !== undefined);
  if (eagerRows.length) {
    console.log(`\n## Chain and graph models against tinybig eager (${eagerSource})\n`);
    console.log('| case | batch | tinybig eager | torch export | rpnc | rpnc vs eager | rpnc vs export |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of eagerRows) console.log(`| ${r.case} | ${r.batch} | ${fmt(r.eagerMs!)} | ${fmt(r.torch.median)} | ${fmt(r.rpnc.median)} | **${x2(r.eagerMs! / r.rpnc.median)}** | ${x2(r.speedup)} |`);
  }
  const mmRows = rows.filter((r) => r.matmulEfficiency !== undefined);
  if (mmRows.length) {
    console.log('\n## MatMul throughput (dense models, largest batch)\n');
    console.log('| case | batch | rpnc GFLOP/s (MatMul work / model time) | ORT MatMul-only GFLOP/s, same shapes | efficiency |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of mmRows) console.log(`| ${r.case} | ${r.batch} | ${r.gflops!.toFixed(1)} | ${r.matmulGflops!.toFixed(1)} | ${(100 * r.matmulEfficiency!).toFixed(0)}% |`);
  }

  // the targets of issue #5
  const targets: { target: string; met: boolean; detail: string }[] = [];
  const add = (target: string, met: boolean, detail: string) => targets.push({ target, met, detail });
  const slowest = rows.reduce<Row | undefined>((a, r) => (!a || r.speedup < a.speedup ? r : a), undefined);
  if (slowest) add('never slower than the torch export (≥ 0.95×)', slowest.speedup >= 0.95, `slowest row ${slowest.case}/${slowest.batch}: ${x2(slowest.speedup)}`);
  const geo = rows.length ? Math.exp(rows.reduce((a, r) => a + Math.log(r.speedup), 0) / rows.length) : NaN;
  if (rows.length) add('geometric-mean speed-up ≥ 3×', geo >= 3, `${x2(geo)} over ${rows.length} rows`);
  for (const r of rows.filter((r) => r.case.startsWith('p_cnn_') && r.batch >= 64)) add(`${r.case} batch ${r.batch} ≥ 10×`, r.speedup >= 10, x2(r.speedup));
  for (const r of rows.filter((r) => (r.case === 'p_mlp_lorr' || r.case === 'p_mlp_dual_lphm') && r.batch === 1)) add(`${r.case} batch 1 ≥ 5×`, r.speedup >= 5, x2(r.speedup));
  for (const r of mmRows.filter((r) => r.batch >= 256)) add(`${r.case} batch ${r.batch} ≥ 80% of ORT MatMul throughput`, r.matmulEfficiency! >= 0.8, `${(100 * r.matmulEfficiency!).toFixed(0)}%`);
  for (const i of infos.filter((i) => !i.case.startsWith('p_gcn'))) add(`${i.case} --optimize size ≤ stored parameters + 5%`, i.sizeBytes <= i.factoredParamBytes * 1.05, `${kb(i.sizeBytes)} vs ${kb(i.factoredParamBytes)} (${((i.sizeBytes / i.factoredParamBytes - 1) * 100).toFixed(1)}% over)`);
  for (const i of infos) add(`${i.case} rpnc build ≤ ${i.case.startsWith('p_gcn') ? 3 : 2} s`, i.buildMs <= (i.case.startsWith('p_gcn') ? 3000 : 2000), `${i.buildMs.toFixed(0)} ms`);
  // issue #12: chain and graph models
  for (const r of rows.filter((r) => r.case.startsWith('p_gcn'))) {
    add(`${r.case} ≥ 50× the torch export`, r.speedup >= 50, x2(r.speedup));
    if (r.eagerMs !== undefined) add(`${r.case} ≥ 2× tinybig eager (recorded)`, r.eagerMs / r.rpnc.median >= 2, x2(r.eagerMs / r.rpnc.median));
  }
  for (const r of rows.filter((r) => r.case === 'p_rnn')) {
    if (r.batch >= 64) add(`p_rnn batch ${r.batch} ≥ 2× the torch export`, r.speedup >= 2, x2(r.speedup));
    add(`p_rnn batch ${r.batch} not slower than the export or tinybig eager`, r.speedup >= 0.95 && (r.eagerMs === undefined || r.eagerMs / r.rpnc.median >= 0.95), `${x2(r.speedup)} export, ${r.eagerMs !== undefined ? x2(r.eagerMs / r.rpnc.median) : '–'} eager`);
  }
  for (const r of mmRows.filter((r) => r.case === 'p_rnn' || r.case.startsWith('p_gcn'))) add(`${r.case} batch ${r.batch} within 1.25× of its dense MatMuls alone`, r.matmulEfficiency! >= 0.8, `${(100 * r.matmulEfficiency!).toFixed(0)}% of MatMul-only speed`);
  for (const i of infos) add(`${i.case} agrees with tinybig's golden output`, i.goldenOk, `max abs Δ ${i.goldenMaxAbs.rpnc.toExponential(1)}`);
  // the targets of issue #17 (KAN / Taylor / sphere at MatMul speed)
  const t17: { target: string; met: boolean; detail: string }[] = [];
  const add17 = (target: string, met: boolean, detail: string) => t17.push({ target, met, detail });
  if (slowest) add17('no row below 1.0×', slowest.speedup >= 1, `slowest row ${slowest.case}/${slowest.batch}: ${x2(slowest.speedup)}`);
  if (rows.length) add17('geometric-mean speed-up ≥ 7×', geo >= 7, `${x2(geo)} over ${rows.length} rows`);
  for (const r of rows.filter((r) => r.case === 'p_kan' && r.batch >= 64)) add17(`p_kan batch ${r.batch} ≥ 5×`, r.speedup >= 5, x2(r.speedup));
  for (const r of mmRows.filter((r) => r.case === 'p_kan' && r.batch >= 256)) add17(`p_kan batch ${r.batch} ≥ 50% of ORT MatMul throughput`, r.matmulEfficiency! >= 0.5, `${(100 * r.matmulEfficiency!).toFixed(0)}%`);
  for (const r of rows.filter((r) => r.case === 'p_taylor' && r.batch >= 64)) add17(`p_taylor batch ${r.batch} ≥ 4×`, r.speedup >= 4, x2(r.speedup));
  for (const r of mmRows.filter((r) => r.case === 'p_taylor' && r.batch >= 256)) add17(`p_taylor batch ${r.batch} ≥ 80% of ORT MatMul throughput`, r.matmulEfficiency! >= 0.8, `${(100 * r.matmulEfficiency!).toFixed(0)}%`);
  for (const r of rows.filter((r) => r.case === 'p_cnn_sphere' && r.batch >= 64)) add17(`p_cnn_sphere batch ${r.batch} ≥ 10×`, r.speedup >= 10, x2(r.speedup));
  for (const i of infos) add17(`${i.case} rpnc build < 2 s`, i.buildMs < 2000, `${i.buildMs.toFixed(0)} ms`);
  const selfWorst = rows.reduce((a, r) => Math.max(a, Math.abs(Math.log(r.selfCheck))), 0);
  console.log('\n## Targets (issue #5)\n');
  console.log(`self-check (rpnc against a second session of itself): ${rows.map((r) => r.selfCheck).reduce((a, v) => Math.min(a, v), Infinity).toFixed(2)}–${rows.map((r) => r.selfCheck).reduce((a, v) => Math.max(a, v), 0).toFixed(2)}× — the noise floor of these ratios (worst ±${((Math.exp(selfWorst) - 1) * 100).toFixed(0)}%)\n`);
  for (const t of targets) console.log(`- [${t.met ? 'x' : ' '}] ${t.target}: ${t.detail}${t.met ? '' : '  ← MISSED'}`);
  console.log('\n## Targets (issue #17)\n');
  for (const t of t17) console.log(`- [${t.met ? 'x' : ' '}] ${t.target}: ${t.detail}${t.met ? '' : '  ← MISSED'}`);
  console.log('\n(where a target is missed, `rpnc profile fixtures/perf/<case>.ts -w … --batch N` shows which component the time goes to)');

  fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
  fs.writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), ort: ort.env.versions.common, node: process.version, ep: epName, runs, batches, rows, cases: infos, geometricMeanSpeedup: geo, targets, targets17: t17 }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), jsonOut) || jsonOut}`);
}

await main();
