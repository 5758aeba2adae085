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

/**
 * Characters a terminal would act on instead of showing (C0 controls but tab, DEL, C1 controls,
 * and the bidirectional overrides that reorder what is shown): model files, configs and messages
 * quoting them are printed with these escaped, so a file cannot clear the screen, write the
 * clipboard (OSC 52) or print a spoofed "build ok" line.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `s` with every terminal control character written as `\xNN` or `\uNNNN` (newlines kept unless `oneLine`). */
export function escapeControl(s: string, oneLine = false): string {
  const out = s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
  return oneLine ? out.replace(/\r?\n/g, '\\n') : out;
}

/** Longest stretch of one source line a code frame shows (around the column). */
const FRAME_WIDTH = 160;

/** One line of a code frame: control characters escaped, a window of FRAME_WIDTH around `col`; the caret offset in it. */
function frameLine(line: string, col: number, width: number): { text: string; caretAt: number; caretLen: number } {
  const from = line.length > FRAME_WIDTH ? Math.max(0, Math.min(col - 1 - FRAME_WIDTH / 2, line.length - FRAME_WIDTH)) : 0;
  const to = Math.min(line.length, from + FRAME_WIDTH);
  const pre = from > 0 ? '…' : '';
  const shown = (a: number, b: number) => escapeControl(line.slice(a, b), true);
  const before = pre + shown(from, Math.max(from, Math.min(to, col - 1)));
  const marked = shown(Math.max(from, col - 1), Math.min(to, col - 1 + Math.max(1, width)));
  return { text: pre + shown(from, to) + (to < line.length ? '…' : ''), caretAt: before.length, caretLen: Math.max(1, marked.length) };
}

/** Code frame: the offending line with a caret under the column, and one line of context before. */
export function codeFrame(sourceText: string, line: number, col: number, width = 1): string {
  const lines = sourceText.split(/\r?\n/);
  const out: string[] = [];
  const gutter = String(line + 1).length;
  let caret = { caretAt: Math.max(0, col - 1), caretLen: 1 };
  for (let l = Math.max(1, line - 1); l <= Math.min(lines.length, line); l++) {
    const f = frameLine(lines[l - 1], l === line ? col : 1, l === line ? Math.min(width, lines[l - 1].length - col + 1) : 1);
    if (l === line) caret = f;
    out.push(`${String(l).padStart(gutter)} | ${f.text}`);
  }
  out.push(`${' '.repeat(gutter)} | ${' '.repeat(caret.caretAt)}${'^'.repeat(caret.caretLen)}`);
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
  const head = d.span ? `${bold(`${escapeControl(d.span.file, true)}:${d.span.line}:${d.span.col}`)} - ` : '';
  let s = `${head}${severity(d.severity)} ${bold(d.code)}: ${escapeControl(d.message)}`;
  if (d.span) {
    const text = readSource(d.span.file);
    if (text !== undefined) {
      const width = d.span.start !== undefined && d.span.end !== undefined ? d.span.end - d.span.start : 1;
      const frame = codeFrame(text, d.span.line, d.span.col, width).replace(/\^+$/, (c) => severity(c));
      s += '\n\n' + frame + '\n';
    }
  }
  if (d.hint) s += `\n  ${ansi(opts.color, '36')('hint')}: ${escapeControl(d.hint)}`;
  return s;
}

/**
 * Texts rpnc has already read (model files, configs), by path: code frames are cut from the text that
 * was analysed, never from a second read of the file (which may have changed, or be a FIFO that
 * blocks). A few recent files are kept.
 */
const sources = new Map<string, string>();
const MAX_REMEMBERED = 16;
const MAX_FRAME_SOURCE_BYTES = 4 * 1024 * 1024;
export function rememberSource(file: string, text: string): void {
  sources.delete(file);
  sources.set(file, text);
  while (sources.size > MAX_REMEMBERED) sources.delete(sources.keys().next().value as string);
}

/** A code frame's text: what was read, else the file if it is a regular file of at most 4 MiB (MAX_FRAME_SOURCE_BYTES). */
function defaultRead(file: string): string | undefined {
  const known = sources.get(file);
  if (known !== undefined) return known;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_FRAME_SOURCE_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
