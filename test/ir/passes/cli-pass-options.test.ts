/**
 * The pass options of the command line (built dist/cli/main.js): `--passes`, `--disable-pass`,
 * `build --emit ir --after PASS`, and RPN4005 for an unknown pass name as a usage error (exit 2).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRpnc } from '../../helpers/rpnc.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cli = path.join(root, 'dist/cli/main.js');
const model = path.join(root, 'fixtures/models/b_width2_mean_fusion.ts');
const weights = path.join(root, 'fixtures/golden/b_width2_mean_fusion/weights.safetensors');
const io = path.join(root, 'fixtures/golden/b_width2_mean_fusion/io.safetensors');
let tmp: string;

const rpnc = (...args: string[]) => runRpnc(tmp, args);
const ops = (ir: string): string[] => [...ir.matchAll(/ = ([A-Z][A-Za-z]*)\(/g)].map((m) => m[1]);

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-passes-'));
});

describe('rpnc pass options', () => {
  it('--emit ir: the default pipeline fuses the two heads into one MatMul; --disable-pass keeps them', () => {
    const all = rpnc('build', model, '-w', weights, '--emit', 'ir');
    expect(all.code).toBe(0);
    expect(ops(all.stdout).filter((o) => o === 'MatMul')).toHaveLength(1);
    const off = rpnc('build', model, '-w', weights, '--emit', 'ir', '--disable-pass', 'linear-fusion-folding', '--disable-pass', 'head-dedupe');
    expect(off.code).toBe(0);
    expect(ops(off.stdout).filter((o) => o === 'MatMul')).toHaveLength(2);
    expect(ops(off.stdout)).toContain('Div');
  });

  it('--passes runs exactly the listed passes; --after prints the IR right after that pass', () => {
    const only = rpnc('build', model, '-w', weights, '--emit', 'ir', '--passes', 'dead-code-elimination');
    expect(only.code).toBe(0);
    expect(ops(only.stdout)).toContain('Transpose'); // ψ not folded: constant-folding did not run
    const after = rpnc('build', model, '-w', weights, '--emit', 'ir', '--after', 'constant-folding');
    expect(after.code).toBe(0);
    expect(ops(after.stdout)).not.toContain('Transpose');
    expect(ops(after.stdout).filter((o) => o === 'MatMul')).toHaveLength(2); // before linear-fusion-folding
  });

  it('check with a pass disabled still matches tinybig', () => {
    const r = rpnc('check', model, '-w', weights, '--golden', io, '--disable-pass', 'linear-fusion-folding');
    expect(r.stdout).toMatch(/vs golden .* ok/);
    expect(r.code).toBe(0);
  });

  it('an unknown pass name is RPN4005 listing the known passes, exit code 2, no output file', () => {
    const out = path.join(tmp, 'm.onnx');
    for (const args of [['--passes', 'constant-folding,cse'], ['--disable-pass', 'cse'], ['--emit', 'ir', '--after', 'cse']]) {
      const r = rpnc('build', model, '-w', weights, '-o', out, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("RPN4005: unknown pass 'cse' (known: constant-folding, identity-elimination, reshape-cancellation");
      expect(fs.existsSync(out)).toBe(false);
    }
    const c = rpnc('check', model, '-w', weights, '--passes', 'nope');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("RPN4005: unknown pass 'nope'");
    const a = rpnc('build', model, '-w', weights, '--after', 'gemm-formation');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--after needs --emit ir');
  });

  it('build --help lists the pass names', () => {
    const r = rpnc('build', '--help');
    expect(r.code).toBe(0);
    for (const p of ['linear-fusion-folding', 'batchnorm-folding', 'gemm-formation', 'head-dedupe', 'reshape-cancellation']) expect(r.stdout.replace(/\s+/g, ' ')).toContain(p);
  });
});
