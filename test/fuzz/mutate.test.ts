/**
 * Quick mutation fuzz run (issue #18): valid random models with one option set at or beyond its edge
 * (fuzz/mutate.ts) must be refused with located user-error diagnostics, or compile and agree with the
 * reference interpreter (fuzz/mutant-property.ts). Fixed seed; `npm run fuzz:mutate -- --runs N [--seed S]`
 * runs longer and prints every distinct finding.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzCase } from '../../fuzz/arbitraries.js';
import { toModelSource } from '../../fuzz/describe.js';
import { checkMutant, checkMutantFile, refusal } from '../../fuzz/mutant-property.js';
import { mutantCase, mutate } from '../../fuzz/mutate.js';
import { DiagnosticError, diag } from '../../compiler/diagnostics.js';

const RUNS = 150;
const SEED = 18;

describe('mutation fuzzing (quick)', () => {
  it(`${RUNS} mutants: refused with located user errors, or accepted and equal to the reference`, async () => {
    const findings: string[] = [];
    const answers = new Map<string, number>();
    for (const c of fc.sample(mutantCase(), { numRuns: RUNS, seed: SEED })) {
      try {
        const o = await checkMutant(c);
        const k = 'accepted' in o ? 'accepted' : 'refused';
        answers.set(k, (answers.get(k) ?? 0) + 1);
      } catch (e) {
        findings.push(`${c.mutation}: ${(e as Error).message.split('\n')[0]}\n${toModelSource(c)}`);
      }
    }
    expect(findings, findings.join('\n\n')).toEqual([]);
    // both answers occur: the mutants are neither all refused nor all harmless
    expect(answers.get('refused')).toBeGreaterThan(RUNS / 4);
    expect(answers.get('accepted')).toBeGreaterThan(RUNS / 10);
  }, 120_000);

  it('mutates one option to its edge values, printed as source that evaluates to them', () => {
    const [c] = fc.sample(fuzzCase(), { numRuns: 1, seed: SEED });
    const texts = new Set<string>();
    for (let j = 0; j < 60; j++) for (let i = 0; i < 10; i++) texts.add(mutate(c, i, j).mutation);
    const all = [...texts].join('\n');
    for (const what of [': NaN ', ': Infinity ', ': -0 ', ': 1e309 ', ': 2**31 ', ': a string ']) expect(all).toContain(what);
    const m = mutate(c, 0, 8); // an edge value, printed as raw source
    expect(toModelSource(m)).not.toBe(toModelSource(c));
  });

  it('the property catches an internal error and an unlocated refusal', () => {
    const file = path.join(os.tmpdir(), 'model.ts');
    const at = { file, line: 3, col: 7 };
    expect(() => refusal(new TypeError("Cannot read properties of undefined (reading 'm')"), file, 'compiling')).toThrow(/compiling threw an internal error: TypeError/);
    expect(() => refusal(new DiagnosticError(diag('RPN4000', 'internal error: boom')), file, 'compiling')).toThrow(/internal error: RPN4000/);
    expect(() => refusal(new DiagnosticError(diag('RPN1199', 'evaluator bug', { span: at })), file, 'the front end')).toThrow(/internal error: RPN1199/);
    expect(() => refusal(new DiagnosticError(diag('RPN2104', 'q=5 must divide D=12')), file, 'validation')).toThrow(/RPN2104 has no location/);
    expect(() => refusal(new DiagnosticError(diag('RPN2104', 'q=5 must divide D=12', { span: { ...at, file: '/elsewhere.ts' } })), file, 'validation')).toThrow(/not in the model file/);
    expect(refusal(new DiagnosticError([diag('RPN2104', 'q=5 must divide D=12', { span: at }), diag('RPN2201', 'a warning', { severity: 'warning' })]), file, 'validation')).toEqual({ refused: ['RPN2104'] });
  });

  it('a refused and an accepted edge value, through model files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-mutate-'));
    const params = { rows: 2, seed: 1, inputSeed: 1 };
    const model = (P: string) => `import { head, fourierExpansion, identityReconciliation, zeroRemainder } from 'rpnc';\nexport default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), dataTransformation: fourierExpansion({ P: ${P} }) });\n`;
    const refused = path.join(dir, 'refused.ts');
    fs.writeFileSync(refused, model('0'));
    expect(await checkMutantFile(refused, params)).toEqual({ refused: ['RPN1201'] });
    const accepted = path.join(dir, 'accepted.ts');
    fs.writeFileSync(accepted, model('-0.5'));
    expect(await checkMutantFile(accepted, params)).toEqual({ accepted: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
