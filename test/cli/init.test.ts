/**
 * `rpnc init`: a starter model that builds and checks, a HOWTO.md, no overwriting without --force.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starterModel } from '../../cli/init.js';
import { compile } from '../../index.js';
import { runRpnc } from '../helpers/rpnc.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
let tmp: string;

const rpnc = (args: string[], cwd = tmp) => runRpnc(cwd, args);

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-init-'));
});

describe('rpnc init', () => {
  it('writes model.ts and HOWTO.md into a new directory; the model builds and checks', () => {
    const r = rpnc(['init', 'proj']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote proj\/model\.ts and proj\/HOWTO\.md/);
    const dir = path.join(tmp, 'proj');
    expect(fs.readdirSync(dir).sort()).toEqual(['HOWTO.md', 'model.ts']);
    const howto = fs.readFileSync(path.join(dir, 'HOWTO.md'), 'utf8');
    for (const s of ['rpnc build model.ts', 'rpnc check model.ts', 'rpnc run model.onnx', 'save_file(model.state_dict()', '## Next steps']) expect(howto).toContain(s);

    const b = rpnc(['build', 'model.ts'], dir);
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/wrote model\.onnx .*\[batch, 4\].*\[batch, 3\]/);
    const c = rpnc(['check', 'model.ts', '--batch', '5'], dir);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/onnxruntime \(cpu\) vs reference .* ok/);
    // the HOWTO's run example: rows of a softmax sum to 1
    fs.writeFileSync(path.join(dir, 'x.json'), '[[0.1, -0.2, 0.3, 0.4]]');
    const run = rpnc(['run', 'model.onnx', '-i', 'x.json'], dir);
    expect(run.code).toBe(0);
    const y = JSON.parse(run.stdout) as number[][];
    expect(y[0]).toHaveLength(3);
    expect(y[0].reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  });

  it('refuses to overwrite without --force (exit 2, nothing written); --force overwrites', () => {
    const dir = path.join(tmp, 'keep');
    expect(rpnc(['init', 'keep']).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'model.ts'), '// my edits\n');
    fs.rmSync(path.join(dir, 'HOWTO.md'));
    const r = rpnc(['init', 'keep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error RPN6002: keep\/model\.ts already exists; nothing was written/);
    expect(r.stderr).toMatch(/hint: pass --force/);
    expect(fs.readFileSync(path.join(dir, 'model.ts'), 'utf8')).toBe('// my edits\n');
    expect(fs.existsSync(path.join(dir, 'HOWTO.md'))).toBe(false); // not even the missing file
    const f = rpnc(['init', 'keep', '--force']);
    expect(f.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'model.ts'), 'utf8')).toBe(starterModel());
    expect(fs.existsSync(path.join(dir, 'HOWTO.md'))).toBe(true);
  });

  it('--name sets the model file name (and the HOWTO uses it); a path is refused', () => {
    const dir = path.join(tmp, 'named');
    const r = rpnc(['init', dir, '--name', 'classifier']);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['HOWTO.md', 'classifier.ts']);
    expect(fs.readFileSync(path.join(dir, 'HOWTO.md'), 'utf8')).toContain('rpnc build classifier.ts');
    const bad = rpnc(['init', 'other', '--name', '../escape']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RPN6002: --name '..\/escape' is not a plain file name/);
    expect(fs.existsSync(path.join(tmp, 'other'))).toBe(false);
  });

  it('defaults to the current directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-init-here-'));
    expect(rpnc(['init'], dir).code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['HOWTO.md', 'model.ts']);
  });

  it('the starter model is the documented 4 -> 8 -> 3 network', () => {
    const r = compile(starterModel(), { source: true });
    expect([r.spec.m, r.spec.n, r.spec.layers.length]).toEqual([4, 3, 2]);
    expect(r.diagnostics).toEqual([]);
  });
});
