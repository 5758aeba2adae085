/**
 * How the rpnc command talks to the terminal (the library never does):
 *
 *  - colours in diagnostics only when stderr is a TTY and `NO_COLOR` is unset; `FORCE_COLOR`
 *    (anything but `0`/`false`) forces them, `NO_COLOR` wins over it;
 *  - `--quiet`: errors only (no warnings, notes or "wrote …" lines);
 *  - `--verbose`: the wall time of every compiler phase and pass statistics;
 *  - a one-line progress indicator on stderr for long steps, only on a TTY.
 *
 * Everything goes to stderr: stdout stays for results (IR text, JSON, check tables).
 */
import type { CompilePhase } from '../compiler/compile.js';
import { formatDiagnostic, type Diagnostic } from '../compiler/diagnostics.js';

export interface TerminalOptions {
  quiet?: boolean;
  verbose?: boolean;
}

/** A writable stream as far as the terminal helpers care (process.stderr, or a test double). */
export interface OutStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

const state = { quiet: false, verbose: false };

/** Set the global `--quiet` / `--verbose` options (the last one given wins if both are). */
export function configureTerminal(opts: TerminalOptions): void {
  state.verbose = Boolean(opts.verbose);
  state.quiet = Boolean(opts.quiet) && !state.verbose;
}

export const isQuiet = (): boolean => state.quiet;
export const isVerbose = (): boolean => state.verbose;

/** Whether to colour what goes to `stream`: a TTY, `NO_COLOR` unset; `FORCE_COLOR` forces. */
export function colorEnabled(stream: OutStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** A diagnostic as the terminal shows it (coloured when stderr is coloured). */
export function formatForTerminal(d: Diagnostic, stream: OutStream = process.stderr): string {
  return formatDiagnostic(d, undefined, { color: colorEnabled(stream) });
}

/** Print diagnostics to stderr; with --quiet only the errors. */
export function printDiagnostics(diags: Diagnostic[], stream: OutStream = process.stderr): void {
  for (const d of diags) if (!state.quiet || d.severity === 'error') stream.write(formatForTerminal(d, stream) + '\n');
}

/** `note: …` on stderr, unless --quiet. */
export function note(message: string, stream: OutStream = process.stderr): void {
  if (!state.quiet) stream.write(`note: ${message}\n`);
}

/** A plain status line on stderr ("wrote model.onnx …"), unless --quiet. */
export function info(message: string, stream: OutStream = process.stderr): void {
  if (!state.quiet) stream.write(message + '\n');
}

/** A line of --verbose detail on stderr. */
export function verbose(message: string, stream: OutStream = process.stderr): void {
  if (state.verbose) stream.write((colorEnabled(stream) ? `\x1b[2m${message}\x1b[0m` : message) + '\n');
}

/** `--verbose` line for a finished phase: `phase  front end      12.3 ms  (1 file)`. */
export function phaseTiming(phase: string, ms: number, detail = '', stream: OutStream = process.stderr): void {
  verbose(`phase  ${phase.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms${detail ? `  (${detail})` : ''}`, stream);
}

/** Run `fn` and report its wall time under `phase` with --verbose. */
export async function timed<T>(phase: string, fn: () => T | Promise<T>, detail?: (r: T) => string): Promise<T> {
  const t = performance.now();
  const r = await fn();
  phaseTiming(phase, performance.now() - t, detail?.(r));
  return r;
}

let drawnBar: Progress | undefined;

/** Erase the progress line, if one is drawn (before an error is printed). */
export function clearProgress(): void {
  drawnBar?.done();
}

export interface Progress {
  /** Show what is being done now (and, with `total`, how far: `done/total`). */
  update(label: string, done?: number, total?: number): void;
  /** Clear the progress line. */
  done(): void;
}

/**
 * A one-line progress indicator on stderr for long steps. It draws nothing unless the stream is a
 * TTY (and not --quiet), and appears only once the step has run for `delayMs` so fast builds stay
 * silent; `done()` erases it. Other output should wait for `done()`.
 */
export function progress(title: string, opts: { stream?: OutStream; delayMs?: number; now?: () => number } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const active = Boolean(stream.isTTY) && !state.quiet;
  const start = now();
  const delay = opts.delayMs ?? 250;
  let drawn = false;
  let last = -Infinity;
  let lastLabel: string | undefined;
  const bar: Progress = {
    update(label, done, total) {
      if (!active) return;
      const t = now();
      if (t - start < delay || (label === lastLabel && t - last < 80)) return; // a new step always shows
      last = t;
      lastLabel = label;
      const count = total ? ` ${done ?? 0}/${total}` : '';
      const secs = ((t - start) / 1000).toFixed(1);
      stream.write(`\r\x1b[2K${title}: ${label}${count} (${secs} s)`);
      drawn = true;
      drawnBar = bar;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      if (drawnBar === bar) drawnBar = undefined;
    },
  };
  return bar;
}

const NEXT_STEP: Record<CompilePhase, string | undefined> = {
  'front end': 'validating the model spec',
  spec: 'lowering to the IR',
  lowering: 'optimising (folding the fabrication ψ(w))',
  passes: 'emitting ONNX',
  emit: undefined, // the caller's next step (or done())
};

/** An `onPhase` callback for the compiler: --verbose timings, and the progress line's next step. */
export function phaseReporter(bar?: Progress): (phase: CompilePhase, ms: number, detail: string) => void {
  return (phase, ms, detail) => {
    if (state.verbose) bar?.done();
    phaseTiming(phase, ms, detail);
    const next = NEXT_STEP[phase];
    if (next) bar?.update(next);
  };
}
