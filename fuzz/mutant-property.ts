/**
 * The property of the mutation mode (fuzz/mutate.ts): a model with one option at or beyond its edge is
 * either REFUSED — a DiagnosticError whose codes are all user errors (exit code 1: no RPN4xxx, RPN5xxx,
 * RPN71xx, RPN1199), each front-end / validation error (RPN1xxx, RPN2xxx) located at a line:col of the
 * model file — or ACCEPTED, and then it is checked like a valid model (fuzz/property.ts): ORT agrees with
 * the reference interpreter, folded and not, finite wherever the reference is finite (a NaN or an
 * infinity where the reference is finite is outside every tolerance). Anything else — a TypeError, a
 * RangeError, a stack overflow, an ORT session failure — is a finding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSpec, loadSpec, seededWeights } from '../compiler/compile.js';
import { DiagnosticError, exitCodeFor } from '../compiler/diagnostics.js';
import { toModelSource } from './describe.js';
import type { MutantCase } from './mutate.js';
import { Mismatch, caseHash, checkSpec, describeError, writeCase } from './property.js';

/**
 * rpnc's size limits, lowered from 1e9 to 1e7 float32 values (40 MB) for the fuzzer: a mutant at the default limit (n = 1e9
 * on m = 1: a 4 GB W) is valid but would compile and run for minutes in this process; at 1e7 it is a refusal (RPN2301).
 */
export const FUZZ_MAX_PARAMS = 10_000_000;

export type Outcome = { refused: string[] } | { accepted: true };

/** A refusal as rpnc must give it, or a Mismatch saying what is wrong with it. */
export function refusal(e: unknown, file: string, phase: string): Outcome {
  if (!(e instanceof DiagnosticError)) throw new Mismatch(`${phase} threw an internal error: ${describeError(e)}`);
  const errors = e.diagnostics.filter((d) => d.severity === 'error');
  const internal = errors.filter((d) => /^RPN(4|5|71|1199)/.test(d.code));
  if (!errors.length) throw new Mismatch(`${phase} threw a DiagnosticError without errors: ${describeError(e)}`);
  if (internal.length || exitCodeFor(errors) !== 1) throw new Mismatch(`${phase} answered with an internal error: ${describeError(e)}`);
  for (const d of errors) {
    if (!/^RPN[12]/.test(d.code)) continue;
    if (!d.span) throw new Mismatch(`${phase}: ${d.code} has no location: ${d.message}`);
    if (path.resolve(d.span.file) !== path.resolve(file) || !(d.span.line >= 1 && d.span.col >= 1)) throw new Mismatch(`${phase}: ${d.code} located at ${d.span.file}:${d.span.line}:${d.span.col}, not in the model file: ${d.message}`);
  }
  return { refused: [...new Set(errors.map((d) => d.code))] };
}

/** Run the mutation property on a model file; throws Mismatch when it does not hold. */
export async function checkMutantFile(file: string, c: { rows: number; seed: number; inputSeed: number }): Promise<Outcome> {
  let loaded: ReturnType<typeof loadSpec>;
  try {
    loaded = loadSpec(file, { maxParams: FUZZ_MAX_PARAMS });
  } catch (e) {
    return refusal(e, file, 'the front end / validation');
  }
  const { spec, sourceText } = loaded;
  try {
    compileSpec(spec, seededWeights(spec, c.seed), { sourceText });
  } catch (e) {
    return refusal(e, file, 'compiling');
  }
  // a mutant may change the batch an instance interdependence fixes (a graph node dropped): feed that batch
  // (one the reference's naive b × b matrices can hold)
  if ((spec.batch ?? 0) > 4096) return { accepted: true };
  await checkSpec(spec, sourceText, { ...c, rows: spec.batch ?? c.rows });
  return { accepted: true };
}

/** The property on a mutant. */
export async function checkMutant(c: MutantCase): Promise<Outcome> {
  const file = writeCase(c);
  try {
    return await checkMutantFile(file, c);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Save a failing mutant as `<dir>/<hash>.ts` (replay: `npm run fuzz:mutate -- --replay <file>`); returns its path. */
export function saveMutant(c: MutantCase, dir: string, why: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `mutant_${caseHash(c)}.ts`);
  fs.writeFileSync(file, toModelSource(c, `fuzz mutant (${c.mutation}): ${why.split('\n')[0]}`));
  return file;
}
