/** `rpnc inspect <model.ts|model.onnx>`: a table (or `--json`, or `--dot`) of what a model is made of. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { graphToDot, inspectModel, inspectOnnx, type HeadReport, type InspectReport } from '../compiler/inspect.js';
import { readOnnxFile } from '../compiler/onnx/read-onnx.js';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { jsonDiagnostic, printJson, reportAndExit, usage } from './report.js';
import { info, printDiagnostics } from './terminal.js';
import { inspectCheckpointCommand } from './inspect-checkpoint.js';
import { maxOf, pushAll } from '../ir/arrays.js';

interface InspectOpts {
  weights?: string[];
  /** With a checkpoint: the model file it is for. */
  model?: string;
  seed: string;
  batchHint?: string;
  optimize: 'speed' | 'size';
  opt: boolean;
  fold: boolean;
  json?: boolean;
  dot?: string | boolean;
}

function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) usage(`option ${name} must be an integer ≥ ${min}, got '${v}'`, `e.g. ${name} ${min}`);
  return n;
}

const short = (t: string | null): string => (t === null ? '-' : t.replace(/_(expansion|reconciliation|remainder|interdependence|fusion)$/, ''));
const shape = (s: (number | string)[]): string => `[${s.join(', ')}]`;
const num = (x: number | null): string => (x === null ? '-' : x.toLocaleString('en-US'));

/** Left-aligned text columns, right-aligned number columns. */
function table(header: string[], rows: string[][], numeric: boolean[]): string[] {
  const w = header.map((h, i) => maxOf(rows.map((r) => r[i].length), h.length));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function headRow(h: HeadReport): string[] {
  const mid = h.mPrime !== h.m ? `${h.m}→${h.mPrime}→${h.D}→${h.n}` : `${h.m}→${h.D}→${h.n}`;
  const extra = [h.interdependence && `interdependence ${short(h.interdependence)}`, h.channelFusion && `fusion ${short(h.channelFusion)}`, h.positions > 1 && `${h.positions} positions`, ...h.processing]
    .filter(Boolean)
    .join(', ');
  return [String(h.head), short(h.expansion) + (h.expansionForm !== 'direct' ? ` (${h.expansionForm.replace(/^[a-z]+-/, '')})` : ''), h.reconciliation ? `${short(h.reconciliation)} (l=${h.l})` : '-', short(h.remainder), mid, String(h.channels), num(h.paramsBefore), num(h.paramsAfter), num(h.flopsPerSample), h.form, extra];
}

/** The human-readable report. */
export function formatReport(file: string, r: InspectReport): string {
  const lines: string[] = [];
  const io = (ts: InspectReport['inputs']) => ts.map((t) => `${t.name} ${t.dtype}${shape(t.shape)}`).join(', ') || '-';
  if (r.model && r.options) {
    lines.push(`${path.basename(file)}: ${r.model.type} (${r.model.root}), x [${r.model.batch ?? 'batch'}, ${r.model.m}] → y [${r.model.rowsOut ?? 'batch'}, ${r.model.n}]`);
    if (r.model.batchKind) lines.push(`batch: ${r.model.batchKind}`);
    lines.push(`weights: ${r.options.weights}; optimize ${r.options.optimize}, batch hint ${r.options.batchHint}${r.options.opt ? '' : ', --no-opt'}${r.options.fold ? '' : ', --no-fold'}`);
    for (const l of r.layers) {
      lines.push('', `layer ${l.index} (${l.type}, ${l.m} → ${l.n})${l.headFusion ? `, head fusion ${short(l.headFusion)}` : ''}`);
      const header = ['head', 'expansion', 'reconciliation', 'remainder', 'm→D→n', 'ch', 'params', 'folded', 'FLOPs/sample', 'form', ''];
      const numeric = [true, false, false, false, false, true, true, true, true, false, false];
      pushAll(lines, table(header, l.heads.map(headRow), numeric).map((s) => '  ' + s));
      for (const h of l.heads) if (h.mixing) lines.push(`  head ${h.head}: ${h.steps ? `runs on each of ${h.steps} steps; ` : ''}${h.mixing.what}: ${h.mixing.form} (${h.mixing.detail})`);
      if (l.fusionParamsBefore || l.fusionParamsAfter) lines.push(`  head fusion: ${num(l.fusionParamsBefore)} params, ${num(l.fusionParamsAfter)} folded, ${num(l.fusionFlopsPerSample)} FLOPs/sample`);
    }
    lines.push('');
  } else {
    const by = r.producer.rpnc ? `rpnc ${r.producer.version}` : r.producer.name ? `${r.producer.name}${r.producer.version ? ' ' + r.producer.version : ''} (not rpnc)` : 'an unnamed producer (not rpnc)';
    lines.push(`${path.basename(file)}: ONNX produced by ${by}, opset ${r.opset ?? '?'}, IR version ${r.irVersion ?? '?'}`);
  }
  lines.push(`inputs:  ${io(r.inputs)}`, `outputs: ${io(r.outputs)}`);
  const keys = Object.keys(r.metadata).sort();
  if (keys.length) pushAll(lines, ['metadata:', ...keys.map((k) => `  ${k} = ${r.metadata[k]}`)]);
  lines.push(`operators (${r.nodeCount} nodes): ${Object.entries(r.operators).map(([op, n]) => `${op} ${n}`).join(', ') || '-'}`);
  lines.push(`initializers: ${r.initializers.count} (${num(r.initializers.elements)} elements, ${num(r.initializers.bytes)} bytes)`);
  const t = r.totals;
  if (t.paramsBefore !== null) {
    lines.push(`totals: ${num(t.paramsBefore)} parameters in the checkpoint, ${num(t.paramsAfter)} after folding; ${num(t.flopsPerSample)} FLOPs/sample (measured on the graph: ${num(t.graphFlopsPerSample)})`);
  }
  lines.push(`ONNX size: ${num(t.onnxBytes)} bytes`);
  return lines.join('\n') + '\n';
}

export async function inspectCommand(file: string, opts: InspectOpts): Promise<void> {
  const isOnnx = /\.onnx$/i.test(file);
  if (!isOnnx && !/\.(ts|mts|cts)$/.test(file) && fs.existsSync(file) && fs.statSync(file).isFile()) return inspectCheckpointCommand(file, opts);
  if (!isOnnx && !/\.(ts|mts|cts)$/.test(file)) usage(`'${file}' is neither a model file (.ts) nor an ONNX file (.onnx)`, 'rpnc inspect model.ts  or  rpnc inspect model.onnx');
  const seed = intOption('--seed', opts.seed, 0);
  const batchHint = opts.batchHint === undefined ? undefined : intOption('--batch-hint', opts.batchHint, 1);
  if (opts.dot === true && opts.json) usage('--dot without a file writes the graph to stdout, which --json needs for its document', 'give --dot a file: --json --dot graph.dot');
  if (typeof opts.dot === 'string' && !/\.(dot|gv)$/.test(opts.dot)) usage(`--dot file '${opts.dot}' should end in .dot or .gv`);
  if (isOnnx && opts.weights?.length) usage('--weights applies to model files, not to an .onnx file (its weights are inside it)');
  try {
    let report: InspectReport;
    if (isOnnx) {
      report = inspectOnnx(readOnnxFile(file));
    } else {
      report = inspectModel(file, { weights: opts.weights, seed, batchHint, optimize: opts.optimize, opt: opts.opt, fold: opts.fold });
      printDiagnostics(report.diagnostics);
    }
    const dot = opts.dot ? graphToDot(report.graph, path.basename(file)) : undefined;
    if (typeof opts.dot === 'string') {
      writeFileAtomic(opts.dot, new TextEncoder().encode(dot));
      info(`wrote ${opts.dot} (${report.graph.nodes.length} op nodes)`);
    }
    if (opts.json) {
      const { graph: _graph, diagnostics, ...rest } = report;
      printJson({ ok: true, file, ...rest, diagnostics: diagnostics.map(jsonDiagnostic) });
    } else if (opts.dot === true) {
      process.stdout.write(dot!);
    } else {
      process.stdout.write(formatReport(file, report));
    }
  } catch (e) {
    reportAndExit(e);
  }
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show what a model is made of: per head components, shapes, parameters, FLOPs, fabrication form; operators')
    .argument('<model>', 'a model file (.ts), an ONNX file (.onnx, from rpnc or any exporter), or a checkpoint (torch.save or safetensors)')
    .option('--model <model.ts>', 'with a checkpoint: the model file it is for (shows where each tensor lands)')
    .option('-w, --weights <file>', 'checkpoint for a model file: torch.save or safetensors, repeatable (default: seeded initialisation)', (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v])
    .option('--seed <n>', 'seed of the initialisation when no --weights are given', '0')
    .option('--batch-hint <n>', "batch size the fabrication cost model plans for (default 1, or the model's fixed batch)")
    .addOption(new Option('--optimize <goal>', 'what the fabrication cost model minimises').choices(['speed', 'size']).default('speed'))
    .option('--no-opt', 'plain dense fabrication (no cost-based choice)')
    .option('--no-fold', 'inspect the unfolded graph')
    .option('--json', 'one JSON document on stdout (the same numbers; logs on stderr)')
    .option('--dot [file]', 'a Graphviz digraph of the graph (op and shapes per node): to the file, or alone on stdout')
    .addHelpText('after', `
Columns: params = scalars in the checkpoint (before folding), folded = scalars the compiled model
stores (W in its fabrication form, biases, remainder), FLOPs/sample = 2 × multiply-adds of the
head's matrix products. Exit codes: 0 ok, 1 model errors, 2 usage, 3 internal/runtime (docs/cli.md).

Examples:
  rpnc inspect model.ts                         # table per layer and head, operator histogram
  rpnc inspect model.ts --optimize size --batch-hint 64
  rpnc inspect model.ts --json > report.json
  rpnc inspect model.onnx                       # any ONNX file: operators, inputs/outputs, metadata
  rpnc inspect ckpt/mlp_checkpoint --model model.ts   # a checkpoint: keys, dtypes, shapes, where each lands
  rpnc inspect model.ts --dot | dot -Tsvg > graph.svg`)
    .action(inspectCommand);
}
