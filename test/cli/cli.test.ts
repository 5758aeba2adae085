/**
 * The rpnc command end to end (the built `dist/cli/main.js`, as a user runs it): good builds,
 * and the bad inputs of the foundation issue, each with its message, location, exit code and no
 * output file left behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../compiler/weights/safetensors.js';
import { runRpnc } from '../helpers/rpnc.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const models = path.join(root, 'test/cli/models');
const golden = (c: string, f: string) => path.join(root, 'fixtures/golden', c, f);
let tmp: string;

const rpnc = (...args: string[]) => runRpnc(tmp, args, { RPNC_PWNED_FILE: path.join(tmp, 'pwned') });
function noStackTrace(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-cli-'));
});

describe('rpnc build', () => {
  it('builds the bundled example and the output runs', () => {
    const out = path.join(tmp, 'example.onnx');
    const r = rpnc('build', path.join(root, 'fixtures/example.ts'), '-o', out);
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(100);
    const x = path.join(tmp, 'x.json');
    fs.writeFileSync(x, JSON.stringify([[0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8], [0, 0, 0, 0, 0, 0, 0, 0]]));
    const run = rpnc('run', out, '--input', x);
    expect(run.code).toBe(0);
    const y = JSON.parse(run.stdout) as number[][];
    expect(y).toHaveLength(2);
    // the example ends in a softmax: every row sums to 1
    for (const row of y) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('run: an input file that does not fit the model is the user\'s file (RPN3121, exit 1), not a runtime failure', () => {
    const out = path.join(tmp, 'example.onnx'); // built by the test above
    const wide = path.join(tmp, 'x-wide.json');
    fs.writeFileSync(wide, JSON.stringify([[1, 2, 3]]));
    let r = rpnc('run', out, '--input', wide);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("error RPN3121: input '" + wide + "' has 3 features per row, but the model takes m = 8");
    const flat = path.join(tmp, 'x-flat.json');
    fs.writeFileSync(flat, JSON.stringify([1, 2, 3, 4, 5, 6, 7, 8]));
    r = rpnc('run', out, '--input', flat);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error RPN3121');
  });

  it('is deterministic: byte-identical ONNX across runs', () => {
    const a = path.join(tmp, 'a.onnx');
    const b = path.join(tmp, 'b.onnx');
    const model = path.join(root, 'fixtures/models/a_taylor_d3_lorr.ts');
    const w = golden('a_taylor_d3_lorr', 'weights.safetensors');
    expect(rpnc('build', model, '-w', w, '-o', a).code).toBe(0);
    expect(rpnc('build', model, '-w', w, '-o', b).code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(a), fs.readFileSync(b))).toBe(0);
  });

  it('check reports agreement with the golden output', () => {
    const c = 'a_linear_remainder_silu';
    const r = rpnc('check', path.join(root, `fixtures/models/${c}.ts`), '-w', golden(c, 'weights.safetensors'), '--golden', golden(c, 'io.safetensors'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime \(cpu\) vs reference .* ok/);
    expect(r.stdout).toMatch(/onnxruntime \(cpu\) vs golden .* ok/);
    expect(r.stdout).toMatch(/reference\s+vs golden .* ok/);
  });

  it('check fails with exit code 3 when the golden output does not match', () => {
    const r = rpnc('check', path.join(root, 'fixtures/models/a_identity_bias.ts'), '-w', golden('a_identity_bias', 'weights.safetensors'), '--golden', golden('a_identity_identity_zero', 'io.safetensors'));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('MISMATCH');
    expect(r.stderr).toContain('RPN5101');
  });
});

describe('bad inputs', () => {
  const expectNoOutput = (name: string) => expect(fs.existsSync(path.join(tmp, name))).toBe(false);

  it('a syntax error', () => {
    const r = rpnc('build', path.join(models, 'syntax_error.ts'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN1002');
    expect(r.stderr).toMatch(/syntax_error\.ts:5:\d+/);
    noStackTrace(r.stderr);
    expectNoOutput('out.onnx');
  });

  it('a type error', () => {
    const r = rpnc('build', path.join(models, 'type_error.ts'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN1003');
    expect(r.stderr).toMatch(/type_error\.ts:10:11/);
    expect(r.stderr).toMatch(/string.*number/);
    noStackTrace(r.stderr);
    expectNoOutput('out.onnx');
  });

  it('a non-static expression', () => {
    const r = rpnc('build', path.join(models, 'non_static.ts'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RPN11\d\d/);
    expect(r.stderr).toContain('cannot evaluate statically');
    expect(r.stderr).toMatch(/non_static\.ts:3:\d+/);
    noStackTrace(r.stderr);
    expectNoOutput('out.onnx');
  });

  it('a dimension mismatch between layers points at the wrong option', () => {
    const r = rpnc('build', path.join(models, 'dim_mismatch.ts'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN2101');
    expect(r.stderr).toContain('layer 0 outputs 4 features but layer 1 expects m = 3');
    expect(r.stderr).toMatch(/dim_mismatch\.ts:10:10/);
    expect(r.stderr).toContain('set m: 4');
    expectNoOutput('out.onnx');
  });

  it('a missing weight key', () => {
    // a_identity_bias needs layers.0.heads.0.b; a_identity_identity_zero's checkpoint lacks it
    const r = rpnc('build', path.join(root, 'fixtures/models/a_identity_bias.ts'), '-w', golden('a_identity_identity_zero', 'weights.safetensors'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN3101');
    expect(r.stderr).toContain("missing weight 'layers.0.heads.0.b' (shape [3])");
    expectNoOutput('out.onnx');
  });

  it('an unknown weight key', () => {
    const r = rpnc('build', path.join(root, 'fixtures/models/a_identity_identity_zero.ts'), '-w', golden('a_identity_bias', 'weights.safetensors'), '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN3103');
    expect(r.stderr).toContain('layers.0.heads.0.b');
    expectNoOutput('out.onnx');
  });

  it('a truncated weights file', () => {
    const bytes = fs.readFileSync(golden('a_identity_bias', 'weights.safetensors'));
    const cut = path.join(tmp, 'truncated.safetensors');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    const r = rpnc('build', path.join(root, 'fixtures/models/a_identity_bias.ts'), '-w', cut, '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RPN300\d/);
    expect(r.stderr).toContain('truncated.safetensors');
    noStackTrace(r.stderr);
    expectNoOutput('out.onnx');
  });

  it('a weight of the wrong shape', () => {
    const f = path.join(tmp, 'wrong.safetensors');
    fs.writeFileSync(f, encodeSafetensors({ 'layers.0.heads.0.w': { shape: [1, 14], data: new Float32Array(14) } }));
    const r = rpnc('build', path.join(root, 'fixtures/models/a_identity_identity_zero.ts'), '-w', f, '-o', 'out.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN3102');
    expect(r.stderr).toContain('[1,14]');
    expect(r.stderr).toContain('[1,15]');
    expectNoOutput('out.onnx');
  });

  it('an unknown CLI flag', () => {
    const r = rpnc('build', path.join(root, 'fixtures/example.ts'), '--fold-everything', '-o', 'out.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('RPN6001');
    expect(r.stderr).toContain("unknown option '--fold-everything'");
    expectNoOutput('out.onnx');
  });

  it('a bad flag value', () => {
    const r = rpnc('build', path.join(root, 'fixtures/example.ts'), '--seed', 'abc', '-o', 'out.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed');
    expectNoOutput('out.onnx');
  });

  it('a missing model file', () => {
    const r = rpnc('build', path.join(tmp, 'nope.ts'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RPN1001');
  });

  it('--ep cuda without the CUDA provider is a clear error, not a CPU fallback', () => {
    const out = path.join(tmp, 'ep.onnx');
    expect(rpnc('build', path.join(root, 'fixtures/example.ts'), '-o', out).code).toBe(0);
    const x = path.join(tmp, 'x1.json');
    fs.writeFileSync(x, JSON.stringify([[0, 0, 0, 0, 0, 0, 0, 0]]));
    const r = rpnc('run', out, '--input', x, '--ep', 'cuda');
    if (r.code === 0) return; // a machine with the CUDA provider installed
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('RPN5001');
    expect(r.stderr).toContain('libonnxruntime_providers_cuda.so');
    expect(r.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
  });
});

describe('the model file is never executed', () => {
  for (const f of ['side_effect.ts', 'side_effect_unused.ts']) {
    it(f, () => {
      const r = rpnc('build', path.join(models, f), '-o', 'side.onnx');
      expect([0, 1]).toContain(r.code); // builds or fails cleanly, never exit 42
      noStackTrace(r.stderr);
      expect(fs.existsSync(path.join(tmp, 'pwned'))).toBe(false);
      expect(fs.existsSync('/tmp/rpnc-pwned')).toBe(false);
      if (r.code !== 0) expect(fs.existsSync(path.join(tmp, 'side.onnx'))).toBe(false);
    });
  }
});
