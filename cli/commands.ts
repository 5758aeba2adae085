/** The rpnc commands: argument checking, a library call, printing. */
import * as path from 'node:path';
import { compileFile, compileSpec, loadSpec, loadWeights } from '../compiler/compile.js';
import { batchConflict, compareBackends, mismatchDiagnostic, noNumbersDiagnostic } from '../compiler/check.js';
import { DiagnosticError, diag } from '../compiler/diagnostics.js';
import { writeOnnxModel } from '../compiler/onnx/external-data.js';
import { readOnnxFile } from '../compiler/onnx/read-onnx.js';
import { FP16_TOLERANCE, type Precision } from '../compiler/onnx/fp16.js';
import { sizeLimits, tensorTooLarge } from '../compiler/spec/limits.js';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { printGraph } from '../ir/print.js';
import { checkPassName } from '../ir/passes/index.js';
import { selectPasses } from '../compiler/passes.js';
import { jsonOutput } from './report.js';
import type { Graph } from '../ir/graph.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';
import { outputsJson, writeModelOutputs } from '../runtime/io/model-output.js';
import { checkRunInputShape, runInput, runModelOutputs } from '../runtime/run-model.js';
import { createSession, type ExecutionProvider } from '../runtime/session.js';
import { comparedWhat, toleranceText } from '../runtime/compare.js';
import { compileJson, jsonDiagnostic, printHuman, printJson, reportAndExit, usage } from './report.js';
import { info, note, phaseReporter, printDiagnostics, progress, timed } from './terminal.js';
import { checkInput, intermediatesTable } from './intermediates.js';
import { intermediateDiagnostic } from '../compiler/intermediates.js';
import { maxOf } from '../ir/arrays.js';

function intOption(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) usage(`option ${name} must be an integer ≥ ${min}, got '${v}'`, `e.g. ${name} ${Math.max(min, 0)}`);
  return n;
}
function numOption(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) usage(`option ${name} must be a non-negative number, got '${v}'`);
  return n;
}
/** `--no-opt`, `--optimize`, `--batch-hint` (build and check): the fabrication strategy (compiler/lower/cost.ts). */
interface StrategyFlags {
  opt?: boolean;
  optimize?: 'speed' | 'size';
  batchHint?: string;
}
function strategyOptions(o: StrategyFlags): { opt: boolean; optimize: 'speed' | 'size'; batchHint?: number } {
  // no --batch-hint: the compiler plans for the model's fixed batch, else 1
  return { opt: o.opt ?? true, optimize: o.optimize ?? 'speed', batchHint: o.batchHint === undefined ? undefined : intOption('--batch-hint', o.batchHint, 1) };
}
/** `--passes a,b,c`, `--disable-pass NAME` (repeatable) on build and check; `--after PASS` with build --emit ir. */
interface PassFlags {
  passes?: string;
  disablePass?: string[];
  after?: string;
}
/** The pass lists of the flags; an unknown pass name is RPN4005 with the known names, exit code 2 (usage). */
function passOptions(o: PassFlags): { passes?: string[]; disablePasses?: string[] } {
  const names = (s: string): string[] => s.split(',').map((t) => t.trim()).filter(Boolean);
  const passes = o.passes === undefined ? undefined : names(o.passes);
  const disablePasses = (o.disablePass ?? []).flatMap(names);
  try {
    for (const n of [...(passes ?? []), ...disablePasses, ...(o.after === undefined ? [] : [o.after])]) checkPassName(n);
    selectPasses({ fold: true, passes, disablePasses }); // a legalization cannot be disabled
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    printDiagnostics(e.diagnostics);
    if (jsonOutput()) printJson({ ok: false, diagnostics: e.diagnostics.map(jsonDiagnostic) });
    process.exit(2);
  }
  return { passes, disablePasses: disablePasses.length ? disablePasses : undefined };
}
/** `build` options of the deployment: precision and external data. */
interface DeployFlags {
  precision?: Precision;
  ioPrecision?: Precision;
  externalData?: boolean;
  externalDataThreshold?: string;
}
function checkModelPath(p: string): void {
  if (!/\.(ts|mts|cts)$/.test(p)) usage(`'${p}' is not a TypeScript model file`, 'pass the model file (.ts) whose default export is the model');
}

export async function buildCommand(model: string, opts: { output?: string; weights?: string[]; seed: string; fold: boolean; emit: 'onnx' | 'ir'; json?: boolean } & StrategyFlags & DeployFlags & PassFlags): Promise<void> {
  checkModelPath(model);
  const seed = intOption('--seed', opts.seed);
  const threshold = opts.externalDataThreshold === undefined ? undefined : intOption('--external-data-threshold', opts.externalDataThreshold);
  if (opts.ioPrecision === 'fp16' && opts.precision !== 'fp16') usage('--io-precision fp16 needs --precision fp16');
  const strategy = strategyOptions(opts);
  const passOpts = passOptions(opts);
  if (opts.after !== undefined && opts.emit !== 'ir') usage('--after needs --emit ir', `e.g. rpnc build ${model} --emit ir --after ${opts.after}`);
  let afterIr: string | undefined; // the IR right after the last change of --after's pass
  const afterPass = opts.after === undefined ? undefined : (pass: string, g: Graph): void => void (pass === opts.after && (afterIr = printGraph(g)));
  const out = opts.output ?? model.replace(/\.(ts|mts|cts)$/, '.onnx');
  if (opts.output && opts.emit !== 'ir' && !/\.onnx$/.test(opts.output)) usage(`output '${opts.output}' should end in .onnx`);
  if (opts.output && opts.emit === 'ir' && /\.onnx$/.test(opts.output)) usage(`--emit ir writes the IR as text: '${opts.output}' should not end in .onnx`, 'e.g. -o model.ir, or leave out -o to print it');
  try {
    const bar = progress(`building ${path.basename(model)}`);
    const res = compileFile(model, { weights: opts.weights, seed, fold: opts.fold, ...strategy, ...passOpts, afterPass, onPhase: phaseReporter(bar), precision: opts.precision, ioPrecision: opts.ioPrecision });
    bar.done();
    printDiagnostics(res.diagnostics);
    if (!opts.weights?.length) note(`no --weights given: parameters from rpnc's seeded initialisation (--seed ${seed})`);
    if (opts.emit === 'ir') {
      if (opts.after !== undefined && afterIr === undefined) note(`pass '${opts.after}' did not change the graph: the IR after the whole pipeline follows`);
      const ir = afterIr ?? printGraph(res.model.graph);
      if (opts.output) {
        // -o with --emit ir: the IR text goes to that file (atomically), not to stdout
        writeFileAtomic(opts.output, new TextEncoder().encode(ir + '\n'));
        info(`wrote ${opts.output} (the IR as text)`);
        if (opts.json) printJson(compileJson(res, { output: opts.output }));
      } else if (opts.json) printJson(compileJson(res, { ir }));
      else process.stdout.write(ir + '\n');
      return;
    }
    const written = writeOnnxModel(out, res.proto, { external: opts.externalData, threshold });
    const io = opts.ioPrecision === 'fp16' ? 'float16' : 'float32';
    const what = written.external ? `${written.onnxBytes} bytes + ${written.files[1]} (${written.dataBytes} bytes)` : `${written.onnxBytes} bytes`;
    const [bIn, bOut] = res.spec.batch !== undefined ? [`${res.spec.batch}`, `${res.spec.rowsOut}`] : ['batch', 'batch'];
    info(`wrote ${out} (${what}; ${opts.precision === 'fp16' ? 'fp16, ' : ''}input x ${io} [${bIn}, ${res.spec.m}] -> output y ${io} [${bOut}, ${res.spec.n}])`);
    if (res.spec.batch !== undefined) note(`the batch is fixed: an instance interdependence mixes the rows, so the model only runs on exactly ${res.spec.batch} rows (and outputs ${res.spec.rowsOut})`);
    if (opts.json) printJson(compileJson(res, { output: out, bytes: written.onnxBytes, ...(written.external ? { externalData: written.files[1], externalDataBytes: written.dataBytes } : {}) }));
  } catch (e) {
    reportAndExit(e);
  }
}

/** The input's first dimension when the ONNX model fixes it (a model with an instance interdependence), else undefined. */
function fixedBatch(s: Awaited<ReturnType<typeof createSession>>): number | undefined {
  const meta = s.session.inputMetadata?.[0] as { shape?: unknown[] } | undefined;
  const b = meta?.shape?.[0];
  return typeof b === 'number' && b > 0 ? b : undefined;
}

export async function runCommand(model: string, opts: { input: string; output?: string; ep: ExecutionProvider; deviceId: string }): Promise<void> {
  const deviceId = intOption('--device-id', opts.deviceId);
  try {
    // the model file is read bounded and checked before anything decodes it (compiler/onnx/read-onnx.ts)
    const onnx = { file: model, bytes: readOnnxFile(model) };
    const input = readTensorFile(opts.input, { name: 'input' });
    const s = await createSession(onnx, { ep: opts.ep, deviceId, onNote: (m) => note(m), onWarning: (w) => printDiagnostics([w]) });
    // a bad input file is the user's file (exit 1, RPN3121), not an ONNX Runtime failure (exit 3)
    const meta = runInput(s);
    checkRunInputShape(meta, input.shape, opts.input);
    const fixed = meta.shape?.length === 2 ? fixedBatch(s) : undefined;
    if (fixed !== undefined && input.shape[0] !== fixed) {
      throw new DiagnosticError(diag('RPN5003', `the model has a fixed batch of ${fixed} rows (an instance interdependence mixes the rows of the batch), but input '${opts.input}' has ${input.shape[0]} rows`, { hint: `give an input of shape [${fixed}, ${input.shape[1]}]` }));
    }
    const outputs = await runModelOutputs(s, meta, input);
    if (opts.output) {
      writeModelOutputs(opts.output, outputs);
      info(`wrote ${opts.output} ${outputs.map((o) => `${outputs.length > 1 ? `${o.name} ` : ''}${o.type === 'float32' ? '' : `${o.type} `}[${o.shape.join(', ')}]`).join(', ')} (${s.ep})`);
    } else {
      process.stdout.write(outputsJson(outputs, 'the output', false, true) + '\n');
    }
  } catch (e) {
    reportAndExit(e);
  }
}

export async function checkCommand(
  model: string,
  opts: { weights?: string[]; seed: string; golden?: string; batch?: string; fold: boolean; atol?: string; rtol?: string; precision?: Precision; ep: ExecutionProvider; deviceId: string; json?: boolean; intermediates?: boolean } & StrategyFlags & PassFlags,
): Promise<void> {
  checkModelPath(model);
  const seed = intOption('--seed', opts.seed);
  const strategy = strategyOptions(opts);
  const passOpts = passOptions(opts);
  const batchOption = opts.batch === undefined ? undefined : intOption('--batch', opts.batch, 1);
  const fp16 = opts.precision === 'fp16';
  const atol = numOption('--atol', opts.atol ?? (fp16 ? FP16_TOLERANCE.atol : '1e-5'));
  const rtol = numOption('--rtol', opts.rtol ?? (fp16 ? FP16_TOLERANCE.rtol : '1e-4'));
  const deviceId = intOption('--device-id', opts.deviceId);
  // golden outputs come from a trained model's weights: compared with seeded ones they can only mismatch
  if (opts.golden && !opts.weights?.length) usage('--golden needs the weights the golden outputs were made with (-w)', `e.g. rpnc check ${model} -w weights.safetensors --golden ${opts.golden}`);
  try {
    const bar = progress(`checking ${path.basename(model)}`);
    const onPhase = phaseReporter(bar);
    const { spec, sourceText, sourceSha256 } = loadSpec(model, { onPhase });
    // an instance interdependence fixes the batch: the random input has exactly b rows
    const conflict = opts.golden ? undefined : batchConflict(spec, batchOption, path.basename(model));
    if (conflict) reportAndExit([conflict]);
    const batch = batchOption ?? spec.batch ?? 4;
    const hugeInput = opts.golden ? undefined : tensorTooLarge(`the random input --batch × m = ${batch} × ${spec.m}`, batch * spec.m, sizeLimits(), 'use a smaller --batch');
    if (hugeInput) usage(hugeInput.message, hugeInput.hint);
    const store = loadWeights(spec, { weights: opts.weights, seed });
    const res = compileSpec(spec, store, { fold: opts.fold, ...strategy, ...passOpts, sourceText, sourceSha256, onPhase, precision: opts.precision });
    bar.done();
    printDiagnostics(res.diagnostics);
    bar.update('running ONNX Runtime and the reference interpreter');
    const report = await timed('run+compare', () => compareBackends(spec, store, res.onnx, { golden: opts.golden, seed, batch: opts.golden ? undefined : batch, atol, rtol, ep: opts.ep, deviceId, onNote: (m) => note(m) }), (r) => `${r.comparisons.length} comparison(s) on ${r.ep}`);
    bar.done();
    const rows = report.comparisons;
    const w = maxOf(rows.map((r) => `${r.a} vs ${r.b}`.length));
    printHuman(`${path.basename(model)}: input [${report.inputShape.join(', ')}], output [${report.outputShape.join(', ')}], tolerance ${toleranceText(atol, rtol)}\n`);
    for (const r of rows) {
      const what = comparedWhat(r);
      printHuman(`  ${`${r.a} vs ${r.b}`.padEnd(w)}  max abs ${r.maxAbs.toExponential(2)}  max rel ${r.maxRel.toExponential(2)}  ${r.ok ? 'ok' : 'MISMATCH'}${what ? `  (${what})` : ''}\n`);
    }
    // every field of the comparison but the first offending index and the length mismatch (the line above says it)
    const comparisons = rows.map(({ worst: _worst, lengthMismatch: _lengths, ...c }) => c);
    // --intermediates: every stage's value against the reference; the first that parts is RPN7102
    const inter = opts.intermediates ? await intermediatesTable(res, checkInput(opts.golden, seed, batch, spec.m), { atol, rtol, ep: opts.ep, deviceId, onNote: (m) => note(m) }) : undefined;
    const extra = { comparisons, ...(inter ? { intermediates: inter.stages, firstMismatch: inter.firstMismatch?.stage ?? null } : {}) };
    const mismatch = [mismatchDiagnostic(report), inter && intermediateDiagnostic(inter)].filter((d) => !!d);
    if (mismatch.length) reportAndExit(new DiagnosticError(mismatch), { extra });
    const noNumbers = noNumbersDiagnostic(report);
    if (noNumbers && !opts.json) printDiagnostics([noNumbers]);
    if (opts.json) printJson({ ok: true, ...extra, diagnostics: [...res.diagnostics, ...(noNumbers ? [noNumbers] : [])].map(jsonDiagnostic) });
  } catch (e) {
    reportAndExit(e);
  }
}
