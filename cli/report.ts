/**
 * How the CLI reports: human diagnostics on stderr, or with `--json` one JSON document on stdout
 * (`{ ok, …, diagnostics }`) and the human text still on stderr. Exit codes: 0 ok, 1 model errors,
 * 2 usage, 3 internal/runtime (compiler/diagnostics.ts `exitCodeFor`); the same with and without --json.
 */
import type onnxProto from 'onnx-proto';
import { DiagnosticError, exitCodeFor, formatDiagnostic, type Diagnostic } from '../compiler/diagnostics.js';
import { graphInterface } from '../compiler/inspect.js';
import { clearProgress, colorEnabled } from './terminal.js';

/** A diagnostic as it appears in `--json` output (flat: the span's file/line/col, null when absent). */
export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  col: number | null;
  hint: string | null;
}

let jsonMode = false;

/** Switch the whole process to JSON output (set once `--json` is seen on a command that supports it). */
export function setJsonOutput(on: boolean): void {
  jsonMode = on;
}

export function jsonOutput(): boolean {
  return jsonMode;
}

export function jsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return { code: d.code, severity: d.severity, message: d.message, file: d.span?.file ?? null, line: d.span?.line ?? null, col: d.span?.col ?? null, hint: d.hint ?? null };
}

/** Write the one JSON document of a `--json` run to stdout. */
export function printJson(doc: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** Human-readable lines that must not reach stdout in JSON mode go to stderr instead. */
export function printHuman(text: string): void {
  (jsonMode ? process.stderr : process.stdout).write(text);
}

function toDiagnostics(e: unknown): Diagnostic[] {
  if (Array.isArray(e)) return e as Diagnostic[];
  if (e instanceof DiagnosticError) return e.diagnostics;
  const err = e as Error;
  if (process.env.RPNC_DEBUG) console.error(err?.stack);
  return [{ code: 'RPN4000', severity: 'error', message: `internal error: ${err?.message ?? String(e)}`, hint: 'this is a bug in rpnc; set RPNC_DEBUG=1 for a stack trace and please report it' }];
}

/**
 * Print diagnostics (or an unexpected error) to stderr and exit with the matching code. In JSON mode
 * (`json`, default: the process-wide mode) also write `{ ok: false, ...extra, diagnostics }` to stdout.
 */
export function reportAndExit(e: unknown, opts: { json?: boolean; extra?: Record<string, unknown> } = {}): never {
  const diags = toDiagnostics(e);
  clearProgress();
  for (const d of diags) process.stderr.write(formatDiagnostic(d, undefined, { color: colorEnabled() }) + '\n');
  if (opts.json ?? jsonMode) printJson({ ok: false, ...(opts.extra ?? {}), diagnostics: diags.map(jsonDiagnostic) });
  process.exit(exitCodeFor(diags) || 1);
}

export function usage(message: string, hint?: string): never {
  reportAndExit([{ code: 'RPN6002', severity: 'error', message, hint }]);
}

/** The `--json` document of a successful compile (`build`): output file, size, graph interface, warnings. */
export function compileJson(res: { proto: onnxProto.onnx.IModelProto; diagnostics: Diagnostic[] }, extra: Record<string, unknown>): Record<string, unknown> {
  return { ok: true, ...extra, ...graphInterface(res.proto), diagnostics: res.diagnostics.map(jsonDiagnostic) };
}
