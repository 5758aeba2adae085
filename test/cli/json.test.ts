/**
 * `--json` on build, check and inspect (the built CLI): stdout is exactly one JSON document, with the
 * same exit code as without --json (0 ok, 1 model errors, 2 usage, 3 internal/runtime); human logs on stderr.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const model = (c: string) => path.join(root, 'fixtures/models', `${c}.ts`);
const bad = (c: string) => path.join(root, 'test/cli/models', `${c}.ts`);
const golden = (c: string, f: string) => path.join(root, 'fixtures/golden', c, f);
let tmp: string;

interface JsonDiag {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  col: number | null;
  hint: string | null;
}
interface Doc {
  ok: boolean;
  diagnostics: JsonDiag[];
  [k: string]: unknown;
}

/** Run the CLI; stdout must parse, as a whole, as one JSON object. */
function rpncJson(...args: string[]): { code: number | null; doc: Doc; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  let doc: Doc;
  try {
    doc = JSON.parse(r.stdout) as Doc;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  expect(typeof doc).toBe('object');
  expect(Array.isArray(doc.diagnostics)).toBe(true);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  return { code: r.status, doc, stderr: r.stderr };
}
function plain(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-json-'));
});

describe('build --json', () => {
  it('success: output file, its size, the graph interface from the model dims; logs on stderr', () => {
    const out = path.join(tmp, 'lorr.onnx');
    const { code, doc, stderr } = rpncJson('build', model('a_lorr_r2'), '-o', out, '--json');
    expect(code).toBe(0);
    expect(doc.ok).toBe(true);
    expect(doc.output).toBe(out);
    expect(doc.bytes).toBe(fs.statSync(out).size);
    expect(doc.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 5] }]);
    expect(doc.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 4] }]);
    expect(doc.diagnostics).toEqual([]);
    expect(stderr).toContain('wrote');
    expect(stderr).toContain('no --weights given');
  });

  it('warnings are in diagnostics with their location, and ok stays true', () => {
    const c = 'a_two_layers_output_process__bnbatch';
    const { code, doc } = rpncJson('build', model(c), '-o', path.join(tmp, 'bn.onnx'), '--json');
    expect(code).toBe(0);
    expect(doc.ok).toBe(true);
    const w = doc.diagnostics.find((d) => d.code === 'RPN2201')!;
    expect(w).toMatchObject({ severity: 'warning', file: model(c) });
    expect(w.line).toBeGreaterThan(0);
  });

  it('--emit ir puts the IR text in the document', () => {
    const { code, doc } = rpncJson('build', model('a_lorr_r2'), '--emit', 'ir', '--json');
    expect(code).toBe(0);
    expect(doc.ir).toMatch(/^input %x: float32\[batch,5\]/);
    expect(doc.ir).toContain('MatMul(%x');
  });

  it('a syntax error: exit 1, { ok: false } with code, file, line, col and hint; no output file', () => {
    const out = path.join(tmp, 'syntax.onnx');
    const { code, doc, stderr } = rpncJson('build', bad('syntax_error'), '-o', out, '--json');
    expect(code).toBe(1);
    expect(code).toBe(plain('build', bad('syntax_error'), '-o', out).code);
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics).toHaveLength(1);
    const d = doc.diagnostics[0];
    expect(d).toMatchObject({ code: 'RPN1002', severity: 'error', file: bad('syntax_error') });
    // the same location the human diagnostic gives
    expect(stderr).toContain(`${bad('syntax_error')}:${d.line}:${d.col} - error RPN1002`);
    expect(typeof d.hint).toBe('string');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a dimension mismatch: exit 1, RPN2101 at the layer', () => {
    const { code, doc } = rpncJson('build', bad('dim_mismatch'), '-o', path.join(tmp, 'dm.onnx'), '--json');
    expect(code).toBe(1);
    expect(doc).toMatchObject({ ok: false, diagnostics: [{ code: 'RPN2101', file: bad('dim_mismatch'), line: 10, col: 10 }] });
    expect(doc.diagnostics[0].message).toContain('layer 1 expects m = 3');
  });
});

describe('check --json', () => {
  it('success against golden: three comparisons, each within tolerance', () => {
    const c = 'a_linear_remainder_silu';
    const { code, doc, stderr } = rpncJson('check', model(c), '-w', golden(c, 'weights.safetensors'), '--golden', golden(c, 'io.safetensors'), '--json');
    expect(code).toBe(0);
    expect(doc.ok).toBe(true);
    const comps = doc.comparisons as { a: string; b: string; maxAbs: number; maxRel: number; ok: boolean }[];
    expect(comps.map((x) => `${x.a} vs ${x.b}`)).toEqual(['onnxruntime (cpu) vs reference', 'onnxruntime (cpu) vs golden', 'reference vs golden']);
    for (const x of comps) {
      expect(x.ok).toBe(true);
      expect(x.maxAbs).toBeLessThan(1e-4);
      expect(x.maxAbs).toBeGreaterThanOrEqual(0);
    }
    expect(stderr).toMatch(/onnxruntime \(cpu\) vs golden .* ok/); // the human table moved to stderr
  });

  it('a mismatch: exit 3, ok false, the failing comparisons and RPN5101', () => {
    const { code, doc } = rpncJson('check', model('a_identity_bias'), '-w', golden('a_identity_bias', 'weights.safetensors'), '--golden', golden('a_identity_identity_zero', 'io.safetensors'), '--json');
    expect(code).toBe(3);
    expect(doc.ok).toBe(false);
    const comps = doc.comparisons as { b: string; ok: boolean; maxAbs: number }[];
    expect(comps.filter((x) => x.b === 'golden').every((x) => !x.ok && x.maxAbs > 1e-3)).toBe(true);
    expect(comps.find((x) => x.b === 'reference')!.ok).toBe(true);
    expect(doc.diagnostics.map((d) => d.code)).toEqual(['RPN5101']);
  });

  it('a model error: exit 1', () => {
    const { code, doc } = rpncJson('check', bad('dim_mismatch'), '--json');
    expect(code).toBe(1);
    expect(doc.diagnostics[0].code).toBe('RPN2101');
  });
});

describe('inspect --json and usage errors', () => {
  it('inspect: success (0) and a syntax error (1)', () => {
    const ok = rpncJson('inspect', model('a_lorr_r2'), '--json');
    expect(ok.code).toBe(0);
    expect(ok.doc).toMatchObject({ ok: true, kind: 'model', model: { m: 5, n: 4 } });
    const err = rpncJson('inspect', bad('syntax_error'), '--json');
    expect(err.code).toBe(1);
    expect(err.doc).toMatchObject({ ok: false, diagnostics: [{ code: 'RPN1002' }] });
  });

  it('usage errors are JSON too, exit 2: unknown option, bad value, missing argument, wrong file type', () => {
    const cases: [string[], string][] = [
      [['build', model('a_lorr_r2'), '--json', '--bogus'], 'RPN6001'],
      [['build', model('a_lorr_r2'), '--seed', 'abc', '--json'], 'RPN6002'],
      [['check', '--json'], 'RPN6001'],
      [['inspect', 'model.txt', '--json'], 'RPN6002'],
      [['inspect', model('a_lorr_r2'), '--json', '--optimize', 'fast'], 'RPN6001'],
    ];
    for (const [args, c] of cases) {
      const { code, doc } = rpncJson(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(doc.ok).toBe(false);
      expect(doc.diagnostics.map((d) => d.code)).toEqual([c]);
    }
  });

  it('without --json nothing changes: errors only on stderr, stdout empty', () => {
    const r = plain('build', bad('syntax_error'), '-o', path.join(tmp, 's.onnx'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('RPN1002');
  });
});
