/**
 * `rpnc serve`: the KServe v2 REST protocol (as Triton Inference Server speaks it) over Node's http
 * module, for one ONNX file or every model of a Triton repository.
 *
 *   GET  /v2                              server metadata
 *   GET  /v2/health/live | /v2/health/ready
 *   GET  /v2/models/<name>[/versions/<v>]  model metadata (inputs, outputs, datatypes, shapes)
 *   GET  /v2/models/<name>[/versions/<v>]/ready
 *   GET  /v2/models/<name>[/versions/<v>]/config   the model's configuration (Triton's JSON form)
 *   POST /v2/models/<name>[/versions/<v>]/infer    JSON tensors, or the binary tensor data extension
 *   GET  /metrics                          Prometheus text
 *
 * Every bad request gets a 4xx with `{"error": "…"}` and touches nothing else: it is answered before
 * it reaches the queue. Inference runs in worker threads (runtime/serve/pool.ts), batched by
 * runtime/serve/scheduler.ts for row-independent models only.
 */
import * as http from 'node:http';
import * as os from 'node:os';
import { VERSION } from '../../compiler/version.js';
import { fromHalfBits, toHalfBits } from '../../compiler/onnx/fp16.js';
import type { ModelInfo } from '../../compiler/deploy/model-info.js';
import type { ExecutionProvider } from '../session.js';
import { Metrics } from './metrics.js';
import { WorkerDiedError, WorkerPool } from './pool.js';
import { QueueFullError, Scheduler } from './scheduler.js';

/** One model served by `InferenceServer`: its file, kind and batching settings. */
export interface ServedModel {
  name: string;
  version: string;
  onnxPath: string;
  info: ModelInfo;
  /** Dynamic batching (row-independent models only; ignored otherwise). */
  batching: boolean;
  maxBatch: number;
  preferredBatchSizes: number[];
  maxDelayMs: number;
  workers: number;
  /** The Triton config (parsed), when served from a repository. */
  config?: Record<string, unknown>;
}

/** Options of `InferenceServer` (the flags of `rpnc serve`). */
export interface ServeOptions {
  host: string;
  port: number;
  maxQueue: number;
  /** Largest request body in bytes. */
  maxBody: number;
  ep: ExecutionProvider;
  deviceId: number;
  intraOpNumThreads?: number;
  onNote?: (message: string) => void;
  /** Enable POST /_rpnc/kill-worker/<model> (tests of the worker replacement). */
  testHooks?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Entry {
  model: ServedModel;
  pool: WorkerPool;
  scheduler: Scheduler;
  inWidth: number;
  outWidth: number;
}

const FLOAT_MAX: Record<string, number> = { FP32: 3.4028234663852886e38, FP16: 65504, FP64: Number.MAX_VALUE };

/** The number of rows of a request must be this (fixed batch), or at most this (batched models). */
function batchRule(m: ServedModel): { exact?: number; max?: number } {
  if (m.info.kind === 'fixed') return { exact: m.info.fixedBatch };
  if (m.info.kind === 'independent' && m.batching) return { max: m.maxBatch };
  return {};
}

/**
 * The KServe v2 HTTP server of `rpnc serve`: `new InferenceServer(models, opts)`, `await start()` (loads the
 * models in worker threads, listens, returns the port), `await drain()` (answers what is queued, then stops).
 */
export class InferenceServer {
  private models = new Map<string, Entry>();
  private server: http.Server;
  private draining = false;
  readonly metrics = new Metrics();

  constructor(
    models: ServedModel[],
    private readonly opts: ServeOptions,
  ) {
    for (const m of models) {
      const inWidth = m.info.input.dims.slice(1).reduce((a, b) => a * b, 1);
      const outWidth = m.info.output.dims.slice(1).reduce((a, b) => a * b, 1);
      let scheduler: Scheduler | undefined;
      const pool = new WorkerPool(m.onnxPath, {
        workers: m.workers,
        ep: opts.ep,
        deviceId: opts.deviceId,
        intraOpNumThreads: opts.intraOpNumThreads ?? Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, models.reduce((s, x) => s + x.workers, 0)))),
        onFree: () => scheduler?.pump(),
        onNote: opts.onNote,
      });
      scheduler = new Scheduler(pool, {
        batching: m.batching && m.info.kind === 'independent',
        maxBatch: m.maxBatch,
        preferredBatchSizes: m.preferredBatchSizes,
        maxDelayMs: m.maxDelayMs,
        maxQueue: opts.maxQueue,
        inWidth,
        outWidth,
        onBatch: (rows, n) => this.metrics.batch(m.name, rows, n),
      });
      this.models.set(m.name, { model: m, pool, scheduler, inWidth, outWidth });
      const s = scheduler;
      this.metrics.addModel(m.name, { queueDepth: () => s.depth(), inFlight: () => s.inFlight(), workersReady: () => pool.readyCount(), workerRestarts: () => pool.restarts });
    }
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // a long keep-alive (as load balancers use): with Node's 5 s default, a client starved for 5 s between two
    // requests (or still uploading the body of a request answered early with 503) had its socket closed under
    // it, a reset with no answer; the load test lost ~1% of its overload requests that way
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (process.env.RPNC_DEBUG) opts.onNote?.(`client error: ${err.code ?? ''} ${err.message}`);
      if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n{"error":"malformed HTTP request"}');
      else socket.destroy();
    });
  }

  /** Load every model in its workers, then listen. Resolves with the bound port. */
  async start(): Promise<number> {
    await Promise.all([...this.models.values()].map((e) => e.pool.start()));
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as { port: number }).port;
  }

  /** The execution provider the workers really use. */
  ep(): string {
    return [...this.models.values()][0]?.pool.ep ?? 'cpu';
  }

  /** SIGTERM: refuse new requests (503), finish the queued and running ones, stop the workers. */
  async drain(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections();
    await Promise.all([...this.models.values()].map((e) => e.scheduler.idle()));
    this.server.closeIdleConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    this.server.closeAllConnections();
    await Promise.all([...this.models.values()].map((e) => e.pool.close()));
  }

  private send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    const text = type === 'application/json' ? JSON.stringify(body) : String(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...(this.draining ? { Connection: 'close' } : {}) });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const t0 = performance.now();
    let modelName = '';
    let infer = false;
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const method = req.method ?? 'GET';
      const get = (): void => {
        if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not allowed on ${url.pathname}; use GET`);
      };
      if (url.pathname === '/metrics') {
        get();
        return this.send(res, 200, this.metrics.text(), 'text/plain; version=0.0.4');
      }
      if (parts[0] !== 'v2') throw new HttpError(404, `no such endpoint: ${url.pathname} (KServe v2: /v2/health/ready, /v2/models/<name>, /v2/models/<name>/infer, /metrics)`);
      if (parts.length === 1) {
        get();
        return this.send(res, 200, { name: 'rpnc', version: VERSION, extensions: ['model_configuration', 'binary_tensor_data'] });
      }
      if (parts[1] === 'health' && parts.length === 3 && (parts[2] === 'live' || parts[2] === 'ready')) {
        get();
        const ready = parts[2] === 'live' || (!this.draining && [...this.models.values()].every((e) => e.pool.readyCount() > 0));
        res.writeHead(ready ? 200 : 503, { 'Content-Length': 0 });
        return void res.end();
      }
      if (parts[1] !== 'models' || parts.length < 3) throw new HttpError(404, `no such endpoint: ${url.pathname}`);
      modelName = parts[2];
      const entry = this.models.get(modelName);
      let rest = parts.slice(3);
      if (!entry) {
        modelName = '';
        throw new HttpError(404, `unknown model '${parts[2]}' (served: ${[...this.models.keys()].join(', ')})`);
      }
      if (rest[0] === 'versions') {
        if (rest[1] !== entry.model.version) throw new HttpError(404, `model '${entry.model.name}' has no version '${rest[1] ?? ''}' (served: ${entry.model.version})`);
        rest = rest.slice(2);
      }
      const m = entry.model;
      if (rest.length === 0) {
        get();
        const rule = batchRule(m);
        const shape = (dims: number[]): number[] => (rule.exact !== undefined ? dims : [-1, ...dims.slice(1)]);
        return this.send(res, 200, {
          name: m.name,
          versions: [m.version],
          platform: 'onnxruntime_onnx',
          inputs: [{ name: m.info.input.name, datatype: m.info.input.datatype, shape: shape(m.info.input.dims) }],
          outputs: [{ name: m.info.output.name, datatype: m.info.output.datatype, shape: shape(m.info.output.dims) }],
        });
      }
      if (rest.length === 1 && rest[0] === 'ready') {
        get();
        const ready = !this.draining && entry.pool.readyCount() > 0;
        res.writeHead(ready ? 200 : 503, { 'Content-Length': 0 });
        return void res.end();
      }
      if (rest.length === 1 && rest[0] === 'config') {
        get();
        return this.send(res, 200, m.config ?? this.configOf(m));
      }
      if (rest.length === 1 && rest[0] === 'infer') {
        if (method !== 'POST') throw new HttpError(405, `${method} is not allowed on ${url.pathname}; use POST`);
        infer = true;
        return await this.infer(entry, req, res, t0);
      }
      if (this.opts.testHooks && rest.length === 1 && rest[0] === 'kill-worker' && method === 'POST') {
        return this.send(res, 200, { killed: entry.pool.killOne() });
      }
      throw new HttpError(404, `no such endpoint: ${url.pathname}`);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : e instanceof QueueFullError ? 503 : 500;
      if (!res.headersSent) this.send(res, status, { error: (e as Error).message });
      else res.destroy();
      if (infer || modelName) this.metrics.request(modelName, status, (performance.now() - t0) / 1000);
      if (status === 413) req.resume(); // the rest of an oversize body is read and dropped, not kept: the client gets its answer
    }
  }

  /** The configuration rpnc serves by, in Triton's JSON form (for a model served from an .onnx file). */
  private configOf(m: ServedModel): Record<string, unknown> {
    const batched = m.info.kind === 'independent' && m.batching;
    const dims = (d: number[]): number[] => (m.info.kind === 'independent' ? d.slice(1) : d);
    return {
      name: m.name,
      backend: 'onnxruntime',
      max_batch_size: m.info.kind === 'independent' ? m.maxBatch : 0,
      input: [{ name: m.info.input.name, data_type: `TYPE_${m.info.input.datatype}`, dims: dims(m.info.input.dims) }],
      output: [{ name: m.info.output.name, data_type: `TYPE_${m.info.output.datatype}`, dims: dims(m.info.output.dims) }],
      ...(batched ? { dynamic_batching: { preferred_batch_size: m.preferredBatchSizes, max_queue_delay_microseconds: Math.round(m.maxDelayMs * 1000) } } : {}),
      instance_group: [{ count: m.workers, kind: 'KIND_CPU' }],
      parameters: { rpnc_batch_kind: { string_value: m.info.kind } },
    };
  }

  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    const max = this.opts.maxBody;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) return Promise.reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${max} bytes (rpnc serve --max-body)`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          req.removeAllListeners('data');
          reject(new HttpError(413, `request body is over the limit of ${max} bytes (rpnc serve --max-body)`));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private async infer(entry: Entry, req: http.IncomingMessage, res: http.ServerResponse, t0: number): Promise<void> {
    const m = entry.model;
    if (this.draining) throw new QueueFullError('the server is shutting down');
    // shed load before reading and parsing the body: a full queue costs the server almost nothing
    if (entry.scheduler.full()) {
      req.resume();
      throw new QueueFullError(`the queue of model '${m.name}' is full (${this.opts.maxQueue} requests waiting); try again later`);
    }
    const body = await this.readBody(req);
    // the binary tensor data extension: a JSON header of Inference-Header-Content-Length bytes, then raw tensors
    const headerLen = req.headers['inference-header-content-length'];
    let jsonLen = body.length;
    if (headerLen !== undefined) {
      jsonLen = Number(headerLen);
      if (!/^\d+$/.test(String(headerLen)) || jsonLen > body.length) throw new HttpError(400, `Inference-Header-Content-Length ${headerLen} is not a length within the body (${body.length} bytes)`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(body.subarray(0, jsonLen).toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `malformed JSON in the request body: ${(e as Error).message}`);
    }
    const { data, shape, id, outputName, binaryOut } = this.parseRequest(entry, doc, body.subarray(jsonLen));
    const out = await entry.scheduler.submit(data, shape);
    const head = { model_name: m.name, model_version: m.version, ...(id !== undefined ? { id } : {}) };
    if (binaryOut) {
      const bytes = Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength);
      const json = Buffer.from(JSON.stringify({ ...head, outputs: [{ name: outputName, datatype: m.info.output.datatype, shape: out.shape, parameters: { binary_data_size: bytes.length } }] }));
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': json.length, 'Content-Length': json.length + bytes.length, ...(this.draining ? { Connection: 'close' } : {}) });
      res.end(Buffer.concat([json, bytes]));
    } else {
      const values = out.data instanceof Uint16Array ? Array.from(out.data, fromHalfBits) : Array.from(out.data);
      this.send(res, 200, { ...head, outputs: [{ name: outputName, datatype: m.info.output.datatype, shape: out.shape, data: values }] });
    }
    this.metrics.request(m.name, 200, (performance.now() - t0) / 1000);
  }

  /** Validate a KServe v2 inference request (JSON tensors, or binary ones after the JSON header); every problem is a 400 naming it. */
  private parseRequest(entry: Entry, doc: unknown, binary: Buffer): { data: Float32Array | Uint16Array; shape: number[]; id?: string; outputName: string; binaryOut: boolean } {
    const m = entry.model;
    const bad = (msg: string): never => {
      throw new HttpError(400, msg);
    };
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('the request body must be a JSON object with "inputs"');
    const d = doc as Record<string, unknown>;
    if (d.id !== undefined && typeof d.id !== 'string') bad('"id" must be a string');
    if (!Array.isArray(d.inputs) || d.inputs.length !== 1) bad(`"inputs" must be an array of one tensor (the model's input '${m.info.input.name}')`);
    const t = (d.inputs as unknown[])[0] as Record<string, unknown>;
    if (typeof t !== 'object' || t === null) bad('"inputs"[0] must be an object { name, shape, datatype, data }');
    if (t.name !== m.info.input.name) bad(`unknown input '${String(t.name)}': model '${m.name}' has one input, '${m.info.input.name}'`);
    if (t.datatype !== m.info.input.datatype) bad(`input '${t.name}' has datatype ${JSON.stringify(t.datatype)}, the model expects "${m.info.input.datatype}"`);
    const want = m.info.input.dims;
    const rule = batchRule(m);
    const expected = `[${rule.exact ?? 'batch'}, ${want.slice(1).join(', ')}]`;
    if (!Array.isArray(t.shape) || !t.shape.every((x) => Number.isSafeInteger(x) && x >= 0)) bad(`input '${t.name}': "shape" must be an array of non-negative integers, e.g. ${expected}`);
    const shape = t.shape as number[];
    if (shape.length !== want.length || shape.slice(1).some((x, i) => x !== want[i + 1])) bad(`input '${t.name}' has shape [${shape.join(', ')}], the model expects ${expected}`);
    if (shape[0] < 1) bad(`input '${t.name}' has no rows (shape [${shape.join(', ')}])`);
    if (rule.exact !== undefined && shape[0] !== rule.exact) bad(`input '${t.name}' has ${shape[0]} rows, but ${m.info.reason}: send exactly ${rule.exact} rows per request`);
    if (rule.max !== undefined && shape[0] > rule.max) bad(`input '${t.name}' has ${shape[0]} rows, more than the max batch size ${rule.max} (rpnc serve --max-batch)`);
    const n = shape.reduce((a, b) => a * b, 1);
    const max = FLOAT_MAX[m.info.input.datatype];
    const half = m.info.input.datatype === 'FP16';
    // the tensor is allocated only once its size is known to match the data sent (bounded by --max-body)
    let data: Float32Array | Uint16Array;
    const binarySize = (t.parameters as Record<string, unknown> | undefined)?.binary_data_size;
    if (binarySize !== undefined) {
      const bytes = n * (half ? 2 : 4);
      if (t.data !== undefined) bad(`input '${t.name}' has both "data" and parameters.binary_data_size`);
      if (binarySize !== bytes) bad(`input '${t.name}': binary_data_size ${JSON.stringify(binarySize)}, shape [${shape.join(', ')}] of ${m.info.input.datatype} needs ${bytes} bytes`);
      if (binary.length !== bytes) bad(`input '${t.name}': ${binary.length} bytes of binary data after the JSON header, expected ${bytes}`);
      data = half ? new Uint16Array(n) : new Float32Array(n);
      new Uint8Array(data.buffer).set(binary); // little-endian, as the extension specifies
      for (let i = 0; i < n; i++) {
        const finite = half ? (data[i] & 0x7c00) !== 0x7c00 : Number.isFinite(data[i]);
        if (!finite) bad(`input '${t.name}': value ${i} of the binary data is not a finite ${m.info.input.datatype} number`);
      }
    } else {
      if (binary.length) bad(`${binary.length} bytes after the JSON header, but no input has parameters.binary_data_size`);
      const flat = Array.isArray(t.data) ? (t.data as unknown[]).flat(want.length) : bad(`input '${t.name}': "data" must be an array of numbers (row-major, flat or nested)`);
      if (flat.length !== n) bad(`input '${t.name}': "data" has ${flat.length} values, shape [${shape.join(', ')}] needs ${n}`);
      data = half ? new Uint16Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = flat[i];
        if (typeof v !== 'number') bad(`input '${t.name}': "data"[${i}] is ${JSON.stringify(v)}, not a number`);
        const x = v as number;
        if (!Number.isFinite(x) || Math.abs(x) > max) bad(`input '${t.name}': "data"[${i}] = ${x} is not a finite ${m.info.input.datatype} number`);
        data[i] = half ? toHalfBits(x) : x;
      }
    }
    let binaryOut = (d.parameters as Record<string, unknown> | undefined)?.binary_data_output === true;
    let outputName = m.info.output.name;
    if (d.outputs !== undefined) {
      if (!Array.isArray(d.outputs)) bad('"outputs" must be an array of { name }');
      for (const o of d.outputs as Record<string, unknown>[]) {
        if (o?.name !== m.info.output.name) bad(`unknown output '${String(o?.name)}': model '${m.name}' has one output, '${m.info.output.name}'`);
        const b = (o.parameters as Record<string, unknown> | undefined)?.binary_data;
        if (b !== undefined) binaryOut = b === true;
      }
      outputName = m.info.output.name;
    }
    return { data, shape, id: d.id as string | undefined, outputName, binaryOut };
  }
}
