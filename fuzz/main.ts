/**
 * `npm run fuzz -- --runs N [--seed S]` (or `--replay file.ts`): differential fuzzing of rpnc (random valid models → compile →
 * onnxruntime-node vs the reference interpreter). Prints progress and timing; on a failure prints the
 * shrunk model as a TS model file and saves it as `fuzz/failures/<hash>.ts`. Exit code 1 on a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fuzzCase } from './arbitraries.js';
import { caseParams, toModelSource } from './describe.js';
import { checkCase, checkModelFile, failureOf, saveFailure } from './property.js';
import { reduceCase } from './reduce.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const replay = arg('replay');
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
  const runs = Number(arg('runs') ?? 1000);
  const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S]\n');
    return 2;
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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
