/**
 * The packed package, used the way a consumer uses it: `npm pack`, install the tarball into a clean
 * project outside the repository, then (a) a Node script imports 'rpnc', compiles a model and runs
 * it with ONNX Runtime, agreeing with the reference interpreter; its TypeScript twin type-checks
 * against the shipped declarations; (b) `npx rpnc build` / `--version` work in that project.
 *
 * Offline: the consumer gets a package-lock.json built from this repository's lock (same resolved
 * tarballs and integrity hashes), so `npm ci --prefer-offline` takes every dependency from the npm
 * cache that `npm ci` of this repository filled. Slow (an install): about 20–40 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license?: string;
  bin: Record<string, string>;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let work: string;
let consumer: string;
let packed: { filename: string; size: number; files: { path: string }[] };

function run(cmd: string, args: string[], cwd = consumer) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A lockfile for a project depending only on the tarball, with rpnc's dependencies as locked here. */
function consumerLock(tarball: string): object {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const integrity = 'sha512-' + crypto.createHash('sha512').update(fs.readFileSync(path.join(consumer, tarball))).digest('base64');
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { rpnc: `file:${tarball}` } },
    'node_modules/rpnc': { version: pkg.version, resolved: `file:${tarball}`, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [k, v] of Object.entries(lock.packages)) if (k.startsWith('node_modules/') && k !== 'node_modules/rpnc' && !v.dev) packages[k] = v;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

const MODEL = `// a model outside the rpnc repository, with a relative helper import
import { rpn, layer, head, chebyshevExpansion, lphmReconciliation, linearRemainder, sigmoid } from 'rpnc';
import { m, n } from './sizes.ts';

export default rpn({
  layers: [layer({ m, n, heads: [head({ m, n, dataTransformation: chebyshevExpansion({ d: 3 }), parameterFabrication: lphmReconciliation({ r: 2, p: 2, q: 3 }), remainder: linearRemainder(), outputProcessFunctions: [sigmoid()] })] })],
});
`;

const SCRIPT = `import * as fs from 'node:fs';
import { compile, check, createSession, runSession, runReference, DiagnosticError } from 'rpnc';

const r = compile('model.ts', { seed: 0 });
const x = { shape: [5, r.spec.m], data: Float32Array.from({ length: 5 * r.spec.m }, (_, i) => Math.cos(0.37 * i)) };
const session = await createSession(r.onnx, { ep: 'cpu' });
const y = await runSession(session, x);
const ref = runReference(r.spec, r.weights, { rows: 5, cols: r.spec.m, data: x.data });
let maxDiff = 0;
for (let i = 0; i < y.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(y.data[i] - ref.data[i]));
// the CLI's model.onnx (also seed 0) must be the same bytes
const sameAsCli = Buffer.compare(Buffer.from(r.onnx), fs.readFileSync('model.onnx')) === 0;
const fromSource = compile("import { mlp } from 'rpnc';\\nexport default mlp({ dims: [3, 2] });\\n");
const c = await check('model.ts', { seed: 1, batch: 3 });
let code;
try {
  compile("import { mlp } from 'rpnc';\\nexport default mlp({ dimz: [3, 2] });\\n");
} catch (e) {
  code = e instanceof DiagnosticError ? e.diagnostics[0].code : 'untyped';
}
console.log(JSON.stringify({ shape: y.shape, maxDiff, sameAsCli, sourceDims: [fromSource.spec.m, fromSource.spec.n], checkOk: c.ok, comparisons: c.comparisons.length, code, sum: Array.from(y.data).reduce((a, b) => a + b, 0) }));
`;

const TYPED = `import { compile, createSession, runSession, type Compiled, type Diagnostic, type ModelSpec } from 'rpnc';

const r: Compiled = compile('model.ts', { seed: 0, fold: true });
const spec: ModelSpec = r.spec;
const warnings: Diagnostic[] = r.diagnostics;
const s = await createSession(r.onnx, { ep: 'cpu' });
const y: { shape: number[]; data: Float32Array } = await runSession(s, { shape: [1, spec.m], data: new Float32Array(spec.m) });
export { warnings, y };
`;

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-pack-'));
  consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  // dist/ is fresh: `npm test` builds first; --ignore-scripts skips `prepare` (a second tsc run)
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', consumer], { cwd: root, env, encoding: 'utf8' });
  packed = (JSON.parse(out) as (typeof packed)[])[0];
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { rpnc: `file:${packed.filename}` } }, null, 2));
  fs.writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(consumerLock(packed.filename), null, 2));
  const inst = run(npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
  if (inst.code !== 0) throw new Error(`npm ci of the packed tarball failed:\n${inst.stderr}`);
  fs.writeFileSync(path.join(consumer, 'sizes.ts'), 'export const m = 6;\nexport const n = 4;\n');
  fs.writeFileSync(path.join(consumer, 'model.ts'), MODEL);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true }); // the consumer's node_modules is ~300 MB
});

describe('the packed package', () => {
  it('ships the build and the DSL sources, no tests, fixtures or source maps, and is small', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'compiler/dsl/index.ts', 'docs/components.md']) expect(files, f).toContain(f);
    expect(files.filter((f) => /^(test|fixtures|bench|fuzz|dist\/bench|dist\/fuzz)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('compiler/dsl/'))).toEqual([]);
    expect(packed.size).toBeLessThan(1_000_000);
  });

  it('npx rpnc --version and build work in a clean project', () => {
    const v = run('npx', ['--no', '--', 'rpnc', '--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const b = run('npx', ['--no', '--', 'rpnc', 'build', 'model.ts']);
    expect(b.stderr).toMatch(/wrote model\.onnx/);
    expect(b.code).toBe(0);
    expect(fs.statSync(path.join(consumer, 'model.onnx')).size).toBeGreaterThan(200);
  });

  it("a Node script imports 'rpnc', compiles and runs the model, agreeing with the reference interpreter", () => {
    fs.writeFileSync(path.join(consumer, 'use.mjs'), SCRIPT);
    const r = run(process.execPath, ['use.mjs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { shape: number[]; maxDiff: number; sameAsCli: boolean; sourceDims: number[]; checkOk: boolean; comparisons: number; code: string; sum: number };
    expect(o.shape).toEqual([5, 4]);
    expect(o.maxDiff).toBeLessThan(1e-5);
    expect(o.sum).toBeGreaterThan(0); // sigmoid outputs: all in (0, 1)
    expect(o.sum).toBeLessThan(20);
    expect(o.sameAsCli).toBe(true);
    expect(o.sourceDims).toEqual([3, 2]);
    expect([o.checkOk, o.comparisons]).toEqual([true, 1]);
    expect(o.code).toBe('RPN1003');
  });

  it('its TypeScript declarations type-check a consumer program', () => {
    fs.writeFileSync(path.join(consumer, 'typed.ts'), TYPED);
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const r = run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(root, 'node_modules/@types'), 'typed.ts']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
