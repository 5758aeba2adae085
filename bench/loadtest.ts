/**
 * `npm run loadtest`: `rpnc serve` under load, on localhost only, bounded in requests and seconds.
 *
 * 1. Throughput and p50/p99 latency for p_mlp_lorr and p_cnn_mnist (1-row requests, tinybig's golden
 *    inputs) with 1, 8 and 64 concurrent clients, dynamic batching on (max delay 0 and 2 ms) and off, JSON
 *    and binary tensors, next to the same
 *    model run in-process (one row per run, same ONNX Runtime thread count): the cost of serving.
 *    Every answer is checked against the in-process answer for its own input: zero wrong, zero lost.
 * 2. Overload: more clients than the queue holds; only 503s beyond capacity, the process's RSS.
 * 3. A worker killed mid-load: errors only for its running batch, the pool recovers.
 * 4. A fixed-batch model (i_two_layers) and a batch-coupled one (rpnc.rows_independent = "false")
 *    under 64 clients: every answer equals that request run alone.
 *
 * Options: --cases a,b  --clients 1,8,64  --requests N (per row of the table)  --seconds S (cap per row)
 *          --sections throughput,overload,killed,never
 * Prints markdown tables and writes bench/loadtest.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileFile } from '../compiler/compile.js';
import { writeOnnxModel } from '../compiler/onnx/external-data.js';
import { packageRoot } from '../compiler/version.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';
import { createSession, runSession } from '../runtime/session.js';
import { binaryInferRequest, closeTo, get, inferBody, percentile, post, runLoad, startServer, type LoadCase, type LoadResult } from './load-client.js';
import { coupledAnswer, coupledModel, randomFloats } from './serve-fixtures.js';

const root = packageRoot();
const cli = path.join(root, 'dist/cli/main.js');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const CASES = arg('cases', 'p_mlp_lorr,p_cnn_mnist').split(',');
const CLIENTS = arg('clients', '1,8,64').split(',').map(Number);
const REQUESTS = Number(arg('requests', '600'));
const SECONDS = Number(arg('seconds', '20'));
const SECTIONS = arg('sections', 'throughput,overload,killed,never').split(',');
const THREADS = Math.max(1, os.availableParallelism());
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-loadtest-'));
const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, requests: REQUESTS, seconds: SECONDS };

function metric(text: string, name: string, model?: string): number {
  const m = new RegExp(`^${name}${model ? `\\{model="${model}"\\}` : ''} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}
const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');

function build(c: string, dir: string, weights: string): string {
  const file = path.join(dir, `${c}.ts`);
  const res = compileFile(file, { weights: [weights] });
  const out = path.join(work, `${c}.onnx`);
  writeOnnxModel(out, res.proto);
  return out;
}

interface Row {
  model: string;
  mode: string;
  clients: number;
  requests: number;
  ok: number;
  wrong: number;
  lost: number;
  other: number;
  throughput: number;
  p50: number;
  p99: number;
  meanBatch?: number;
}
const rows: Row[] = [];

function row(model: string, mode: string, clients: number, r: LoadResult, meanBatch?: number): Row {
  const x: Row = { model, mode, clients, requests: r.sent, ok: r.ok, wrong: r.wrong, lost: r.lost, other: r.sent - r.ok - r.wrong - r.lost, throughput: r.ok / r.seconds, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), meanBatch };
  rows.push(x);
  console.error(`  ${model} ${mode} ${clients} client(s): ${x.ok}/${x.requests} ok, ${x.wrong} wrong, ${x.lost} lost, ${x.throughput.toFixed(0)} req/s, p50 ${ms(x.p50)} ms, p99 ${ms(x.p99)} ms${meanBatch ? `, mean batch ${meanBatch.toFixed(1)} rows` : ''}${r.firstWrong ? `; ${r.firstWrong}` : ''}${r.firstError ? `; ${r.firstError}` : ''}${r.firstLost ? `; lost: ${r.firstLost}` : ''}`);
  return x;
}

// 1. throughput and latency
for (const c of SECTIONS.includes('throughput') ? CASES : []) {
  const data = path.join(root, 'fixtures/perf/data', c);
  const onnx = build(c, path.join(root, 'fixtures/perf'), path.join(data, 'weights.safetensors'));
  const io = path.join(data, 'io.safetensors');
  const input = readTensorFile(io, { name: 'input' });
  const golden = readTensorFile(io, { name: 'output' });
  const [n, m] = input.shape;
  const k = golden.shape[1];
  // in-process: one row per run, the reference answer of every request
  const s = await createSession(onnx, { intraOpNumThreads: THREADS, allowSpinning: false });
  const ref: Float32Array[] = [];
  let goldenDiff = 0;
  for (let i = 0; i < n; i++) {
    const y = await runSession(s, { shape: [1, m], data: input.data.slice(i * m, (i + 1) * m) });
    ref.push(y.data.slice());
    for (let j = 0; j < k; j++) goldenDiff = Math.max(goldenDiff, Math.abs(y.data[j] - golden.data[i * k + j]));
  }
  console.error(`${c}: in-process ORT vs tinybig's golden output, max |diff| ${goldenDiff.toExponential(2)} over ${n} rows`);
  (results[c] as unknown) = { goldenMaxAbsDiff: goldenDiff };
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < Math.min(REQUESTS, 2000) && performance.now() - t0 < SECONDS * 1000; i++) {
    const t = performance.now();
    await runSession(s, { shape: [1, m], data: input.data.slice((i % n) * m, ((i % n) + 1) * m) });
    lat.push(performance.now() - t);
  }
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  row(c, 'in-process (1 row/run)', 1, { sent: lat.length, ok: lat.length, wrong: 0, lost: 0, status: {}, latencies: lat, seconds: secs });
  const cases: LoadCase[] = Array.from({ length: n }, (_, i) => ({ body: inferBody('x', [1, m], input.data.subarray(i * m, (i + 1) * m)), check: (out) => closeTo(out, [1, k], ref[i], 1e-5, 1e-4) }));
  const binaryCases: LoadCase[] = Array.from({ length: n }, (_, i) => ({ ...binaryInferRequest('x', [1, m], input.data.subarray(i * m, (i + 1) * m)), check: (out) => closeTo(out, [1, k], ref[i], 1e-5, 1e-4) }));
  // the modes' servers run side by side and are loaded in turns (A-B-C-D-D-C-B-A, half the requests each
  // turn): on a shared machine, load from other processes then falls on every mode alike
  const modes: [string, string[]][] = [
    ['batching, max delay 0', ['--max-batch', '64', '--max-delay-ms', '0']],
    ['batching, max delay 2 ms', ['--max-batch', '64', '--max-delay-ms', '2']],
    ['no batching', ['--no-batching']],
    ['batching, max delay 0, binary tensors', ['--max-batch', '64', '--max-delay-ms', '0']],
  ];
  const servers = [];
  for (const [, flags] of modes) servers.push(await startServer(cli, [onnx, ...flags, '--max-queue', '1024', '--threads', String(THREADS)]));
  for (const clients of CLIENTS) {
    const acc = modes.map(() => ({ r: { sent: 0, ok: 0, wrong: 0, lost: 0, status: {}, latencies: [] as number[], seconds: 0 } as LoadResult, runs: 0, rows: 0 }));
    for (const i of [0, 1, 2, 3, 3, 2, 1, 0]) {
      const srv = servers[i];
      const before = (await get(`${srv.url}/metrics`)).text;
      const r = await runLoad(`${srv.url}/v2/models/${c}/infer`, i === 3 ? binaryCases : cases, { concurrency: clients, requests: Math.ceil(REQUESTS / 2), maxSeconds: SECONDS / 2 });
      const after = (await get(`${srv.url}/metrics`)).text;
      const a = acc[i];
      a.runs += metric(after, 'rpnc_batch_rows_count', c) - metric(before, 'rpnc_batch_rows_count', c);
      a.rows += metric(after, 'rpnc_batch_rows_sum', c) - metric(before, 'rpnc_batch_rows_sum', c);
      a.r.sent += r.sent;
      a.r.ok += r.ok;
      a.r.wrong += r.wrong;
      a.r.lost += r.lost;
      a.r.seconds += r.seconds;
      a.r.latencies.push(...r.latencies);
      a.r.firstWrong ??= r.firstWrong;
      a.r.firstError ??= r.firstError;
    }
    for (const [i, [mode]] of modes.entries()) {
      acc[i].r.latencies.sort((x, y) => x - y);
      row(c, `serve, ${mode}`, clients, acc[i].r, acc[i].rows / acc[i].runs);
    }
  }
  for (const srv of servers) await srv.stop();
}

// 2. overload
const lorr = path.join(work, 'p_mlp_lorr.onnx');
if (!fs.existsSync(lorr) && (SECTIONS.includes('overload') || SECTIONS.includes('killed'))) build('p_mlp_lorr', path.join(root, 'fixtures/perf'), path.join(root, 'fixtures/perf/data/p_mlp_lorr/weights.safetensors'));
const io = path.join(root, 'fixtures/perf/data/p_mlp_lorr/io.safetensors');
const input = readTensorFile(io, { name: 'input' });
if (SECTIONS.includes('overload')) {
  console.error('overload: p_mlp_lorr, --max-queue 8, no batching, 128 clients of 64-row requests, 3 rounds');
  const s = await createSession(lorr, { intraOpNumThreads: THREADS });
  const want = (await runSession(s, { shape: input.shape, data: input.data })).data.slice();
  const srv = await startServer(cli, [lorr, '--no-batching', '--max-queue', '8', '--threads', String(THREADS)]);
  const rssNow = async (): Promise<number> => metric((await get(`${srv.url}/metrics`)).text, 'process_resident_memory_bytes') / 2 ** 20;
  const rss: number[] = [await rssNow()];
  const status: Record<string, number> = {};
  let wrong = 0;
  let lost = 0;
  let firstLost: string | undefined;
  for (let round = 0; round < 3; round++) {
    const r = await runLoad(`${srv.url}/v2/models/p_mlp_lorr/infer`, [{ body: inferBody('x', input.shape, input.data), check: (out) => closeTo(out, [64, 10], want, 1e-5, 1e-4) }], { concurrency: 128, requests: Math.ceil(Math.max(REQUESTS, 1500) / 3), maxSeconds: SECONDS / 3 });
    for (const [k, v] of Object.entries(r.status)) status[k] = (status[k] ?? 0) + v;
    wrong += r.wrong;
    lost += r.lost;
    firstLost ??= r.firstLost;
    rss.push(await rssNow());
  }
  const alive = (await get(`${srv.url}/v2/health/ready`)).status;
  await srv.stop();
  results.overload = { status, wrong, lost, firstLost, rssMB: rss.map((x) => Math.round(x)), readyAfter: alive };
  console.error(`  statuses ${JSON.stringify(status)}, wrong ${wrong}, lost ${lost}${firstLost ? ` (${firstLost})` : ''}, RSS before and after each round ${rss.map((x) => x.toFixed(0)).join(' → ')} MB, ready after: ${alive}`);
}

if (SECTIONS.includes('killed')) {
  // 3. a killed worker
  console.error('killed worker: p_mlp_lorr, 2 workers, 16 clients of 1-row requests, one worker terminated after 100 answers');
  const one = await createSession(lorr, { intraOpNumThreads: 1 });
  const cases: LoadCase[] = [];
  for (let i = 0; i < 64; i++) {
    const x = input.data.slice(i * 784, (i + 1) * 784);
    const y = (await runSession(one, { shape: [1, 784], data: x })).data.slice();
    cases.push({ body: inferBody('x', [1, 784], x), check: (out) => closeTo(out, [1, 10], y, 1e-5, 1e-4) });
  }
  const k = await startServer(cli, [lorr, '--workers', '2', '--threads', '1', '--max-delay-ms', '2'], { RPNC_SERVE_TEST_HOOKS: '1' });
  let killed = false;
  const kr = await runLoad(`${k.url}/v2/models/p_mlp_lorr/infer`, cases, { concurrency: 16, requests: Math.max(REQUESTS, 600), maxSeconds: SECONDS, onAnswer: (i) => void (i >= 100 && !killed && ((killed = true), post(`${k.url}/v2/models/p_mlp_lorr/kill-worker`, ''))) });
  const km = (await get(`${k.url}/metrics`)).text;
  const after = await runLoad(`${k.url}/v2/models/p_mlp_lorr/infer`, cases, { concurrency: 8, requests: 64 });
  await k.stop();
  results.killedWorker = { status: kr.status, wrong: kr.wrong, lost: kr.lost, restarts: metric(km, 'rpnc_worker_restarts_total', 'p_mlp_lorr'), workersReady: metric(km, 'rpnc_workers_ready', 'p_mlp_lorr'), afterOk: after.ok };
  console.error(`  statuses ${JSON.stringify(kr.status)}, wrong ${kr.wrong}, lost ${kr.lost}, restarts ${metric(km, 'rpnc_worker_restarts_total', 'p_mlp_lorr')}, then ${after.ok}/64 ok`);
}

// 4. fixed-batch and batch-coupled models under load
if (SECTIONS.includes('never')) {
  console.error('never merged: i_two_layers (fixed batch 4 -> 3 rows) and a coupled model (rpnc.rows_independent = "false"), 64 clients');
  const golden = path.join(root, 'fixtures/golden/i_two_layers');
  const fixed = build('i_two_layers', path.join(root, 'fixtures/models'), path.join(golden, 'weights.safetensors'));
  const s = await createSession(fixed, { intraOpNumThreads: 1 });
  const cases: LoadCase[] = [];
  for (let i = 0; i < 100; i++) {
    const x = randomFloats(12, 1000 + i);
    const y = (await runSession(s, { shape: [4, 3], data: x })).data.slice();
    cases.push({ body: inferBody('x', [4, 3], x), check: (out) => closeTo(out, [3, 2], y, 0, 1e-6) });
  }
  const srv = await startServer(cli, [fixed, '--max-delay-ms', '5']);
  const fr = await runLoad(`${srv.url}/v2/models/i_two_layers/infer`, cases, { concurrency: 64, requests: Math.max(REQUESTS, 1000), maxSeconds: SECONDS });
  const fm = (await get(`${srv.url}/metrics`)).text;
  await srv.stop();
  row('i_two_layers (fixed batch)', 'serve', 64, fr, metric(fm, 'rpnc_batch_rows_sum', 'i_two_layers') / metric(fm, 'rpnc_batch_rows_count', 'i_two_layers'));
  const coupled = coupledModel(path.join(work, 'coupled.onnx'), 'false');
  const ccases: LoadCase[] = Array.from({ length: 100 }, (_, i) => {
    const r = 1 + (i % 5);
    const x = randomFloats(r * 3, 5000 + i);
    const want = coupledAnswer(r, x);
    return { body: inferBody('x', [r, 3], x), check: (out) => closeTo(out, [r, 3], want, 1e-6, 1e-5) };
  });
  const cs = await startServer(cli, [coupled, '--max-delay-ms', '5']);
  const cr = await runLoad(`${cs.url}/v2/models/coupled/infer`, ccases, { concurrency: 64, requests: Math.max(REQUESTS, 1000), maxSeconds: SECONDS });
  const cm = (await get(`${cs.url}/metrics`)).text;
  await cs.stop();
  row('coupled (rows_independent=false)', 'serve', 64, cr, metric(cm, 'rpnc_batch_rows_sum', 'coupled') / metric(cm, 'rpnc_batch_rows_count', 'coupled'));
  results.neverMerged = { fixedRuns: metric(fm, 'rpnc_batch_rows_count', 'i_two_layers'), fixedRequests: fr.ok, coupledRuns: metric(cm, 'rpnc_batch_rows_count', 'coupled'), coupledRequests: cr.ok };
}

results.rows = rows;
let md = `| model | mode | clients | requests | ok | wrong | lost | other | req/s | p50 ms | p99 ms | mean rows/run |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n`;
for (const r of rows) md += `| ${r.model} | ${r.mode} | ${r.clients} | ${r.requests} | ${r.ok} | ${r.wrong} | ${r.lost} | ${r.other} | ${r.throughput.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.meanBatch ? r.meanBatch.toFixed(1) : '-'} |\n`;
console.log(md);
for (const k of ['overload', 'killedWorker', 'neverMerged']) if (results[k]) console.log(`${k}: ${JSON.stringify(results[k])}`);
fs.writeFileSync(path.join(root, 'bench/loadtest.json'), JSON.stringify(results, null, 1) + '\n');
fs.rmSync(work, { recursive: true, force: true });
const o = results.overload as { wrong: number; lost: number } | undefined;
const bad = rows.some((r) => r.wrong || r.lost) || (o?.wrong ?? 0) + (o?.lost ?? 0) > 0;
process.exit(bad ? 1 : 0);
