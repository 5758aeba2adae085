/**
 * The hostile torch.save / pickle corpus (test/corpus/torch/, issue #15): every file is refused with its
 * code and a message naming the offending global, opcode or entry with its byte offset, exit 1, no
 * output file, and nothing run — the code-running payloads touch a canary file when a real Python
 * unpickles them (the control below), and never when rpnc reads them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { DiagnosticError, exitCodeFor, formatDiagnostic } from '../../compiler/diagnostics.js';
import { unpickle } from '../../compiler/weights/pickle.js';
import { readTorchZip } from '../../compiler/weights/torch-zip.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'test/corpus/torch');
const model = path.join(root, 'test/corpus/weights/model.ts');
const cli = path.join(root, 'dist/cli/main.js');
const STACK_TRACE = /\n\s+at .*:\d+:\d+/;
type Expectation = { exit: number; code?: string; contains?: string };
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8')) as Record<string, Expectation>;

let tmp: string;
let canaries: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-torch-corpus-'));
  canaries = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-torch-canary-'));
  process.env.RPNC_CANARY_DIR = canaries; // what a payload that ran would write into
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(canaries, { recursive: true, force: true });
});

function build(weights: string): { exit: number; text: string } {
  try {
    compileFile(model, { weights: [weights] });
    return { exit: 0, text: '' };
  } catch (e) {
    const diagnostics = e instanceof DiagnosticError ? e.diagnostics : [{ code: 'RPN4000', severity: 'error' as const, message: `internal error: ${(e as Error).stack}` }];
    return { exit: exitCodeFor(diagnostics) || 1, text: diagnostics.map((d) => formatDiagnostic(d)).join('\n') };
  }
}

describe('hostile and broken torch.save files', () => {
  it.each(Object.entries(expected))('%s', (name, e) => {
    const r = build(path.join(dir, name));
    expect(r.exit, r.text).toBe(e.exit);
    if (e.code) expect(r.text).toContain(` ${e.code}: `);
    if (e.contains) expect(r.text).toContain(e.contains);
    if (e.exit) {
      expect(r.text).toContain(name); // names the file
      if (/^RPN35(0[1-3]|1\d)$/.test(e.code!)) expect(r.text).toMatch(/byte \d+|file offset \d+/); // and where
      expect(r.text.split('\n').filter((l) => / error RPN/.test(l) || /^error RPN/.test(l)).length).toBeLessThanOrEqual(1);
    }
    expect(r.text).not.toMatch(STACK_TRACE);
    expect(fs.readdirSync(canaries)).toEqual([]);
  });

  it('make-torch.mjs reproduces the committed files byte for byte', () => {
    const d = fs.mkdtempSync(path.join(tmp, 'gen-'));
    fs.copyFileSync(path.join(dir, 'make-torch.mjs'), path.join(d, 'make-torch.mjs'));
    execFileSync(process.execPath, [path.join(d, 'make-torch.mjs')], { cwd: d });
    for (const f of [...Object.keys(expected), 'expect.json']) {
      expect(Buffer.compare(fs.readFileSync(path.join(d, f)), fs.readFileSync(path.join(dir, f))), f).toBe(0);
    }
  });
});

describe('the canaries are real', () => {
  // Python's own unpickler runs these payloads: the canary appears. (No torch needed: plain pickle.loads.)
  const payloads = ['os_system_reduce', 'posix_system', 'subprocess_popen', 'builtins_exec', 'builtins_eval', 'global_in_state_dict', 'inst'];
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'pass']).status === 0);
  it.skipIf(!python).each(payloads)('control: Python pickle.loads of %s.pt/data.pkl writes its canary; rpnc never does', (name) => {
    const file = path.join(dir, `${name}.pt`);
    const zip = readTorchZip(fs.readFileSync(file), name);
    const e = zip.records.get('data.pkl')!;
    const pkl = path.join(tmp, `${name}.pkl`);
    fs.writeFileSync(pkl, zip.bytes.subarray(e.dataOffset, e.dataOffset + e.size));
    const control = fs.mkdtempSync(path.join(tmp, 'control-'));
    spawnSync(python!, ['-c', 'import pickle,sys\ntry: pickle.loads(open(sys.argv[1],"rb").read())\nexcept Exception: pass', pkl], { env: { ...process.env, RPNC_CANARY_DIR: control } });
    expect(fs.readdirSync(control)).toEqual([name]);
    // and rpnc, on the same file
    expect(build(file).exit).toBe(1);
    expect(fs.readdirSync(canaries)).toEqual([]);
  });
});

describe('limits of the unpickler, checked before allocating', () => {
  const p = (...b: number[]) => Uint8Array.from(b);
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as DiagnosticError).diagnostics[0]!.code;
    }
    return 'none';
  };
  it('memo entries, container size, stack and total values', () => {
    // PROTO 2, NONE, BINPUT 0, BINPUT 1, BINPUT 2, POP… : three memo entries over a limit of 2
    expect(code(() => unpickle(p(0x80, 2, 0x4e, 0x71, 0, 0x71, 1, 0x71, 2, 0x2e), { label: 'x', limits: { memo: 2 } }))).toBe('RPN3513');
    expect(code(() => unpickle(p(0x80, 2, 0x28, 0x4e, 0x4e, 0x4e, 0x6c, 0x2e), { label: 'x', limits: { containerSize: 2 } }))).toBe('RPN3513');
    expect(code(() => unpickle(p(0x80, 2, 0x4e, 0x4e, 0x4e, 0x87, 0x2e), { label: 'x', limits: { stack: 2 } }))).toBe('RPN3513');
    expect(code(() => unpickle(p(0x80, 2, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x87, 0x2e), { label: 'x', limits: { totalValues: 3 } }))).toBe('RPN3513');
    expect(unpickle(p(0x80, 2, 0x4b, 1, 0x4b, 2, 0x86, 0x2e), { label: 'x' })).toMatchObject({ items: [1, 2] });
  });
  it('a list appended to itself (a cycle) is plain data, not a hang', () => {
    // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP
    const v = unpickle(p(0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e), { label: 'x' }) as { items: unknown[] };
    expect(v.items[0]).toBe(v);
  });
});

describe('as real rpnc processes', () => {
  const files = ['os_system_reduce.pt', 'stack_global.pt', 'zip_slip_dotdot.pt', 'nested_lists.pt', 'good_torch2.pt'];
  it.each(files)('%s', (name) => {
    if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
    const out = path.join(tmp, `${name}.onnx`);
    const r = spawnSync(process.execPath, [cli, 'build', model, '-w', path.join(dir, name), '-o', out], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', RPNC_CANARY_DIR: canaries } });
    const e = expected[name]!;
    expect(r.status, r.stderr).toBe(e.exit);
    if (e.code) expect(r.stderr).toContain(` ${e.code}: `);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(fs.existsSync(out)).toBe(e.exit === 0);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(fs.readdirSync(canaries)).toEqual([]);
    expect(fs.existsSync('/tmp/rpnc-zip-slip')).toBe(false);
  });

  it("rpnc check on tinybig's save_ckpt file against the golden output", () => {
    const c = 'm_mlp_taylor_lorr';
    const r = spawnSync(process.execPath, [cli, 'check', path.join(root, 'fixtures/models', `${c}.ts`), '-w', path.join(root, 'fixtures/torch', `${c}_checkpoint`), '--golden', path.join(root, 'fixtures/golden', c, 'io.safetensors')], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime \(cpu\) vs golden +max abs [0-9.e-]+ +max rel [0-9.e-]+ +ok/);
  });
});
