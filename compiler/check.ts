/**
 * `check`: run a compiled model with ONNX Runtime and compare it with rpnc's reference interpreter
 * (written from the RPN math, independent of the lowering) and, when given, with golden outputs
 * (e.g. from real tinybig). Library code: returns the comparisons, never prints.
 */
import { compareOutputs, comparedWhat, type Agreement } from '../runtime/compare.js';
import { maxOf } from '../ir/arrays.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';
import { runReference } from '../runtime/reference/index.js';
import { createSession, runSession, type ExecutionProvider } from '../runtime/session.js';
import { DiagnosticError, diag, type Diagnostic } from './diagnostics.js';
import type { ModelSpec } from './spec/types.js';
import { SeededRandom, type WeightStore } from './weights/store.js';

/** A dense float32 tensor, row-major. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** How `compareBackends` / `check` compare: golden data or a seeded random input, tolerances, execution provider. */
export interface CompareOptions {
  /** Golden data: an io.safetensors file with tensors `input` and `output`, or the two tensors. */
  golden?: string | { input: Tensor; output: Tensor };
  /** Seed of the random input U[-1, 1) when no golden data is given (default 0). */
  seed?: number;
  /** Rows of the random input (default 4, or the model's fixed batch; another value than a fixed batch is RPN6002). */
  batch?: number;
  /** Tolerance |a − b| ≤ atol + rtol·|b| (defaults 1e-5, 1e-4). */
  atol?: number;
  rtol?: number;
  /** Execution provider of ONNX Runtime (default 'cpu'). */
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Informational messages (e.g. the `auto` EP falling back to the CPU). */
  onNote?: (message: string) => void;
}

/** The result of comparing ONNX Runtime, the reference interpreter and (optionally) golden outputs. */
export interface CheckReport {
  /** Every comparison within tolerance. */
  ok: boolean;
  /** ONNX Runtime vs reference, and with golden data also ONNX Runtime vs golden and reference vs golden. */
  comparisons: Agreement[];
  /** Shape of the input used, `[batch, m]`. */
  inputShape: number[];
  /** Shape of the outputs compared, `[batch, n]`. */
  outputShape: number[];
  /** The execution provider ONNX Runtime really used. */
  ep: 'cpu' | 'cuda';
  atol: number;
  rtol: number;
  /** The outputs: ONNX Runtime's and the reference interpreter's. */
  outputs: { onnxruntime: Float32Array; reference: Float32Array };
}

function goldenTensors(golden: NonNullable<CompareOptions['golden']>, spec: ModelSpec): { input: Tensor; output: Tensor } {
  const g = typeof golden === 'string' ? { input: readTensorFile(golden, { name: 'input' }), output: readTensorFile(golden, { name: 'output' }) } : golden;
  const { input, output } = g;
  const bad = (message: string) => new DiagnosticError(diag('RPN6002', message, { hint: 'the golden file must hold `input` [batch, m] and `output` [batch, n] of this model' }));
  if (input.shape.length !== 2 || input.shape[1] !== spec.m) throw bad(`golden input has shape [${input.shape.join(', ')}], but the model takes [${spec.batch ?? 'batch'}, ${spec.m}]`);
  if (spec.batch !== undefined && input.shape[0] !== spec.batch) throw bad(`golden input has ${input.shape[0]} rows, but the model has a fixed batch of ${spec.batch} rows (an instance interdependence mixes the rows of the batch)`);
  const rows = spec.batch !== undefined ? spec.rowsOut! : input.shape[0];
  if (output.shape.length !== 2 || output.shape[1] !== spec.n || output.shape[0] !== rows) throw bad(`golden output has shape [${output.shape.join(', ')}], but the model gives [${rows}, ${spec.n}]`);
  return g;
}

/** RPN6002 when a requested batch contradicts the model's fixed batch (an instance interdependence), else undefined. */
export function batchConflict(spec: ModelSpec, batch: number | undefined, model = 'the model'): Diagnostic | undefined {
  if (spec.batch === undefined || batch === undefined || batch === spec.batch) return undefined;
  return diag('RPN6002', `--batch ${batch}: ${model} has a fixed batch of ${spec.batch} rows (an instance interdependence mixes the rows of the batch)`, { hint: `omit --batch, or use --batch ${spec.batch}` });
}

/** Run `onnx` with ONNX Runtime and the reference interpreter on the same input and compare. */
export async function compareBackends(spec: ModelSpec, store: WeightStore, onnx: Uint8Array, opts: CompareOptions = {}): Promise<CheckReport> {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-4;
  const golden = opts.golden === undefined ? undefined : goldenTensors(opts.golden, spec);
  const conflict = batchConflict(spec, opts.batch);
  if (conflict) throw new DiagnosticError(conflict);
  const batch = opts.batch ?? spec.batch ?? 4;
  const input: Tensor = golden?.input ?? { shape: [batch, spec.m], data: new SeededRandom(opts.seed ?? 0).uniformTensor([batch, spec.m], -1, 1) };
  const s = await createSession(onnx, { ep: opts.ep ?? 'cpu', deviceId: opts.deviceId, onNote: opts.onNote });
  const ort = await runSession(s, input);
  const ref = runReference(spec, store, { rows: input.shape[0], cols: input.shape[1], data: input.data });
  const name = `onnxruntime (${s.ep})`;
  const comparisons: Agreement[] = [compareOutputs(name, ort.data, 'reference', ref.data, atol, rtol)];
  if (golden) {
    comparisons.push(compareOutputs(name, ort.data, 'golden', golden.output.data, atol, rtol));
    comparisons.push(compareOutputs('reference', ref.data, 'golden', golden.output.data, atol, rtol));
  }
  return {
    ok: comparisons.every((c) => c.ok),
    comparisons,
    inputShape: input.shape,
    outputShape: [spec.batch !== undefined ? spec.rowsOut! : input.shape[0], spec.n],
    ep: s.ep,
    atol,
    rtol,
    outputs: { onnxruntime: ort.data, reference: ref.data },
  };
}

/** The RPN5101 error for a report with disagreements (undefined when everything agrees). */
export function mismatchDiagnostic(report: CheckReport): Diagnostic | undefined {
  const bad = report.comparisons.filter((r) => !r.ok);
  if (!bad.length) return undefined;
  const golden = report.comparisons.some((c) => c.b === 'golden');
  const ortGolden = report.comparisons.find((c) => c.b === 'golden' && c.a !== 'reference');
  let hint: string;
  if (ortGolden?.ok) {
    // the compiled model agrees with tinybig: only rpnc's float64 reference differs (e.g. a value exactly at a B-spline knot or a ReLU kink)
    hint = 'the compiled ONNX matches the golden outputs; only rpnc\'s float64 reference interpreter differs (typically an input exactly at a discontinuity, where float32 and float64 round to different sides): the ONNX file is right';
  } else if (golden) {
    hint = 'if the golden comparisons fail, the model file or the weights probably do not match the model that produced the golden data; a model with Dropout (tinybig\'s default mlp has one, held in a plain list that model.eval() does not reach) must be exported with every module in eval mode (docs/getting-started.md, step 2)';
  } else if (bad.every((r) => r.b === 'reference' && r.nonFiniteMismatch > 0 && r.nonFiniteOnlyA === r.nonFiniteMismatch && r.finiteMismatch === 0)) {
    // ONNX Runtime (float32) overflowed where the float64 reference still has numbers: float32's range, not a wrong formula
    hint = `ONNX Runtime gives NaN or ±∞ where rpnc's float64 reference still has numbers (${bad.map((r) => r.nonFiniteOnlyA).join(', ')} values), and agrees elsewhere: float32 arithmetic overflowed (beyond 3.4e38) or cancelled, as tinybig's own float32 arithmetic does; look for huge option values or weights (e.g. many hops of an unnormalised graph, a huge constant)`;
  } else if (bad.every((r) => r.nonFiniteMismatch === 0 && r.maxRel <= 1e-6 * Math.max(1, report.outputShape[1] ?? 1))) {
    // differences of float32 rounding size only: the tolerances are tighter than float32 can meet
    hint = `the differences are of float32 rounding size (max rel ${maxOf(bad.map((r) => r.maxRel)).toExponential(2)}): ONNX Runtime computes in float32 and the reference in float64, so tolerances of ${report.atol} + ${report.rtol}·|b|${report.atol === 0 && report.rtol === 0 ? ' (exact equality)' : ''} cannot be met; the defaults are --atol 1e-5 --rtol 1e-4`;
  } else hint = 'this is a bug in rpnc: please report the model file';
  const what = (r: Agreement) => {
    const c = comparedWhat(r);
    return `${r.a} vs ${r.b} (max abs ${r.maxAbs.toExponential(2)} over ${r.finite} finite pairs, first at element ${r.worst}${c ? `; ${c}` : ''})`;
  };
  return diag('RPN5101', `outputs disagree: ${bad.map(what).join('; ')}`, { hint });
}

/** RPN5102 (a warning) for comparisons that agreed without comparing a single number: every value NaN or ±∞ on both sides. */
export function noNumbersDiagnostic(report: CheckReport): Diagnostic | undefined {
  const empty = report.comparisons.filter((r) => r.ok && r.count > 0 && r.finite === 0);
  if (!empty.length) return undefined;
  return diag('RPN5102', `${empty.map((r) => `${r.a} vs ${r.b}`).join(', ')}: every one of the ${empty[0].count} output values is the same NaN or ±∞ on both sides, so no number was compared`, {
    severity: 'warning',
    hint: 'the backends agree, but these outputs carry no information about the numbers: look at the weights, the input range and the model\'s processing functions (e.g. a log of negative values)',
  });
}
