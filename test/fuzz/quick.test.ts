/**
 * Quick differential fuzz run (issue #7): a few hundred random valid models (fuzz/arbitraries.ts) are
 * compiled in-process and run in onnxruntime-node (folded and `fold: false`) and in the reference
 * interpreter; they must agree (fuzz/property.ts has the tolerance), compile, and compile to the same
 * bytes twice. Fixed seed for reproducibility; `npm run fuzz -- --runs N [--seed S]` runs longer.
 * A failure prints the shrunk model as a TS model file and saves it to fuzz/failures/.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzCase } from '../../fuzz/arbitraries.js';
import { type FuzzCase, toModelSource } from '../../fuzz/describe.js';
import { checkCase, failureOf, saveFailure } from '../../fuzz/property.js';
import { reduceCase } from '../../fuzz/reduce.js';

const root = path.resolve(import.meta.dirname, '../..');
const RUNS = 300;
const SEED = 7;

describe('differential fuzzing (quick)', () => {
  it(`${RUNS} random models: onnxruntime = reference interpreter`, async () => {
    const result = await fc.check(fc.asyncProperty(fuzzCase(), checkCase), { numRuns: RUNS, seed: SEED });
    if (result.failed) {
      let c = result.counterexample?.[0] as FuzzCase | undefined;
      let why = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      if (c) ({ case: c, message: why } = await reduceCase(c, why, failureOf, 150));
      const saved = c ? saveFailure(c, path.join(root, 'fuzz/failures'), why) : '(no counterexample)';
      expect.fail(`${why}\nminimal failing model (saved as ${saved}):\n\n${c ? toModelSource(c) : ''}`);
    }
    expect(result.numRuns).toBe(RUNS);
  }, 180_000);

  it('the generator draws chain and graph models (heads, layers, rnn, gcn, gat) on random chains and graphs', () => {
    const text = fc.sample(fuzzCase(), { numRuns: 400, seed: SEED }).map((c) => JSON.stringify(c.model)).join('\n');
    for (const fn of ['chainInterdependenceHead', 'chainInterdependenceLayer', 'graphInterdependenceHead', 'graphBilinearInterdependenceHead', 'gcn', 'gat']) expect(text).toContain(`"${fn}"`);
    expect(text).toMatch(/"rnn"|"regressionRnn"/);
  });

  it('a failing case is reduced structurally and stays failing', async () => {
    // A stand-in failure ("any model with a Taylor expansion mismatches") exercises the reducer alone.
    const cases = fc.sample(fuzzCase(), { numRuns: 400, seed: SEED }).filter((c) => JSON.stringify(c.model).includes('taylorExpansion'));
    const c = cases.sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0];
    const fails = async (x: FuzzCase) => (JSON.stringify(x.model).includes('taylorExpansion') ? 'onnxruntime vs reference: row 0, feature 0: 1 vs reference 2' : undefined);
    const r = await reduceCase(c, (await fails(c))!, fails);
    expect(JSON.stringify(r.case.model)).toContain('taylorExpansion');
    expect(JSON.stringify(r.case.model).length).toBeLessThan(JSON.stringify(c.model).length / 2);
    expect(r.case.rows).toBe(1);
  });

  it('the comparison catches a perturbed output; the printer writes a model file', async () => {
    // The property is not vacuous: an output off the reference by more than the tolerance is caught.
    const { compare } = await import('../../fuzz/property.js');
    const ref = Float32Array.from([1, -2, 0.5, 3]);
    expect(compare(Float32Array.from(ref), ref, 2, 1)).toBeUndefined();
    expect(compare(Float32Array.from([1, -2, 0.5, 3.01]), ref, 2, 1)).toMatch(/row 1, feature 1/);
    expect(compare(Float32Array.from([1, -2, Number.NaN, 3]), ref, 2, 1)).toMatch(/row 1, feature 0/);
    // and the printed model file is what the property compiles (the front end reads it back)
    const [c] = fc.sample(fuzzCase(), { numRuns: 1, seed: SEED });
    expect(toModelSource(c)).toMatch(/^\/\/ fuzz case: rows = \d+, seed = \d+, inputSeed = \d+\nimport \{ .* \} from 'rpnc';\n\nexport default /);
  });
});
