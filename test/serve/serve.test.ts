/**
 * `rpnc serve` end to end (the CLI from dist/, as a user runs it): KServe v2 endpoints, bad requests,
 * dynamic batching checked against real tinybig outputs, batch-coupled and fixed-batch models never
 * merged under concurrent load, overload (503 only), a killed worker, SIGTERM draining. A few hundred
 * requests in all; `npm run loadtest` is the long form.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryInferRequest, closeTo, get, inferBody, parseBinaryAnswer, post, runLoad, startServer, type LoadCase, type ServerProcess } from '../../bench/load-client.js';
import { writeTritonRepo } from '../../compiler/deploy/triton.js';
import { buildGolden, buildPerf, cli, coupledAnswer, coupledModel, goldenIo, inProcess, perfIo, randomFloats, tmpDir } from './helpers.js';

const dir = tmpDir('serve');
let lorr: string;
let fixed: string;
const lorrIo = perfIo('p_mlp_lorr')!;
const servers: ServerProcess[] = [];

async function serve(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await startServer(cli, args, env);
  servers.push(s);
  return s;
}

/** Requests of `rows` consecutive golden rows of p_mlp_lorr, each checked against tinybig's output for those rows. */
function lorrCases(rowsPerRequest: number[], tol: { atol: number; rtol: number } = { atol: 1e-5, rtol: 1e-4 }): LoadCase[] {
  const m = 784;
  const n = 10;
  const cases: LoadCase[] = [];
  let at = 0;
  for (const rows of rowsPerRequest) {
    if (at + rows > 64) at = 0;
    const x = lorrIo.input.data.subarray(at * m, (at + rows) * m);
    const want = lorrIo.output.data.subarray(at * n, (at + rows) * n);
    cases.push({ body: inferBody('x', [rows, m], x), check: (out) => closeTo(out, [rows, n], want, tol.atol, tol.rtol) });
    at += rows;
  }
  return cases;
}

function metric(text: string, name: string, model: string): number {
  const m = new RegExp(`^${name}\\{model="${model}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  lorr = buildPerf('p_mlp_lorr', dir);
  fixed = buildGolden('i_two_layers', dir);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('KServe v2 endpoints and bad requests', () => {
  let s: ServerProcess;
  beforeAll(async () => {
    s = await serve([lorr, '--max-body', '500000']);
  });

  it('health, server and model metadata, config, metrics', async () => {
    expect((await get(`${s.url}/v2/health/live`)).status).toBe(200);
    expect((await get(`${s.url}/v2/health/ready`)).status).toBe(200);
    expect((await get(`${s.url}/v2/models/p_mlp_lorr/ready`)).status).toBe(200);
    expect(JSON.parse((await get(`${s.url}/v2`)).text)).toMatchObject({ name: 'rpnc' });
    expect(JSON.parse((await get(`${s.url}/v2/models/p_mlp_lorr`)).text)).toEqual({
      name: 'p_mlp_lorr',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 784] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 10] }],
    });
    expect(JSON.parse((await get(`${s.url}/v2/models/p_mlp_lorr/versions/1/config`)).text)).toMatchObject({ max_batch_size: 64, input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [784] }] });
    expect((await get(`${s.url}/metrics`)).text).toMatch(/# TYPE rpnc_request_duration_seconds histogram/);
  });

  it('answers one request with tinybig\'s numbers', async () => {
    const [c] = lorrCases([3]);
    const r = await post(`${s.url}/v2/models/p_mlp_lorr/infer`, JSON.stringify({ id: 'q1', ...JSON.parse(c.body) }));
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.text);
    expect(doc).toMatchObject({ model_name: 'p_mlp_lorr', model_version: '1', id: 'q1', outputs: [{ name: 'y', datatype: 'FP32', shape: [3, 10] }] });
    expect(c.check(doc.outputs[0])).toBeNull();
  });

  it('the binary tensor data extension: raw float32 in and out, the same numbers', async () => {
    const x = lorrIo.input.data.subarray(0, 5 * 784);
    const { body, headers } = binaryInferRequest('x', [5, 784], x);
    const r = await post(`${s.url}/v2/models/p_mlp_lorr/infer`, body, undefined, 30_000, { ...headers, 'Content-Type': 'application/octet-stream' });
    expect(r.status).toBe(200);
    const { doc, data } = parseBinaryAnswer(r.body, Number(r.headers['inference-header-content-length']));
    expect(doc.outputs[0]).toMatchObject({ name: 'y', datatype: 'FP32', shape: [5, 10], parameters: { binary_data_size: 200 } });
    expect(closeTo({ shape: [5, 10], data: Array.from(data) }, [5, 10], lorrIo.output.data.subarray(0, 50))).toBeNull();
    // bad binary requests
    const nan = binaryInferRequest('x', [1, 784], Float32Array.from({ length: 784 }, (_, i) => (i === 7 ? NaN : 0)));
    const bad = async (b: Buffer, h: Record<string, number | string>) => {
      const res = await post(`${s.url}/v2/models/p_mlp_lorr/infer`, b, undefined, 30_000, h);
      return [res.status, JSON.parse(res.text).error];
    };
    expect(await bad(nan.body, nan.headers)).toEqual([400, expect.stringMatching(/value 7 of the binary data is not a finite FP32/)]);
    expect(await bad(body.subarray(0, body.length - 4), headers)).toEqual([400, expect.stringMatching(/15676 bytes of binary data after the JSON header, expected 15680/)]);
    expect(await bad(body, { 'Inference-Header-Content-Length': body.length + 1 })).toEqual([400, expect.stringMatching(/not a length within the body/)]);
    expect(await bad(body, { 'Inference-Header-Content-Length': 10 })).toEqual([400, expect.stringMatching(/malformed JSON/)]);
  });

  it('every bad request is a 4xx with one JSON error, and the server keeps answering', async () => {
    const errorsBefore = metric((await get(`${s.url}/metrics`)).text, 'rpnc_inference_errors_total', 'p_mlp_lorr') || 0;
    const x = Array.from({ length: 784 }, () => 0.5);
    const req = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ inputs: [{ name: 'x', shape: [1, 784], datatype: 'FP32', data: x, ...input }], ...extra });
    const cases: [string, string, string | undefined, number, RegExp][] = [
      ['unknown model', '/v2/models/nope/infer', req({}), 404, /unknown model 'nope'/],
      ['unknown version', '/v2/models/p_mlp_lorr/versions/7/infer', req({}), 404, /no version '7'/],
      ['unknown endpoint', '/v3/x', req({}), 404, /no such endpoint/],
      ['malformed JSON', '/v2/models/p_mlp_lorr/infer', '{"inputs": [', 400, /malformed JSON/],
      ['not an object', '/v2/models/p_mlp_lorr/infer', '[1,2]', 400, /JSON object with "inputs"/],
      ['unknown input', '/v2/models/p_mlp_lorr/infer', req({ name: 'input' }), 400, /unknown input 'input'.*'x'/],
      ['wrong datatype', '/v2/models/p_mlp_lorr/infer', req({ datatype: 'INT64' }), 400, /datatype "INT64".*"FP32"/],
      ['wrong width', '/v2/models/p_mlp_lorr/infer', req({ shape: [1, 783], data: x.slice(1) }), 400, /shape \[1, 783\].*\[batch, 784\]/],
      ['wrong rank', '/v2/models/p_mlp_lorr/infer', req({ shape: [784] }), 400, /shape \[784\]/],
      ['too many rows', '/v2/models/p_mlp_lorr/infer', req({ shape: [65, 784], data: Array(65 * 784).fill(0) }), 400, /max batch size 64/],
      ['data count', '/v2/models/p_mlp_lorr/infer', req({ data: x.slice(2) }), 400, /782 values.*needs 784/],
      ['huge shape, little data', '/v2/models/p_mlp_lorr/infer', req({ shape: [2 ** 40, 784] }), 400, /max batch size 64/],
      ['huge binary shape', '/v2/models/p_mlp_lorr/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [2 ** 40, 784], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }), 400, /max batch size 64/],
      ['string in data', '/v2/models/p_mlp_lorr/infer', req({ data: ['a', ...x.slice(1)] }), 400, /"data"\[0\] is "a"/],
      ['non-finite (1e39 overflows float32)', '/v2/models/p_mlp_lorr/infer', req({ data: [1e39, ...x.slice(1)] }), 400, /not a finite FP32/],
      ['non-finite (1e400)', '/v2/models/p_mlp_lorr/infer', req({}).replace('"data":[0.5,', '"data":[1e400,'), 400, /not a finite FP32/],
      ['unknown output', '/v2/models/p_mlp_lorr/infer', req({}, { outputs: [{ name: 'z' }] }), 400, /unknown output 'z'/],
      ['binary size without binary data', '/v2/models/p_mlp_lorr/infer', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 784], datatype: 'FP32', parameters: { binary_data_size: 3136 } }] }), 400, /0 bytes of binary data after the JSON header, expected 3136/],
      ['oversize body', '/v2/models/p_mlp_lorr/infer', req({ shape: [64, 784], data: Array(64 * 784).fill(0.123456789) }), 413, /over the limit of 500000 bytes/],
    ];
    for (const [what, url, body, status, msg] of cases) {
      const r = await post(`${s.url}${url}`, body ?? '');
      expect(r.status, what).toBe(status);
      expect(JSON.parse(r.text).error, what).toMatch(msg);
    }
    const wrongMethod = await get(`${s.url}/v2/models/p_mlp_lorr/infer`);
    expect(wrongMethod.status).toBe(405);
    const [c] = lorrCases([2]);
    const ok = await post(`${s.url}/v2/models/p_mlp_lorr/infer`, c.body);
    expect(ok.status).toBe(200);
    expect(c.check(JSON.parse(ok.text).outputs[0])).toBeNull();
    const m = (await get(`${s.url}/metrics`)).text;
    // every 4xx on the model's endpoints is counted (the 405 too); unknown models and endpoints are not the model's
    expect(metric(m, 'rpnc_inference_errors_total', 'p_mlp_lorr') - errorsBefore).toBe(cases.filter((c) => c[0] !== 'unknown model' && c[0] !== 'unknown endpoint').length + 1);
  });
});

describe('a Triton repository served as Triton would', () => {
  it('every model of the repository, batching from its config.pbtxt, the config on /config', async () => {
    const repo = path.join(dir, 'repo');
    writeTritonRepo(lorr, repo, { name: 'mlp', maxBatch: 32, preferredBatchSizes: [8, 32], maxQueueDelayUs: 1000, instances: 2 });
    writeTritonRepo(fixed, repo);
    const s = await serve([repo]);
    expect(s.stderr()).toMatch(/model 'i_two_layers' \(version 1, input x FP32 \[4, 3\]\): 1 worker\(s\); not batched: the batch is fixed at 4 rows/);
    expect(s.stderr()).toMatch(/model 'mlp' \(version 1, input x FP32 \[batch, 784\]\): 2 worker\(s\); dynamic batching up to 32 rows, 1 ms max delay, preferred 8, 32/);
    const cfg = JSON.parse((await get(`${s.url}/v2/models/mlp/config`)).text);
    expect(cfg).toMatchObject({ name: 'mlp', max_batch_size: 32, dynamic_batching: { preferred_batch_size: [8, 32], max_queue_delay_microseconds: 1000 } });
    const [c] = lorrCases([4]);
    const r = await post(`${s.url}/v2/models/mlp/versions/1/infer`, c.body);
    expect(c.check(JSON.parse(r.text).outputs[0])).toBeNull();
    const golden = goldenIo('i_two_layers');
    const f = await post(`${s.url}/v2/models/i_two_layers/infer`, inferBody('x', [4, 3], golden.input.data));
    expect(closeTo(JSON.parse(f.text).outputs[0], [3, 2], golden.output.data)).toBeNull();
    const tooMany = await post(`${s.url}/v2/models/mlp/infer`, inferBody('x', [33, 784], new Float32Array(33 * 784)));
    expect([tooMany.status, JSON.parse(tooMany.text).error]).toEqual([400, expect.stringMatching(/more than the max batch size 32/)]);
  });
});

describe('a float16 model with float16 input and output (rpnc build --precision fp16 --io-precision fp16)', () => {
  it('takes and gives FP16 tensors, within float16 tolerance of tinybig, batched', async () => {
    const half = buildPerf('p_mlp_lorr', dir, { precision: 'fp16', ioPrecision: 'fp16', out: 'lorr_half.onnx' });
    const s = await serve([half, '--max-delay-ms', '2']);
    expect(JSON.parse((await get(`${s.url}/v2/models/lorr_half`)).text).inputs).toEqual([{ name: 'x', datatype: 'FP16', shape: [-1, 784] }]);
    const cases: LoadCase[] = [0, 1, 2, 3].map((i) => ({
      body: inferBody('x', [2, 784], lorrIo.input.data.subarray(2 * i * 784, 2 * (i + 1) * 784), 'FP16'),
      check: (out) => closeTo(out, [2, 10], lorrIo.output.data.subarray(20 * i, 20 * (i + 1)), 2e-2, 2e-2),
    }));
    const r = await runLoad(`${s.url}/v2/models/lorr_half/infer`, cases, { concurrency: 4, requests: 24 });
    expect({ ok: r.ok, wrong: r.wrong, firstWrong: r.firstWrong }).toEqual({ ok: 24, wrong: 0, firstWrong: undefined });
    const f32 = await post(`${s.url}/v2/models/lorr_half/infer`, inferBody('x', [1, 784], lorrIo.input.data.subarray(0, 784)));
    expect([f32.status, JSON.parse(f32.text).error]).toEqual([400, `input 'x' has datatype "FP32", the model expects "FP16"`]);
    const big = await post(`${s.url}/v2/models/lorr_half/infer`, inferBody('x', [1, 784], Float32Array.from({ length: 784 }, (_, i) => (i ? 0 : 70000)), 'FP16'));
    expect([big.status, JSON.parse(big.text).error]).toEqual([400, `input 'x': "data"[0] = 70000 is not a finite FP16 number`]);
  });
});

describe('dynamic batching (row-independent model)', () => {
  it('merged answers equal tinybig\'s and the unbatched ones: 240 requests of 1-4 rows, 16 clients', async () => {
    const s = await serve([lorr, '--max-delay-ms', '5', '--max-batch', '64']);
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + (i % 4));
    const cases = lorrCases(sizes);
    const r = await runLoad(`${s.url}/v2/models/p_mlp_lorr/infer`, cases, { concurrency: 16, requests: 240, maxSeconds: 60 });
    expect(r.firstWrong ?? r.firstError ?? null).toBeNull();
    expect({ ok: r.ok, wrong: r.wrong, lost: r.lost }).toEqual({ ok: 240, wrong: 0, lost: 0 });
    const m = (await get(`${s.url}/metrics`)).text;
    const runs = metric(m, 'rpnc_batch_rows_count', 'p_mlp_lorr');
    expect(metric(m, 'rpnc_batched_requests_total', 'p_mlp_lorr')).toBe(240);
    expect(runs).toBeLessThan(240); // requests were merged
    // the same requests, served without batching, give the same numbers as the in-process session
    const run = await inProcess(lorr);
    let maxDiff = 0;
    for (const [i, rows] of sizes.slice(0, 8).entries()) {
      const res = JSON.parse((await post(`${s.url}/v2/models/p_mlp_lorr/infer`, cases[i].body)).text).outputs[0].data as number[];
      const alone = await run([rows, 784], new Float32Array(JSON.parse(cases[i].body).inputs[0].data));
      for (let k = 0; k < alone.length; k++) maxDiff = Math.max(maxDiff, Math.abs(res[k] - alone[k]));
    }
    expect(maxDiff).toBeLessThan(1e-6);
  });
});

describe('batch-coupled and fixed-batch models are never merged', () => {
  it('a fixed-batch model (i_two_layers: 4 rows in, 3 out) under 8 concurrent clients: each answer is its request alone', async () => {
    const s = await serve([fixed, '--max-delay-ms', '20']);
    expect(s.stderr()).toMatch(/RPN7007/); // batching flags ignored for it, with a warning
    const run = await inProcess(fixed);
    const cases: LoadCase[] = [];
    const golden = goldenIo('i_two_layers');
    cases.push({ body: inferBody('x', [4, 3], golden.input.data), check: (out) => closeTo(out, [3, 2], golden.output.data) });
    for (let i = 0; i < 39; i++) {
      const x = randomFloats(12, 100 + i);
      const want = await run([4, 3], x);
      cases.push({ body: inferBody('x', [4, 3], x), check: (out) => closeTo(out, [3, 2], want, 1e-6, 1e-6) });
    }
    const r = await runLoad(`${s.url}/v2/models/i_two_layers/infer`, cases, { concurrency: 8, requests: 120 });
    expect(r.firstWrong ?? r.firstError ?? null).toBeNull();
    expect({ ok: r.ok, wrong: r.wrong, lost: r.lost }).toEqual({ ok: 120, wrong: 0, lost: 0 });
    const m = (await get(`${s.url}/metrics`)).text;
    expect(metric(m, 'rpnc_batch_rows_count', 'i_two_layers')).toBe(120); // one run per request
    expect(metric(m, 'rpnc_batch_rows_sum', 'i_two_layers')).toBe(480);
  });

  it('a free-batch model marked rpnc.rows_independent = "false" is not merged; the same graph marked "true" would be, and answers change', async () => {
    const cases = (n: number): LoadCase[] =>
      Array.from({ length: n }, (_, i) => {
        const rows = 1 + (i % 3);
        const x = randomFloats(rows * 3, 7 + i);
        const want = coupledAnswer(rows, x);
        return { body: inferBody('x', [rows, 3], x), check: (out) => closeTo(out, [rows, 3], want, 1e-6, 1e-5) };
      });
    const coupled = await serve([coupledModel(path.join(dir, 'coupled.onnx'), 'false'), '--max-delay-ms', '20']);
    const r = await runLoad(`${coupled.url}/v2/models/coupled/infer`, cases(30), { concurrency: 8, requests: 90 });
    expect({ ok: r.ok, wrong: r.wrong, lost: r.lost, firstWrong: r.firstWrong }).toEqual({ ok: 90, wrong: 0, lost: 0, firstWrong: undefined });
    const m = (await get(`${coupled.url}/metrics`)).text;
    expect(metric(m, 'rpnc_batch_rows_count', 'coupled')).toBe(90);
    // control: the test detects merging (the same graph, wrongly declared independent, is batched)
    const wrong = await serve([coupledModel(path.join(dir, 'wrongly_independent.onnx'), 'true'), '--max-delay-ms', '20']);
    const w = await runLoad(`${wrong.url}/v2/models/wrongly_independent/infer`, cases(30), { concurrency: 8, requests: 40 });
    expect(w.wrong).toBeGreaterThan(0);
  });
});

describe('overload, a dying worker, SIGTERM', () => {
  it('more clients than the queue holds: only 503s beyond capacity, every 200 right, nothing lost', async () => {
    const s = await serve([lorr, '--max-queue', '4', '--no-batching']);
    const cases = lorrCases([64, 32, 16]);
    const r = await runLoad(`${s.url}/v2/models/p_mlp_lorr/infer`, cases, { concurrency: 32, requests: 160 });
    expect(r.lost).toBe(0);
    expect(r.wrong).toBe(0);
    expect(Object.keys(r.status).sort()).toEqual(['200', '503']);
    expect(r.status['503']).toBeGreaterThan(0);
    expect(r.ok).toBe(r.status['200']);
    // no batching, so no row limit: a huge shape with little data is refused before anything is allocated
    const huge = await post(`${s.url}/v2/models/p_mlp_lorr/infer`, inferBody('x', [2 ** 30, 784], [1, 2, 3]));
    expect([huge.status, JSON.parse(huge.text).error]).toEqual([400, expect.stringMatching(/"data" has 3 values, shape \[1073741824, 784\] needs 841813590016/)]);
    expect((await get(`${s.url}/v2/health/ready`)).status).toBe(200);
  });

  it('a worker killed mid-load: errors only for its running batch, then the pool recovers', async () => {
    const s = await serve([lorr, '--workers', '2', '--max-delay-ms', '1'], { RPNC_SERVE_TEST_HOOKS: '1' });
    const cases = lorrCases([8, 16, 8, 32]);
    let killed = false;
    const r = await runLoad(`${s.url}/v2/models/p_mlp_lorr/infer`, cases, {
      concurrency: 8,
      requests: 120,
      onAnswer: (i) => {
        if (i >= 30 && !killed) {
          killed = true;
          void post(`${s.url}/v2/models/p_mlp_lorr/kill-worker`, '');
        }
      },
    });
    expect(r.lost).toBe(0);
    expect(r.wrong).toBe(0);
    const failed = r.status['500'] ?? 0;
    expect(failed).toBeLessThanOrEqual(8); // at most the requests in the killed worker's batch
    expect(r.ok + failed).toBe(120);
    const m = (await get(`${s.url}/metrics`)).text;
    expect(metric(m, 'rpnc_worker_restarts_total', 'p_mlp_lorr')).toBe(1);
    expect(metric(m, 'rpnc_workers_ready', 'p_mlp_lorr')).toBe(2);
    const after = await runLoad(`${s.url}/v2/models/p_mlp_lorr/infer`, cases, { concurrency: 4, requests: 20 });
    expect(after.ok).toBe(20);
  });

  it('SIGTERM: the queued and running requests are answered, then exit 0', async () => {
    const s = await serve([lorr, '--no-batching']);
    const [c] = lorrCases([64]);
    const pending = Array.from({ length: 12 }, () => post(`${s.url}/v2/models/p_mlp_lorr/infer`, c.body));
    // SIGTERM once all 12 are in the server (1 running + 11 queued): they must all be answered
    for (let t = 0; t < 200; t++) {
      const m = (await get(`${s.url}/metrics`)).text;
      if (metric(m, 'rpnc_queue_depth', 'p_mlp_lorr') + metric(m, 'rpnc_inflight_batches', 'p_mlp_lorr') === 12) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const code = s.stop();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    for (const a of answers) expect(c.check(JSON.parse(a.text).outputs[0])).toBeNull();
    expect(await code).toBe(0);
    expect(s.stderr()).toMatch(/SIGTERM: draining[\s\S]*stopped/);
  });
});

describe('start-up errors: one diagnostic, an exit code, no server', () => {
  it('missing file, not a model, an empty or broken repository, bad options, a port in use', async () => {
    const busy = await serve([fixed]);
    const empty = path.join(dir, 'empty-repo');
    fs.mkdirSync(empty, { recursive: true });
    const broken = path.join(dir, 'broken-repo', 'm');
    fs.mkdirSync(path.join(broken, '1'), { recursive: true });
    fs.copyFileSync(fixed, path.join(broken, '1', 'model.onnx'));
    fs.writeFileSync(path.join(broken, 'config.pbtxt'), 'name: "m"\nbackend: "onnxruntime"\nmax_batch_sise: 0\n');
    const txt = path.join(dir, 'notes.txt');
    fs.writeFileSync(txt, 'hello');
    const cases: [string[], number, RegExp][] = [
      [[path.join(dir, 'missing.onnx')], 1, /RPN3405.*not found/],
      [[empty], 1, /RPN7003.*not a Triton model repository/],
      [[path.join(dir, 'broken-repo')], 1, /RPN7002.*config\.pbtxt.*3:1: message inference\.ModelConfig has no field named 'max_batch_sise'/],
      [[txt], 2, /RPN6002.*neither an \.onnx file nor a directory/],
      [[fixed, '--port', '70000'], 2, /RPN6002.*--port/],
      [[fixed, '--max-queue', '0'], 2, /RPN6002.*--max-queue/],
      [[fixed, '--preferred-batch', '8,100'], 2, /RPN6002.*--preferred-batch/],
      [[fixed, '--port', String(busy.port)], 1, /RPN7005.*EADDRINUSE/],
    ];
    const results = await Promise.all(
      cases.map(
        ([args]) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [cli, 'serve', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
            let stderr = '';
            child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
            const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
            child.on('exit', (code) => (clearTimeout(t), resolve({ code, stderr })));
          }),
      ),
    );
    cases.forEach(([args, code, msg], i) => {
      expect(results[i].code, args.join(' ')).toBe(code);
      expect(results[i].stderr, args.join(' ')).toMatch(msg);
      expect(results[i].stderr).not.toMatch(/listening on/);
    });
  });
});
