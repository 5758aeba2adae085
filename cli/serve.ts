/** `rpnc serve <model.onnx | triton-repo>`: the KServe v2 REST protocol over HTTP (runtime/serve/server.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { DiagnosticError, diag } from '../compiler/diagnostics.js';
import { modelInfo } from '../compiler/deploy/model-info.js';
import { checkModelName, readTritonRepo, DEFAULT_MAX_BATCH } from '../compiler/deploy/triton.js';
import { checkExternalData } from '../compiler/onnx/external-data.js';
import { readOnnxFile } from '../compiler/onnx/read-onnx.js';
import { InferenceServer, type ServedModel } from '../runtime/serve/server.js';
import type { ExecutionProvider } from '../runtime/session.js';
import { intList, intOpt } from './export.js';
import { reportAndExit, usage } from './report.js';
import { info, note, printDiagnostics } from './terminal.js';

interface ServeFlags {
  name?: string;
  port: string;
  host: string;
  workers?: string;
  maxBatch?: string;
  maxDelayMs?: string;
  preferredBatch?: string;
  batching: boolean;
  maxQueue: string;
  maxBody: string;
  threads?: string;
  ep: ExecutionProvider;
  deviceId: string;
}

export const DEFAULT_MAX_DELAY_MS = 0;

function numOpt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) usage(`option ${name} must be a non-negative number, got '${v}'`, `e.g. ${name} 2`);
  return n;
}

export async function serveCommand(target: string, opts: ServeFlags): Promise<void> {
  const port = intOpt('--port', opts.port, 0)!;
  if (port > 65535) usage(`option --port must be ≤ 65535, got '${opts.port}'`);
  const workers = intOpt('--workers', opts.workers, 1);
  const maxBatch = intOpt('--max-batch', opts.maxBatch, 1);
  const maxDelayMs = numOpt('--max-delay-ms', opts.maxDelayMs);
  const preferred = intList('--preferred-batch', opts.preferredBatch);
  const maxQueue = intOpt('--max-queue', opts.maxQueue, 1)!;
  const maxBody = intOpt('--max-body', opts.maxBody, 1024)!;
  const threads = intOpt('--threads', opts.threads, 1);
  const deviceId = intOpt('--device-id', opts.deviceId, 0)!;
  if (preferred && preferred.some((p) => p > (maxBatch ?? DEFAULT_MAX_BATCH))) usage(`--preferred-batch sizes must be ≤ the max batch size (${maxBatch ?? DEFAULT_MAX_BATCH})`);
  const batchingFlags = maxBatch !== undefined || maxDelayMs !== undefined || preferred !== undefined;
  try {
    if (!fs.existsSync(target)) throw new DiagnosticError(diag('RPN3405', `'${target}' not found`, { hint: 'pass an ONNX file (rpnc build model.ts) or a Triton model repository (rpnc export triton model.onnx --repo models)' }));
    const models: ServedModel[] = [];
    if (fs.statSync(target).isDirectory()) {
      for (const t of readTritonRepo(target)) {
        const db = t.dynamicBatching;
        models.push({
          name: t.name,
          version: t.version,
          onnxPath: t.onnxPath,
          info: t.info,
          config: t.config,
          batching: opts.batching && t.info.kind === 'independent' && (db !== undefined || batchingFlags),
          maxBatch: maxBatch ?? (t.maxBatchSize > 0 ? t.maxBatchSize : DEFAULT_MAX_BATCH),
          preferredBatchSizes: preferred ?? db?.preferredBatchSizes ?? [],
          maxDelayMs: maxDelayMs ?? (db ? db.maxQueueDelayUs / 1000 : DEFAULT_MAX_DELAY_MS),
          workers: workers ?? t.instances,
        });
      }
      if (opts.name !== undefined) usage('--name is for an ONNX file; a repository serves its models under their directory names');
    } else {
      if (!/\.onnx$/.test(target)) usage(`'${target}' is neither an .onnx file nor a directory`, 'pass an ONNX file or a Triton model repository');
      const bytes = readOnnxFile(target);
      const info = modelInfo(bytes);
      checkExternalData(target, bytes);
      const name = opts.name ?? path.basename(target).replace(/\.onnx$/, '');
      checkModelName(name);
      models.push({ name, version: '1', onnxPath: target, info, batching: opts.batching && info.kind === 'independent', maxBatch: maxBatch ?? DEFAULT_MAX_BATCH, preferredBatchSizes: preferred ?? [], maxDelayMs: maxDelayMs ?? DEFAULT_MAX_DELAY_MS, workers: workers ?? 1 });
    }
    for (const m of models) {
      if (m.info.kind !== 'independent' && batchingFlags) {
        printDiagnostics([diag('RPN7007', `--max-batch / --max-delay-ms / --preferred-batch ignored for '${m.name}': ${m.info.reason}`, { severity: 'warning', hint: 'each request to this model runs alone' })]);
      }
    }
    const server = new InferenceServer(models, { host: opts.host, port, maxQueue, maxBody, ep: opts.ep, deviceId, intraOpNumThreads: threads, onNote: (m) => note(m), testHooks: process.env.RPNC_SERVE_TEST_HOOKS === '1' });
    let bound: number;
    try {
      bound = await server.start();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        throw new DiagnosticError(diag('RPN7005', `cannot listen on ${opts.host}:${port}: ${err.code}`, { hint: err.code === 'EADDRINUSE' ? 'another process uses this port: pick another with --port (0 = any free port)' : 'check --host and --port' }));
      }
      if (e instanceof DiagnosticError) throw e;
      throw new DiagnosticError(diag('RPN7006', `a worker could not load the model: ${(e as Error).message}`, { hint: 'check the model with `rpnc run <model.onnx> -i x.npy`; with --ep cuda, that the CUDA provider is installed' }));
    }
    for (const m of models) {
      const how = m.info.kind !== 'independent' ? `not batched: ${m.info.reason}` : m.batching ? `dynamic batching up to ${m.maxBatch} rows, ${m.maxDelayMs} ms max delay${m.preferredBatchSizes.length ? `, preferred ${m.preferredBatchSizes.join(', ')}` : ''}` : `rows independent, dynamic batching off (at most ${m.maxBatch} rows per request)`;
      info(`model '${m.name}' (version ${m.version}, input ${m.info.input.name} ${m.info.input.datatype} [${m.info.input.dims.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]): ${m.workers} worker(s); ${how}`);
    }
    info(`rpnc serve: listening on http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${bound} (KServe v2; ${server.ep()} execution provider)`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (sig: string): void => {
        if (stopping) return;
        stopping = true;
        info(`rpnc serve: ${sig}: draining the queued and running requests`);
        server.drain().then(resolve, resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    info('rpnc serve: stopped');
    process.exit(0);
  } catch (e) {
    reportAndExit(e);
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve an ONNX model (or a Triton model repository) over HTTP with the KServe v2 protocol, as Triton does')
    .argument('<model>', 'an .onnx file built by rpnc, or a Triton model repository (rpnc export triton)')
    .option('--name <name>', "the model's name in the URLs (default: the ONNX file's base name)")
    .option('--port <n>', 'TCP port (0: any free port)', '8000')
    .option('--host <addr>', 'address to listen on (default: this machine only)', '127.0.0.1')
    .option('--workers <n>', 'worker threads per model, each with its own ONNX Runtime session (default 1, or the repository\'s instance_group count)')
    .option('--threads <n>', 'ONNX Runtime intra-op threads per worker (default: CPU cores / workers)')
    .option('--max-batch <n>', 'row-independent models: the most rows in one run, and in one request (default 64, or max_batch_size)')
    .option('--max-delay-ms <t>', 'row-independent models: how long a request may wait for others to batch with (default 0: no waiting, the requests queued while the workers are busy are merged; or max_queue_delay_microseconds)')
    .option('--preferred-batch <a,b>', 'row-independent models: batch sizes sent at once when reached (default none, or preferred_batch_size)')
    .option('--no-batching', 'no dynamic batching: each request is one run')
    .option('--max-queue <n>', 'requests waiting per model before new ones get 503', '256')
    .option('--max-body <bytes>', 'largest request body (413 beyond)', String(64 * 1024 * 1024))
    .addOption(new Option('--ep <provider>', 'execution provider').choices(['cpu', 'cuda', 'auto']).default('cpu'))
    .option('--device-id <n>', 'CUDA device id', '0')
    .addHelpText('after', `
Endpoints (KServe v2 REST, as Triton Inference Server): GET /v2/health/live, /v2/health/ready,
/v2/models/<name> (metadata), /v2/models/<name>/ready, /v2/models/<name>/config; POST
/v2/models/<name>/infer with JSON tensors (or Triton's binary tensor data extension); GET /metrics
(Prometheus). Batch-coupled and fixed-batch
models (ONNX metadata rpnc.fixed_batch, or rpnc.rows_independent = "false") are never batched.
SIGTERM/SIGINT: finish the queued and running requests, then exit 0.

Examples:
  rpnc serve model.onnx                       # http://127.0.0.1:8000/v2/models/model/infer
  rpnc serve models --port 8080               # every model of a Triton repository
  rpnc serve model.onnx --workers 2 --max-batch 32 --max-delay-ms 5
  curl -s localhost:8000/v2/models/model/infer -d '{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[0.1,0.2,0.3,0.4]}]}'`)
    .action(serveCommand);
}
