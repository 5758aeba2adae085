/**
 * A small closed-loop HTTP load generator for `rpnc serve` (KServe v2 JSON), used by `npm run
 * loadtest` and the serving tests: `concurrency` clients, each sending its next request when the last
 * one is answered, until `requests` are answered or `maxSeconds` pass. Every 200 answer is checked
 * against the expected output for its own input (`check`), so wrong and lost answers are counted.
 */
import * as http from 'node:http';

export interface LoadCase {
  /** Request body (a KServe v2 JSON inference request, or a binary-extension one with `headers`). */
  body: string | Buffer;
  headers?: Record<string, string | number>;
  /** Checks an answer's output data; returns an error text or null. */
  check: (out: { shape: number[]; data: number[] }) => string | null;
}

export interface LoadResult {
  sent: number;
  ok: number;
  wrong: number;
  /** Requests with no HTTP answer at all (connection reset, timeout). */
  lost: number;
  status: Record<string, number>;
  /** Latencies of the 200 answers, ms, sorted. */
  latencies: number[];
  seconds: number;
  firstWrong?: string;
  firstError?: string;
  /** Why the first lost request got no answer. */
  firstLost?: string;
}

export function post(url: string, body: string | Buffer, agent?: http.Agent, timeoutMs = 30_000, headers: Record<string, string | number> = {}): Promise<{ status: number; text: string; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, text: all.toString('utf8'), body: all, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

export async function runLoad(url: string, cases: LoadCase[], opts: { concurrency: number; requests: number; maxSeconds?: number; onAnswer?: (i: number) => void }): Promise<LoadResult> {
  // free sockets are closed after 4 s idle, well before a server's keep-alive timeout (Node's default is 5 s)
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, timeout: 4000 });
  const r: LoadResult = { sent: 0, ok: 0, wrong: 0, lost: 0, status: {}, latencies: [], seconds: 0 };
  const t0 = performance.now();
  const deadline = t0 + (opts.maxSeconds ?? 60) * 1000;
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < opts.requests && performance.now() < deadline) {
      const i = next++;
      const c = cases[i % cases.length];
      r.sent++;
      const t = performance.now();
      try {
        const res = await post(url, c.body, agent, 30_000, c.headers);
        r.status[res.status] = (r.status[res.status] ?? 0) + 1;
        if (res.status === 200) {
          r.latencies.push(performance.now() - t);
          const hl = res.headers['inference-header-content-length'];
          let out: { shape: number[]; data: number[] };
          if (hl !== undefined) {
            const b = parseBinaryAnswer(res.body, Number(hl));
            out = { shape: b.doc.outputs[0].shape, data: Array.from(b.data) };
          } else out = (JSON.parse(res.text) as { outputs: { shape: number[]; data: number[] }[] }).outputs[0];
          const err = c.check(out);
          if (err) {
            r.wrong++;
            r.firstWrong ??= `request ${i}: ${err}`;
          } else r.ok++;
        } else r.firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
      } catch (e) {
        r.lost++;
        r.firstLost ??= (e as Error).message;
      }
      opts.onAnswer?.(i);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  r.seconds = (performance.now() - t0) / 1000;
  r.latencies.sort((a, b) => a - b);
  agent.destroy();
  return r;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A request of the binary tensor data extension: JSON header, then the float32 bytes; asks for a binary output. */
export function binaryInferRequest(name: string, shape: number[], data: Float32Array): { body: Buffer; headers: Record<string, number> } {
  const bytes = Buffer.from(new Float32Array(data).buffer);
  const json = Buffer.from(JSON.stringify({ inputs: [{ name, shape, datatype: 'FP32', parameters: { binary_data_size: bytes.length } }], parameters: { binary_data_output: true } }));
  return { body: Buffer.concat([json, bytes]), headers: { 'Inference-Header-Content-Length': json.length } };
}

/** The JSON header and the first output's float32 values of a binary answer. */
export function parseBinaryAnswer(body: Buffer, headerLength: number): { doc: { outputs: { shape: number[]; parameters: { binary_data_size: number } }[] }; data: Float32Array } {
  const doc = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  const raw = body.subarray(headerLength, headerLength + doc.outputs[0].parameters.binary_data_size);
  return { doc, data: new Float32Array(new Uint8Array(raw).buffer) };
}

/** A KServe v2 request body for rows of float32 data. */
export function inferBody(name: string, shape: number[], data: ArrayLike<number>, datatype = 'FP32'): string {
  return JSON.stringify({ inputs: [{ name, shape, datatype, data: Array.from(data) }] });
}

/** |a − b| ≤ atol + rtol·|b| everywhere, with the same shape; else a description of the worst value. */
export function closeTo(out: { shape: number[]; data: number[] }, shape: number[], want: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): string | null {
  if (out.shape.join(',') !== shape.join(',')) return `shape [${out.shape.join(', ')}], expected [${shape.join(', ')}]`;
  if (out.data.length !== want.length) return `${out.data.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(out.data[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) return `value ${i}: ${out.data[i]} vs ${want[i]}`;
  }
  return null;
}

/** A `rpnc serve` child process started on a free port. */
export interface ServerProcess {
  url: string;
  port: number;
  child: import('node:child_process').ChildProcess;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

/** Start `node <cli> serve <args> --port 0` and wait for its "listening on" line. */
export async function startServer(cli: string, args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [cli, 'serve', ...args, '--port', '0'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`rpnc serve did not start in 60 s:\n${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`rpnc serve exited with code ${code}:\n${err}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
