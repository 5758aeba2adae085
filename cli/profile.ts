/** `rpnc profile <model.onnx|model.ts>`: ONNX Runtime's own profile, aggregated to the RPN structure (compiler/profile.ts). */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { compileSpec, loadSpec, loadWeights } from '../compiler/compile.js';
import { DiagnosticError, diag, type Diagnostic } from '../compiler/diagnostics.js';
import { profileModel, type ProfileReport } from '../compiler/profile.js';
import { readOnnxFile } from '../compiler/onnx/read-onnx.js';
import type { Graph } from '../ir/graph.js';
import type { ExecutionProvider } from '../runtime/session.js';
import { jsonDiagnostic, printHuman, printJson, reportAndExit, usage } from './report.js';
import { note, printDiagnostics, progress } from './terminal.js';
import { maxOf, pushAll } from '../ir/arrays.js';

interface ProfileOpts {
  weights?: string[];
  seed: string;
  batch?: string;
  runs: string;
  warmup: string;
  threads: string;
  ep: ExecutionProvider;
  deviceId: string;
  trace?: string;
  opt: boolean;
  batchHint?: string;
  json?: boolean;
}

function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) usage(`option ${name} must be an integer ≥ ${min}, got '${v}'`, `e.g. ${name} ${min}`);
  return n;
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** The human-readable table. */
export function formatProfile(file: string, r: ProfileReport): string {
  const lines = [
    `${path.basename(file)}: batch ${r.batch}, ${r.runs} timed runs after ${r.warmup} warm-up, ${r.ep} EP`,
    `run ${ms(r.runMs)} ms (kernels ${ms(r.kernelMs)} ms)${r.gflops !== null ? `, ${(r.flops / 1e6).toFixed(1)} MFLOP matrix work → ${r.gflops.toFixed(1)} GFLOP/s` : ''}`,
    '',
  ];
  const header = ['component', 'type / form', 'ms', 'share', 'GFLOP/s', 'kernels', 'ops'];
  const rows = r.rows.map((x) => [x.key.replace(/\[.*?\]/g, ''), x.detail, ms(x.ms), `${(100 * x.share).toFixed(1)}%`, x.gflops === null ? '-' : x.gflops.toFixed(1), String(x.kernels), x.ops.slice(0, 5).join(' ') + (x.ops.length > 5 ? ' …' : '')]);
  const numeric = [false, false, true, true, true, true, false];
  const w = header.map((h, i) => maxOf(rows.map((x) => x[i].length), h.length));
  const line = (x: string[]) => x.map((c, i) => (numeric[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  lines.push(line(header), ...rows.map(line), '', 'slowest kernels:');
  for (const k of r.topKernels.slice(0, 5)) lines.push(`  ${ms(k.ms).padStart(7)} ms  ${k.op.padEnd(12)} ${k.node}`);
  lines.push('', `trace: ${r.trace}  (chrome://tracing or https://ui.perfetto.dev)`);
  return lines.join('\n') + '\n';
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description("where the time of a forward goes: ONNX Runtime's profile per layer / head / component, with share and GFLOP/s")
    .argument('<model>', 'an ONNX file (built by rpnc) or a model file (.ts, compiled first as rpnc build would)')
    .option('-w, --weights <file...>', 'with a model file: safetensors checkpoint(s)')
    .option('--seed <n>', 'with a model file and no --weights: seed of the initialisation', '0')
    .option('--batch <n>', "rows of the random input (default 64, or the model's fixed batch)")
    .option('--runs <n>', 'timed runs (the times are means over them)', '20')
    .option('--warmup <n>', 'untimed runs first', '3')
    .option('--threads <n>', 'intra-op threads of the session (as npm run bench)', '2')
    .addOption(new Option('--ep <provider>', 'execution provider').choices(['cpu', 'cuda', 'auto']).default('cpu'))
    .option('--device-id <n>', 'CUDA device id', '0')
    .option('--trace <file>', "copy ORT's Chrome-trace file here (default: it stays in the OS temporary directory)")
    .option('--no-opt', 'with a model file: the plain dense fabrication W')
    .option('--batch-hint <n>', 'with a model file: batch size of the fabrication cost model (default: --batch)')
    .option('--json', 'one JSON document on stdout: { ok, batch, runs, runMs, kernelMs, flops, gflops, rows, topKernels, trace }')
    .addHelpText('after', `
Examples:
  rpnc profile model.onnx --batch 256           # a table sorted by time, and the trace file
  rpnc profile model.ts -w ckpt.safetensors      # compile, then profile
  rpnc profile model.onnx --json --trace t.json  # rows as JSON; the Chrome trace copied to t.json`)
    .action(profileCommand);
}

async function profileCommand(model: string, opts: ProfileOpts): Promise<void> {
  const batch = opts.batch === undefined ? undefined : intOption('--batch', opts.batch, 1);
  const runs = intOption('--runs', opts.runs, 1);
  const warmup = intOption('--warmup', opts.warmup, 0);
  const threads = intOption('--threads', opts.threads, 1);
  const deviceId = intOption('--device-id', opts.deviceId, 0);
  const seed = intOption('--seed', opts.seed, 0);
  const isTs = /\.(ts|mts|cts)$/.test(model);
  if (!isTs && !/\.onnx$/.test(model)) usage(`'${model}' is neither an ONNX file nor a model file (.ts)`, 'rpnc profile model.onnx, or rpnc profile model.ts');
  try {
    let bytes: Uint8Array;
    let graph: Graph | undefined;
    const diagnostics: Diagnostic[] = [];
    if (isTs) {
      const bar = progress(`building ${path.basename(model)}`);
      const { spec, sourceText } = loadSpec(model);
      const store = loadWeights(spec, { weights: opts.weights, seed });
      const hint = opts.batchHint === undefined ? spec.batch ?? batch ?? 64 : intOption('--batch-hint', opts.batchHint, 1);
      const res = compileSpec(spec, store, { opt: opts.opt, batchHint: hint, sourceText });
      bar.done();
      printDiagnostics(res.diagnostics);
      pushAll(diagnostics, res.diagnostics);
      if (!opts.weights?.length) note(`no --weights given: parameters from rpnc's seeded initialisation (--seed ${seed})`);
      bytes = res.onnx;
      graph = res.model.graph;
    } else {
      bytes = readOnnxFile(model);
    }
    const bar = progress(`profiling ${path.basename(model)}`);
    const report = await profileModel(bytes, { batch, runs, warmup, threads, ep: opts.ep, deviceId, trace: opts.trace, graph, onNote: (m) => note(m) });
    bar.done();
    if (opts.json) printJson({ ok: true, ...report, diagnostics: diagnostics.map(jsonDiagnostic) });
    else printHuman(formatProfile(model, report));
  } catch (e) {
    reportAndExit(e);
  }
}
