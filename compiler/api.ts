/**
 * The library's front door: `compile` and `check` on a model file path or on model source text.
 *
 * Error policy: problems in the model, its weights or golden files, and runtime failures are thrown
 * as one `DiagnosticError` whose `.diagnostics` are typed `Diagnostic`s (stable code, severity,
 * message, location, hint) — the same ones the CLI prints. Warnings never throw: they come back in
 * `diagnostics`. An unexpected exception (a bug in rpnc) is also wrapped, as RPN4000. Nothing here
 * prints or exits.
 */
import type { Model } from '../ir/graph.js';
import { printGraph } from '../ir/print.js';
import { compareBackends, mismatchDiagnostic, noNumbersDiagnostic, type CheckReport, type CompareOptions } from './check.js';
import { compileLoaded, type CompileOptions } from './compile.js';
import { DiagnosticError, diag, type Diagnostic } from './diagnostics.js';
import { loadModel, loadModelFromSource } from './frontend/index.js';
import type { ModelSpec } from './spec/types.js';
import type { WeightStore } from './weights/store.js';

/** Options of {@link compile}: the pipeline's {@link CompileOptions} and how to read `input`. */
export interface CompileApiOptions extends CompileOptions {
  /**
   * `true`: `input` is model source text; `false`: a path. Default: source text when `input`
   * contains a newline, otherwise a path.
   */
  source?: boolean;
  /**
   * For source text: the file name used in diagnostics, and the directory its relative imports
   * are resolved from (default `model.ts` in the current directory). Nothing is read from it.
   */
  path?: string;
}

/** What {@link compile} returns. */
export interface Compiled {
  /** The ONNX model (protobuf bytes): input `x` float32 `[batch, m]`, output `y` float32 `[batch, n]`. */
  onnx: Uint8Array;
  /** Warnings (errors are thrown as `DiagnosticError`). */
  diagnostics: Diagnostic[];
  /** The optimised IR as text (what `rpnc build --emit ir` prints). */
  ir: string;
  /** The validated model spec (sizes, weight names); pass it with `weights` to `runReference`. */
  spec: ModelSpec;
  /** The weights compiled in (from the checkpoints, or the seeded initialisation). */
  weights: WeightStore;
  /** The IR model the ONNX bytes were emitted from. */
  model: Model;
}

/** Options of {@link check}: how to compile, and how to compare (golden data, tolerances, EP). */
export interface CheckApiOptions extends CompileApiOptions, CompareOptions {}

/** What {@link check} returns: the comparisons, and the warnings plus an RPN5101 error when they disagree. */
export interface CheckResult extends CheckReport {
  diagnostics: Diagnostic[];
  spec: ModelSpec;
}

function isSourceText(input: string, options: CompileApiOptions): boolean {
  return options.source ?? input.includes('\n');
}

/** Anything that is not already a DiagnosticError (a bug) becomes RPN4000. */
function asDiagnosticError(e: unknown): DiagnosticError {
  if (e instanceof DiagnosticError) return e;
  return new DiagnosticError(diag('RPN4000', `internal error: ${(e as Error)?.message ?? String(e)}`, { hint: 'this is a bug in rpnc; please report it with the model file' }));
}

function typed<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asDiagnosticError(e);
  }
}

function loadAndCompile(input: string, options: CompileApiOptions) {
  return compileLoaded(isSourceText(input, options) ? () => loadModelFromSource(input, options.path ?? 'model.ts') : () => loadModel(input), options);
}

/**
 * Compile a model to ONNX.
 *
 * @param input  the path of a model `.ts` file, or model source text (see `options.source`)
 * @param options weights (`weights: ['ckpt.safetensors']`) or `seed`, `fold`, and the pipeline options
 * @returns the ONNX bytes, warnings, the IR text and the spec
 * @throws {DiagnosticError} with typed `.diagnostics` for any error in the model, weights or compiler
 *
 * ```ts
 * const { onnx } = compile('model.ts', { weights: ['weights.safetensors'] });
 * const { onnx: o2 } = compile("import { mlp } from 'rpnc';\nexport default mlp({ dims: [4, 2] });");
 * ```
 */
export function compile(input: string, options: CompileApiOptions = {}): Compiled {
  return typed(() => {
    const res = loadAndCompile(input, options);
    return { onnx: res.onnx, diagnostics: res.diagnostics, ir: printGraph(res.model.graph), spec: res.spec, weights: res.weights, model: res.model };
  });
}

/**
 * Compile a model, run it with ONNX Runtime and compare with rpnc's reference interpreter and,
 * with `golden`, with golden outputs (e.g. real tinybig's `io.safetensors`).
 *
 * A disagreement is not thrown: `ok` is false and `diagnostics` holds an RPN5101 error. Outputs that are
 * the same NaN or ±∞ everywhere on both sides agree, with an RPN5102 warning (no number was compared).
 *
 * @throws {DiagnosticError} for errors in the model, weights or golden data, or when ONNX Runtime fails
 *
 * ```ts
 * const r = await check('model.ts', { weights: ['w.safetensors'], golden: 'io.safetensors' });
 * if (!r.ok) console.error(r.diagnostics);
 * ```
 */
export async function check(input: string, options: CheckApiOptions = {}): Promise<CheckResult> {
  const res = typed(() => loadAndCompile(input, options));
  let report: CheckReport;
  try {
    report = await compareBackends(res.spec, res.weights, res.onnx, options);
  } catch (e) {
    throw asDiagnosticError(e);
  }
  const extra = [mismatchDiagnostic(report), noNumbersDiagnostic(report)].filter((d) => d !== undefined);
  return { ...report, spec: res.spec, diagnostics: [...res.diagnostics, ...extra] };
}
