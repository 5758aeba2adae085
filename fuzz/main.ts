/**
 * `npm run fuzz -- --runs N [--seed S]` (or `--replay file.ts`): differential fuzzing of rpnc (random valid models → compile →
 * onnxruntime-node vs the reference interpreter). Prints progress and timing; on a failure prints the
 * shrunk model as a TS model file and saves it as `fuzz/failures/<hash>.ts`. Exit code 1 on a failure.
 *
 * `npm run fuzz:mutate -- --runs N [--seed S]` (`--mutate`; `--mutate --replay file.ts`): the mutation mode
 * (fuzz/mutate.ts): valid drawn models with one option set at or beyond its edge (0, -1, -0, 0.5, 2^31,
 * 1e9, 1e308, NaN, ±Infinity, inverted / zero-width / empty ranges, wrong types, a dropped option, a
 * list element duplicated or dropped). Each must be refused with located user-error diagnostics (no
 * internal error) or compile and agree with the reference interpreter (fuzz/mutant-property.ts). Runs
 * them all, prints each distinct finding once (saved as `fuzz/failures/mutant_<hash>.ts`) and a tally
 * of the answers (accepted, refused by code). Exit code 1 on a finding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fuzzCase } from './arbitraries.js';
import { caseParams, toModelSource } from './describe.js';
import { checkCase, checkModelFile, failureOf, saveFailure } from './property.js';
import { reduceCase } from './reduce.js';
import { mutantCase } from './mutate.js';
import { type Outcome, checkMutant, checkMutantFile, saveMutant } from './mutant-property.js';

function arg(name: string): string | undefined {
  const i = process.argv.lastIndexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The mutation mode: every mutant is checked (no early stop); distinct findings are printed once each. */
async function mutateMain(runs: number, seed: number, root: string, verbose: boolean): Promise<number> {
  const start = performance.now();
  process.stdout.write(`rpnc fuzz --mutate: ${runs} mutants, seed ${seed}\n`);
  const tally = new Map<string, number>();
  const findings = new Map<string, { count: number; file: string }>();
  let slowest = { ms: 0, mutation: '' };
  const cases = fc.sample(mutantCase(), { numRuns: runs, seed });
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    if (verbose) process.stdout.write(`  [${i}] ${c.mutation}\n`);
    const t = performance.now();
    let outcome: Outcome | undefined;
    try {
      outcome = await checkMutant(c);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const key = `${c.mutation.split(':')[0]}: ${why.split('\n')[0]!.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#').slice(0, 160)}`;
      const seen = findings.get(key);
      if (seen) seen.count++;
      else {
        const file = saveMutant(c, path.join(root, 'fuzz/failures'), why);
        findings.set(key, { count: 1, file });
        process.stdout.write(`FINDING (${c.mutation}):\n  ${why.split('\n').join('\n  ')}\n  saved as ${path.relative(process.cwd(), file)}\n`);
      }
    }
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { ms, mutation: c.mutation };
    const k = outcome === undefined ? 'finding' : 'accepted' in outcome ? 'accepted (agrees with the reference)' : `refused ${outcome.refused.join('+')}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
    if (verbose) process.stdout.write(`      → ${k}\n`);
    if ((i + 1) % 100 === 0) process.stdout.write(`  ${i + 1} mutants checked, ${findings.size} distinct findings, ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  process.stdout.write(`${runs} mutants (seed ${seed}) in ${secs} s; slowest ${(slowest.ms / 1000).toFixed(2)} s (${slowest.mutation})\n`);
  for (const [k, n] of [...tally].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(n).padStart(6)}  ${k}\n`);
  if (!findings.size) {
    process.stdout.write('ok: no finding\n');
    return 0;
  }
  process.stdout.write(`${findings.size} distinct findings:\n`);
  for (const [k, f] of findings) process.stdout.write(`  ${f.count}× ${k}\n     ${path.relative(process.cwd(), f.file)}\n`);
  process.stdout.write(`replay: npm run fuzz:mutate -- --runs ${runs} --seed ${seed}\n`);
  return 1;
}

async function main(): Promise<number> {
  const replay = arg('replay');
  const mutating = process.argv.includes('--mutate');
  if (replay && mutating) {
    const params = caseParams(fs.readFileSync(replay, 'utf8'));
    if (!params) throw new Error(`${replay} has no '// fuzz case: rows = …, seed = …, inputSeed = …' line`);
    try {
      const o = await checkMutantFile(replay, params);
      process.stdout.write(`ok: ${replay} ${'accepted' in o ? 'is accepted and agrees with the reference' : `is refused (${o.refused.join(', ')})`}\n`);
      return 0;
    } catch (e) {
      process.stdout.write(`FAILED: ${(e as Error).message}\n`);
      return 1;
    }
  }
  if (replay) {
    // `--replay file.ts`: run the property on a saved model file (fuzz/failures/*.ts, test/fuzz/fixtures/*.ts)
    const params = caseParams(fs.readFileSync(replay, 'utf8'));
    if (!params) throw new Error(`${replay} has no '// fuzz case: rows = …, seed = …, inputSeed = …' line`);
    try {
      await checkModelFile(replay, params);
    } catch (e) {
      process.stdout.write(`FAILED: ${(e as Error).message}\n`);
      return 1;
    }
    process.stdout.write(`ok: ${replay}\n`);
    return 0;
  }
  const runs = Number(arg('runs') ?? arg('count') ?? 1000);
  const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [--mutate] [--runs N] [--seed S] | [--mutate] --replay file.ts\n');
    return 2;
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  if (mutating) return mutateMain(runs, seed, root, process.argv.includes('--verbose'));
  const start = performance.now();
  let done = 0;
  process.stdout.write(`rpnc fuzz: ${runs} models, seed ${seed}\n`);
  const result = await fc.check(
    fc.asyncProperty(fuzzCase(), async (c) => {
      try {
        await checkCase(c);
      } finally {
        if (++done % 100 === 0) process.stdout.write(`  ${done} models checked (failures shrink), ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      }
    }),
    { numRuns: runs, seed, endOnFailure: false, reporter: (r) => void r },
  );
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  if (!result.failed) {
    process.stdout.write(`ok: ${result.numRuns} models agree (seed ${seed}) in ${secs} s\n`);
    return 0;
  }
  let c = result.counterexample?.[0];
  let why = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  process.stdout.write(`FAILED after ${result.numRuns} models (seed ${seed}, ${result.numShrinks} shrinks) in ${secs} s:\n${why}\n`);
  if (c) {
    const shrunk = saveFailure(c, path.join(root, 'fuzz/failures'), why);
    process.stdout.write(`fast-check's shrunk model saved as ${path.relative(process.cwd(), shrunk)}\n`);
    const reduced = await reduceCase(c, why, failureOf);
    ({ case: c, message: why } = reduced);
    process.stdout.write(`reduced further in ${reduced.tries} tries: ${why}\n`);
    const file = saveFailure(c, path.join(root, 'fuzz/failures'), why);
    process.stdout.write(`minimal failing model (saved as ${path.relative(process.cwd(), file)}):\n\n${toModelSource(c)}\n`);
  }
  process.stdout.write(`replay: npm run fuzz -- --runs ${runs} --seed ${seed}\n`);
  return 1;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`internal error: ${(e as Error).stack ?? e}\n`);
  process.exit(3);
});
