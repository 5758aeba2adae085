/** `rpnc build` / `rpnc check` with --no-opt, --optimize, --batch-hint (needs `npx tsc -p .`: runs dist/cli/main.js). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRpnc } from '../helpers/rpnc.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const model = path.join(import.meta.dirname, 'models/lorr_wide.ts');
let tmp = '';

const rpnc = (...args: string[]) => runRpnc(tmp, args);

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npx tsc -p .` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-fab-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fabrication flags', () => {
  it('build: --no-opt gives the dense W, the default the lorr factors (IR names and file size)', () => {
    const dense = rpnc('build', model, '--no-opt', '--emit', 'ir', '-q');
    expect(dense.code, dense.stderr).toBe(0);
    expect(dense.stdout).not.toMatch(/lorr_B/);
    const fact = rpnc('build', model, '--optimize', 'size', '--batch-hint', '256', '--emit', 'ir', '-q');
    expect(fact.code, fact.stderr).toBe(0);
    expect(fact.stdout).toMatch(/%layers\.0\.heads\.0\.lorr_B: float32\[96,4\]/);
    const a = path.join(tmp, 'dense.onnx');
    const b = path.join(tmp, 'size.onnx');
    expect(rpnc('build', model, '--no-opt', '-o', a, '-q').code).toBe(0);
    expect(rpnc('build', model, '--optimize', 'size', '-o', b, '-q').code).toBe(0);
    // 80·96 floats dense vs 4·(80+96) + 80 (bias) factored
    expect(fs.statSync(a).size).toBeGreaterThan(4 * 80 * 96);
    expect(fs.statSync(b).size).toBeLessThan(4 * (4 * 176 + 80) * 1.05 + 1500);
  }, 180_000);

  it('check passes with every strategy', () => {
    for (const flags of [['--no-opt'], ['--optimize', 'size'], ['--batch-hint', '64']]) {
      const r = rpnc('check', model, ...flags, '--batch', '3');
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/vs reference .* ok/);
    }
  }, 180_000);

  it('bad values are usage errors (exit 2, a code, no output file)', () => {
    const out = path.join(tmp, 'bad.onnx');
    const r1 = rpnc('build', model, '--batch-hint', '0', '-o', out);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/RPN6002.*--batch-hint must be an integer ≥ 1/);
    const r2 = rpnc('build', model, '--optimize', 'fast', '-o', out);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/RPN6001.*speed, size/);
    const r3 = rpnc('check', model, '--batch-hint', 'x');
    expect(r3.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    for (const r of [r1, r2, r3]) expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)/);
  }, 180_000);
});
