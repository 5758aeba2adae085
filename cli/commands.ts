/** The rpnc commands: argument checking, a library call, printing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, compileSpec, loadSpec, loadWeights } from '../compiler/compile.js';
import { DiagnosticError, formatDiagnostic } from '../compiler/diagnostics.js';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { SeededRandom } from '../compiler/weights/store.js';
import { printGraph } from '../ir/print.js';
import { compareOutputs, type Agreement } from '../runtime/compare.js';
import { readTensorFile, writeTensorFile } from '../runtime/io/tensor-file.js';
import { runReference } from '../runtime/reference/index.js';
import { createSession, runSession, type ExecutionProvider } from '../runtime/session.js';
import { reportAndExit, usage } from './report.js';

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
function checkModelPath(p: string): void {
  if (!/\.(ts|mts|cts)$/.test(p)) usage(`'${p}' is not a TypeScript model file`, 'pass the model file (.ts) whose default export is the model');
}

export async function buildCommand(model: string, opts: { output?: string; weights?: string[]; seed: string; fold: boolean; emit: 'onnx' | 'ir' }): Promise<void> {
  checkModelPath(model);
  const seed = intOption('--seed', opts.seed);
  const out = opts.output ?? model.replace(/\.(ts|mts|cts)$/, '.onnx');
  if (opts.output && !/\.onnx$/.test(opts.output)) usage(`output '${opts.output}' should end in .onnx`);
  try {
    const res = compileFile(model, { weights: opts.weights, seed, fold: opts.fold });
    for (const d of res.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    if (!opts.weights?.length) process.stderr.write(`note: no --weights given: parameters from rpnc's seeded initialisation (--seed ${seed})\n`);
    if (opts.emit === 'ir') {
      process.stdout.write(printGraph(res.model.graph) + '\n');
      return;
    }
    writeFileAtomic(out, res.onnx);
    process.stderr.write(`wrote ${out} (${res.onnx.length} bytes; input x [batch, ${res.spec.m}] -> output y [batch, ${res.spec.n}])\n`);
  } catch (e) {
    reportAndExit(e);
  }
}

export async function runCommand(model: string, opts: { input: string; output?: string; ep: ExecutionProvider; deviceId: string }): Promise<void> {
  const deviceId = intOption('--device-id', opts.deviceId);
  try {
    if (!fs.existsSync(model)) throw new DiagnosticError({ code: 'RPN5004', severity: 'error', message: `ONNX file '${model}' not found`, hint: 'build it first: rpnc build model.ts' });
    const bytes = fs.readFileSync(model);
    const input = readTensorFile(opts.input, { name: 'input' });
    if (input.shape.length !== 2) usage(`input '${opts.input}' has shape [${input.shape.join(', ')}], expected [batch, m]`);
    const s = await createSession(bytes, { ep: opts.ep, deviceId, onNote: (m) => process.stderr.write(`note: ${m}\n`) });
    const y = await runSession(s, { shape: input.shape, data: input.data });
    if (opts.output) {
      writeTensorFile(opts.output, { shape: y.shape, data: y.data });
      process.stderr.write(`wrote ${opts.output} [${y.shape.join(', ')}] (${s.ep})\n`);
    } else {
      const rows: number[][] = [];
      for (let i = 0; i < y.shape[0]; i++) rows.push(Array.from(y.data.subarray(i * y.shape[1], (i + 1) * y.shape[1])));
      process.stdout.write(JSON.stringify(rows) + '\n');
    }
  } catch (e) {
    reportAndExit(e);
  }
}

export async function checkCommand(
  model: string,
  opts: { weights?: string[]; seed: string; golden?: string; batch: string; fold: boolean; atol: string; rtol: string; ep: ExecutionProvider; deviceId: string },
): Promise<void> {
  checkModelPath(model);
  const seed = intOption('--seed', opts.seed);
  const batch = intOption('--batch', opts.batch, 1);
  const atol = numOption('--atol', opts.atol);
  const rtol = numOption('--rtol', opts.rtol);
  const deviceId = intOption('--device-id', opts.deviceId);
  try {
    const { spec, sourceText } = loadSpec(model);
    const store = loadWeights(spec, { weights: opts.weights, seed });
    const res = compileSpec(spec, store, { fold: opts.fold, sourceText });
    for (const d of res.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    let input: { shape: number[]; data: Float32Array };
    let golden: Float32Array | undefined;
    if (opts.golden) {
      input = readTensorFile(opts.golden, { name: 'input' });
      const g = readTensorFile(opts.golden, { name: 'output' });
      golden = g.data;
      if (input.shape.length !== 2 || input.shape[1] !== spec.m) usage(`golden input has shape [${input.shape.join(', ')}], but the model takes [batch, ${spec.m}]`);
      if (g.shape.length !== 2 || g.shape[1] !== spec.n || g.shape[0] !== input.shape[0]) usage(`golden output has shape [${g.shape.join(', ')}], but the model gives [${input.shape[0]}, ${spec.n}]`);
    } else {
      const rng = new SeededRandom(seed);
      input = { shape: [batch, spec.m], data: rng.uniformTensor([batch, spec.m], -1, 1) };
    }
    const s = await createSession(res.onnx, { ep: opts.ep, deviceId, onNote: (m) => process.stderr.write(`note: ${m}\n`) });
    const ortOut = await runSession(s, input);
    const ref = runReference(spec, store, { rows: input.shape[0], cols: input.shape[1], data: input.data });
    const rows: Agreement[] = [compareOutputs(`onnxruntime (${s.ep})`, ortOut.data, 'reference', ref.data, atol, rtol)];
    if (golden) {
      rows.push(compareOutputs(`onnxruntime (${s.ep})`, ortOut.data, 'golden', golden, atol, rtol));
      rows.push(compareOutputs('reference', ref.data, 'golden', golden, atol, rtol));
    }
    const w = Math.max(...rows.map((r) => `${r.a} vs ${r.b}`.length));
    process.stdout.write(`${path.basename(model)}: input [${input.shape.join(', ')}], output [${input.shape[0]}, ${spec.n}], tolerance |a−b| ≤ ${atol} + ${rtol}·|b|\n`);
    for (const r of rows) {
      process.stdout.write(`  ${`${r.a} vs ${r.b}`.padEnd(w)}  max abs ${r.maxAbs.toExponential(2)}  max rel ${r.maxRel.toExponential(2)}  ${r.ok ? 'ok' : 'MISMATCH'}\n`);
    }
    const bad = rows.filter((r) => !r.ok);
    if (bad.length) {
      throw new DiagnosticError({
        code: 'RPN5101',
        severity: 'error',
        message: `outputs disagree: ${bad.map((r) => `${r.a} vs ${r.b} (max abs ${r.maxAbs.toExponential(2)}, first at element ${r.worst})`).join('; ')}`,
        hint: golden ? 'if only the golden comparison fails, the model file or the weights probably do not match the model that produced the golden data' : 'this is a bug in rpnc: please report the model file',
      });
    }
  } catch (e) {
    reportAndExit(e);
  }
}
