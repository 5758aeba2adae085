/**
 * The bad-input corpus (test/corpus/, issue #7): every entry says what rpnc must answer.
 *
 *   hostile/*.ts   model files that try to run code, reach the host, or exhaust time and memory
 *   models/*.ts    malformed TypeScript, wrong option types, unknown components, impossible and absurd dimensions
 *                  (first line of both: `// expect: exit=1 code=RPNxxxx at=line:col`)
 *   weights/       bad safetensors files for weights/model.ts, made by make-weights.mjs; expectations in expect.json
 *   cli/*.json     command lines: { argv, exit, code?, contains?, at?, env?, output? } ({corpus}, {tmp} are filled in)
 *
 * Each entry is checked for its exit code, its diagnostic code, its file:line:col when declared, and
 * for the absence of a stack trace. Most entries run in-process through the library path the CLI
 * takes (compileFile, the CLI's exit code and formatting); the command lines and a representative
 * subset of the files run as real `rpnc` processes, which must also leave no output file behind,
 * never run the model (the hostile files would write a canary file or print PWNED), and stay within
 * a time and memory budget.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFile, loadSpec } from '../../compiler/compile.js';
import { type Diagnostic, DiagnosticError, exitCodeFor, formatDiagnostic } from '../../compiler/diagnostics.js';

const root = path.resolve(import.meta.dirname, '../..');
const corpus = path.join(root, 'test/corpus');
const cli = path.join(root, 'dist/cli/main.js');
const STACK_TRACE = /\n\s+at .*:\d+:\d+/;

interface Expectation {
  exit: number;
  code?: string;
  /** `line:col` in the entry file (or `file:line:col` for command lines). */
  at?: string;
  contains?: string;
}

/** `// expect: exit=1 code=RPN1002 at=3:64` */
function parseExpect(file: string): Expectation {
  const first = fs.readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const m = /^\/\/ expect: (.*)$/.exec(first);
  if (!m) throw new Error(`${file}: the first line must be '// expect: exit=… code=… [at=line:col]'`);
  const fields = Object.fromEntries(m[1].trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  return { exit: Number(fields.exit), code: fields.code, at: fields.at };
}

const list = (dir: string, ext: string) => fs.readdirSync(path.join(corpus, dir)).filter((f) => f.endsWith(ext)).sort().map((f) => path.join(corpus, dir, f));
const hostile = list('hostile', '.ts');
const models = list('models', '.ts');
const weightExpect = JSON.parse(fs.readFileSync(path.join(corpus, 'weights/expect.json'), 'utf8')) as Record<string, Expectation & { weights?: string[] }>;
const cliCases = list('cli', '.json');

let tmp: string;
let canaries: string;

/** What `rpnc build` answers, through the library path of the CLI (compileFile, exit code, formatting). */
function compileInProcess(model: string, weights?: string[]): { exit: number; text: string; diagnostics: Diagnostic[]; ms: number } {
  const t = performance.now();
  try {
    compileFile(model, { weights });
    return { exit: 0, text: '', diagnostics: [], ms: performance.now() - t };
  } catch (e) {
    // anything but a DiagnosticError is an internal error: the CLI would say RPN4000 (exit 3)
    const diagnostics = e instanceof DiagnosticError ? e.diagnostics : [{ code: 'RPN4000', severity: 'error' as const, message: `internal error: ${(e as Error).stack}` }];
    return { exit: exitCodeFor(diagnostics) || 1, text: diagnostics.map((d) => formatDiagnostic(d)).join('\n'), diagnostics, ms: performance.now() - t };
  }
}

function expectAnswer(r: { exit: number; text: string }, e: Expectation, file?: string): void {
  expect(r.exit, r.text).toBe(e.exit);
  if (e.code) expect(r.text).toContain(` ${e.code}: `);
  if (e.at && file) expect(r.text).toContain(`${file}:${e.at} - error ${e.code}`);
  if (e.contains) expect(r.text).toContain(e.contains);
  expect(r.text).not.toMatch(STACK_TRACE);
}

// ---- spawned rpnc processes ----------------------------------------------------------------------

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the rpnc process, in kilobytes. */
  peakRssKb: number;
}

function rpnc(argv: string[], env: Record<string, string> = {}, onStart?: (child: ChildProcess) => void): Promise<Run> {
  const rssFile = path.join(tmp, `rss-${Math.random().toString(36).slice(2)}`);
  const t = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', path.join(corpus, 'peak-rss.mjs'), cli, ...argv], {
      cwd: tmp,
      env: { ...process.env, NO_COLOR: '1', RPNC_CANARY_DIR: canaries, RPNC_PEAK_RSS_FILE: rssFile, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    onStart?.(child);
    child.on('close', (code, signal) => {
      const peakRssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t, peakRssKb });
    });
  });
}

/** Run the jobs two at a time (the machine may have only two cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

const fill = (s: string) => s.replaceAll('{corpus}', corpus).replaceAll('{tmp}', tmp);
const leftovers = () => fs.readdirSync(tmp).filter((f) => f.endsWith('.onnx') || f.includes('.tmp-'));

/** Entries that also run as real processes: the command lines, and a few of each kind of file. */
const SPAWNED_FILES = [
  'hostile/getter.ts', 'hostile/unused_const_side_effect.ts', 'hostile/top_level_print.ts', 'hostile/for_ever.ts', 'hostile/array_from_1e9.ts',
  'models/type_unknown_option.ts', 'models/limit_m_1e9.ts', 'models/limit_grid_patch.ts',
];
const spawned = new Map<string, Run>();

/** models/limit_graph_nodes.ts reads a graph file of 1,000,001 nodes (7 MB): written here, not checked in. */
const bigGraph = path.join(corpus, 'models/graphs/nodes_1000001.json');

beforeAll(async () => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  fs.mkdirSync(path.dirname(bigGraph), { recursive: true });
  fs.writeFileSync(bigGraph, `{"nodes": [${Array.from({ length: 1_000_001 }, (_, i) => i).join(',')}], "links": [[0, 1]]}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-corpus-'));
  canaries = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-canary-'));
  const jobs: (() => Promise<void>)[] = [];
  for (const f of SPAWNED_FILES) {
    const out = path.join(tmp, `${path.basename(f, '.ts')}.onnx`);
    jobs.push(async () => void spawned.set(f, await rpnc(['build', path.join(corpus, f), '-o', out])));
  }
  for (const f of cliCases) {
    const c = JSON.parse(fs.readFileSync(f, 'utf8')) as { argv: string[]; env?: Record<string, string> };
    jobs.push(async () => void spawned.set(f, await rpnc(c.argv.map(fill), c.env)));
  }
  await pool(jobs);
}, 300_000);

afterAll(() => {
  fs.rmSync(path.dirname(bigGraph), { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(canaries, { recursive: true, force: true });
});

describe('hostile model files are refused without running anything', () => {
  it.each(hostile.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
    const r = compileInProcess(file);
    expectAnswer(r, parseExpect(file), file);
    // a few seconds at most (the step-limit cases take ~1-2 s alone); generous for loaded machines
    expect(r.ms).toBeLessThan(30_000);
    expect(fs.readdirSync(canaries)).toEqual([]);
  });

  it.each(['top_level_write', 'getter', 'require_in_helper'])('control: %s.ts, really executed, writes its canary', async (name) => {
    // the canary is not vacuous: run the file as JavaScript (rpnc's factories stubbed) and the file appears
    const { ts } = await import('ts-morph');
    const js = ts.transpileModule(fs.readFileSync(path.join(corpus, 'hostile', `${name}.ts`), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const runner = `const stub = new Proxy({}, { get: () => (o) => o }); new Function('exports', 'require', ${JSON.stringify(js)})({}, (m) => (m === 'rpnc' ? stub : require(m)));`;
    const control = fs.mkdtempSync(path.join(tmp, 'control-'));
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, ['-e', runner], { env: { ...process.env, RPNC_CANARY_DIR: control } });
    expect(fs.readdirSync(control)).toEqual([name]);
  });

  it('an import through a symbolic link to a file outside the project', () => {
    const project = fs.mkdtempSync(path.join(tmp, 'project-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-outside-'));
    try {
      fs.writeFileSync(path.join(project, 'package.json'), '{}');
      fs.writeFileSync(path.join(outside, 'secret.ts'), 'export const m = 2;\n');
      fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(project, 'link.ts'));
      fs.symlinkSync(path.join(outside, 'missing.ts'), path.join(project, 'dangling.ts'));
      const model = path.join(project, 'model.ts');
      fs.writeFileSync(model, "import { rpn, perceptronLayer } from 'rpnc';\nimport { m } from './link.ts';\nexport default rpn({ layers: [perceptronLayer({ m, n: 2 })] });\n");
      const r = compileInProcess(model);
      expectAnswer(r, { exit: 1, code: 'RPN1007', at: '2:19', contains: `symbolic link to ${fs.realpathSync(outside)}` }, model);
      fs.writeFileSync(model, "import { rpn, perceptronLayer } from 'rpnc';\nimport { m } from './dangling.ts';\nexport default rpn({ layers: [perceptronLayer({ m, n: 2 })] });\n");
      expectAnswer(compileInProcess(model), { exit: 1, code: 'RPN1006', at: '2:19' }, model);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('bad model files', () => {
  it.each(models.map((f) => [path.basename(f), f]))('%s', (_name, file) => {
    const r = compileInProcess(file);
    expectAnswer(r, parseExpect(file), file);
    expect(r.ms).toBeLessThan(30_000);
  });

  it('absurd dimensions are refused by validation, before weights are made or loaded', () => {
    for (const file of models.filter((f) => path.basename(f).startsWith('limit_'))) {
      const e = parseExpect(file);
      let thrown: unknown;
      try {
        loadSpec(file); // front end + validation only: no weight is allocated on this path
      } catch (err) {
        thrown = err;
      }
      expect(thrown, file).toBeInstanceOf(DiagnosticError);
      const d = (thrown as DiagnosticError).diagnostics[0]!;
      expect(d.code, file).toBe(e.code);
      // the message has the computed size
      expect(d.message, file).toMatch(/\d/);
    }
  });

  it('RPNC_MAX_PARAMS raises or lowers the limit', () => {
    const file = path.join(corpus, 'models/limit_w_n_times_d.ts'); // W = 40,000 × 40,000 = 1.6e9 values
    expect(() => loadSpec(file)).toThrow(/1\.60e\+9 float32 values/);
    const saved = process.env.RPNC_MAX_PARAMS;
    try {
      process.env.RPNC_MAX_PARAMS = '2000000000';
      expect(loadSpec(file).spec.layers[0]!.heads[0]!.D).toBe(40_000);
      expect(() => loadSpec(file, { maxParams: 1_000_000 })).toThrow(/beyond rpnc's limit of 1,000,000/); // the option wins over the environment
      process.env.RPNC_MAX_PARAMS = '5';
      expect(() => loadSpec(path.join(corpus, 'weights/model.ts'))).toThrow(/W = n × D = 2 × 3, the dense fabricated matrix of one channel, = 6 float32 values/);
    } finally {
      if (saved === undefined) delete process.env.RPNC_MAX_PARAMS;
      else process.env.RPNC_MAX_PARAMS = saved;
    }
  });
});

describe('bad weight files', () => {
  const model = path.join(corpus, 'weights/model.ts');
  it.each(Object.entries(weightExpect))('%s', (name, e) => {
    const weights = (e.weights ?? [name]).map((w) => path.join(corpus, 'weights', w));
    const r = compileInProcess(model, weights);
    expectAnswer(r, e);
    if (e.exit !== 0) expect(r.text).toContain(path.basename(name)); // the message names the file
  });

  it('make-weights.mjs reproduces the committed files byte for byte', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'weights-'));
    fs.copyFileSync(path.join(corpus, 'weights/make-weights.mjs'), path.join(dir, 'make-weights.mjs'));
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [path.join(dir, 'make-weights.mjs')], { cwd: dir });
    for (const f of [...Object.keys(weightExpect), 'expect.json']) {
      expect(Buffer.compare(fs.readFileSync(path.join(dir, f)), fs.readFileSync(path.join(corpus, 'weights', f))), f).toBe(0);
    }
  });
});

describe('as real rpnc processes', () => {
  it.each(SPAWNED_FILES)('%s', (f) => {
    const file = path.join(corpus, f);
    const r = spawned.get(f)!;
    expectAnswer({ exit: r.code ?? -1, text: r.stderr }, parseExpect(file), file);
    expect(r.stdout).not.toContain('PWNED');
    expect(fs.existsSync(path.join(tmp, `${path.basename(f, '.ts')}.onnx`))).toBe(false);
    expect(fs.readdirSync(canaries)).toEqual([]);
    // within a time and memory budget (a normal refusal: ~0.5-3 s, ~200 MB; generous for loaded machines)
    expect(r.ms).toBeLessThan(60_000);
    expect(r.peakRssKb).toBeLessThan(1_500_000);
  });

  it.each(cliCases.map((f) => [path.basename(f), f]))('%s', (_name, f) => {
    const c = JSON.parse(fs.readFileSync(f, 'utf8')) as Expectation & { output?: string };
    const r = spawned.get(f)!;
    expect(r.code, r.stderr).toBe(c.exit);
    if (c.code) expect(r.stderr).toContain(` ${c.code}: `);
    if (c.contains) expect(r.stderr).toContain(c.contains);
    if (c.at) expect(r.stderr).toMatch(new RegExp(`${c.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} - error ${c.code}`));
    expect(r.stderr).not.toMatch(STACK_TRACE);
    if (c.output) expect(fs.existsSync(fill(c.output))).toBe(false);
    expect(r.peakRssKb).toBeLessThan(1_500_000);
  });

  it('no command line left an output or temporary file behind', () => {
    expect(leftovers()).toEqual([]);
  });
});

describe('unreadable paths', () => {
  it('a directory given as the model file', async () => {
    const dir = path.join(tmp, 'a-directory.ts');
    fs.mkdirSync(dir, { recursive: true });
    const r = await rpnc(['build', dir, '-o', path.join(tmp, 'dir.onnx')]);
    expectAnswer({ exit: r.code ?? -1, text: r.stderr }, { exit: 1, code: 'RPN1001', at: '1:1', contains: 'is not a file' }, dir);
    expect(leftovers()).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('a model file without read permission (skipped as root: root reads anything)', async () => {
    const file = path.join(tmp, 'secret.ts');
    fs.writeFileSync(file, "import { mlp } from 'rpnc';\nexport default mlp({ dims: [2, 2] });\n");
    fs.chmodSync(file, 0o000);
    const r = await rpnc(['build', file, '-o', path.join(tmp, 'secret.onnx')]);
    expectAnswer({ exit: r.code ?? -1, text: r.stderr }, { exit: 1, code: 'RPN1001', contains: 'permission' }, file);
    expect(leftovers()).toEqual([]);
  });
});

describe('interrupted and failed builds leave nothing behind', () => {
  // ~16M parameters: seconds of initialisation, lowering and a 64 MB ONNX file to write
  const big = () => {
    const file = path.join(tmp, 'big-model.ts');
    fs.writeFileSync(file, "import { mlp } from 'rpnc';\nexport default mlp({ dims: [2000, 4000, 2000] });\n");
    return file;
  };

  it.each([['SIGTERM', 1500], ['SIGINT', 3000]] as const)('killed with %s after %i ms', async (signal, ms) => {
    const out = path.join(tmp, `killed-${signal}.onnx`);
    const r = await rpnc(['build', big(), '-o', out], {}, (child) => void setTimeout(() => child.kill(signal), ms));
    expect(r.signal, r.stderr).toBe(signal); // it was still building
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith(`killed-${signal}`))).toEqual([]);
  }, 120_000);

  it('a write that fails (the output path is a directory) removes its temporary file', async () => {
    const out = path.join(tmp, 'taken.onnx');
    fs.mkdirSync(path.join(out, 'inside'), { recursive: true });
    const r = await rpnc(['build', path.join(corpus, 'weights/model.ts'), '-w', path.join(corpus, 'weights/good.safetensors'), '-o', out]);
    expectAnswer({ exit: r.code ?? -1, text: r.stderr }, { exit: 1, code: 'RPN3011', contains: 'taken.onnx' });
    expect(fs.statSync(out).isDirectory()).toBe(true);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
