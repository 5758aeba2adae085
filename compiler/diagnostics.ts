/**
 * Diagnostics: every user-facing problem rpnc reports is a `Diagnostic` with a stable code.
 *
 * Code ranges (by phase):
 *   RPN1xxx  front end: reading, parsing, type checking, static evaluation of the model file
 *   RPN2xxx  validation: options and dimensions of the model spec
 *   RPN3xxx  weights: safetensors / checkpoint problems, input files
 *   RPN4xxx  compiler internals: lowering, IR verification, emission (a bug in rpnc)
 *   RPN5xxx  runtime: ONNX Runtime sessions, execution providers, check mismatches
 *   RPN6xxx  command line usage
 *
 * Exit codes: 0 ok, 1 model errors (RPN1-3xxx), 2 usage (RPN6xxx), 3 internal/runtime (RPN4-5xxx).
 */
import * as fs from 'node:fs';

/** A location in a source file. `line` and `col` are 1-based; `start`/`end` are 0-based offsets. */
export interface SourceSpan {
  file: string;
  line: number;
  col: number;
  start?: number;
  end?: number;
}

/** `error` stops the compilation (and sets the exit code); `warning` does not. */
export type Severity = 'error' | 'warning';

/** One problem rpnc reports: a stable code (docs/diagnostics.md), a severity, a message, an optional location and hint. */
export interface Diagnostic {
  /** Stable code, e.g. `RPN1003`. */
  code: string;
  severity: Severity;
  message: string;
  /** What to do about it. */
  hint?: string;
  span?: SourceSpan;
}

/** Thrown by library functions; carries one or more diagnostics. */
export class DiagnosticError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'DiagnosticError';
    this.diagnostics = list;
  }
}

export function diag(code: string, message: string, opts: { hint?: string; span?: SourceSpan; severity?: Severity } = {}): Diagnostic {
  return { code, severity: opts.severity ?? 'error', message, hint: opts.hint, span: opts.span };
}

/** Throw a single error diagnostic. */
export function fail(code: string, message: string, opts: { hint?: string; span?: SourceSpan } = {}): never {
  throw new DiagnosticError(diag(code, message, opts));
}

/** Exit code for a set of diagnostics (the most severe phase wins: internal > usage > model). */
export function exitCodeFor(diags: Diagnostic[]): number {
  let code = 0;
  for (const d of diags) {
    if (d.severity !== 'error') continue;
    const phase = Number(d.code.slice(3, 4));
    // RPN70xx (deployment, serving: bad input) exit 1; RPN71xx (profiling, intermediate checks) 3, like a failed check
    const c = (phase >= 4 && phase <= 5) || d.code.startsWith('RPN71') ? 3 : phase === 6 ? 2 : 1;
    code = Math.max(code, c);
  }
  return code;
}

/** Code frame: the offending line with a caret under the column, and one line of context before. */
export function codeFrame(sourceText: string, line: number, col: number, width = 1): string {
  const lines = sourceText.split(/\r?\n/);
  const out: string[] = [];
  const gutter = String(line + 1).length;
  for (let l = Math.max(1, line - 1); l <= Math.min(lines.length, line); l++) {
    out.push(`${String(l).padStart(gutter)} | ${lines[l - 1]}`);
  }
  const caretLen = Math.max(1, Math.min(width, (lines[line - 1] ?? '').length - col + 1));
  out.push(`${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(caretLen)}`);
  return out.join('\n');
}

/** How `formatDiagnostic` renders a diagnostic. */
export interface FormatOptions {
  /** ANSI colours for the severity, the code, the caret and the hint (default false: plain text). */
  color?: boolean;
}

const ansi = (on: boolean | undefined, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Format like tsc: `file:line:col - error RPN1001: message`, a code frame, and the hint. */
export function formatDiagnostic(d: Diagnostic, readSource: (file: string) => string | undefined = defaultRead, opts: FormatOptions = {}): string {
  const severity = ansi(opts.color, d.severity === 'error' ? '1;31' : '1;33');
  const bold = ansi(opts.color, '1');
  const head = d.span ? `${bold(`${d.span.file}:${d.span.line}:${d.span.col}`)} - ` : '';
  let s = `${head}${severity(d.severity)} ${bold(d.code)}: ${d.message}`;
  if (d.span) {
    const text = readSource(d.span.file);
    if (text !== undefined) {
      const width = d.span.start !== undefined && d.span.end !== undefined ? d.span.end - d.span.start : 1;
      const frame = codeFrame(text, d.span.line, d.span.col, width).replace(/\^+$/, (c) => severity(c));
      s += '\n\n' + frame + '\n';
    }
  }
  if (d.hint) s += `\n  ${ansi(opts.color, '36')('hint')}: ${d.hint}`;
  return s;
}

function defaultRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
