/**
 * The command line's terminal behaviour: colours only on a TTY / FORCE_COLOR and never with
 * NO_COLOR, --quiet and --verbose, the progress line only on a TTY, help texts with examples,
 * --version, and the default output path beside the model file.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearProgress, colorEnabled, configureTerminal, note, printDiagnostics, progress, type OutStream } from '../../cli/terminal.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const example = path.join(root, 'fixtures/example.ts');
const ANSI = /\x1b\[/;
let tmp: string;

/** Run the built CLI; the environment has no colour variables unless `env` sets them. */
function rpnc(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: opts.cwd ?? tmp, encoding: 'utf8', env: { ...env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking (to run several at once). */
function rpncAsync(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    p.on('close', (code) => resolve({ code, stdout }));
  });
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-term-'));
  // a model with a type error on line 4 (for coloured errors) and one with a warning (RPN2201)
  fs.writeFileSync(path.join(tmp, 'bad.ts'), "import { mlp } from 'rpnc';\n\n// dims must be numbers\nexport default mlp({ dims: [4, 'two'] });\n");
  fs.writeFileSync(
    path.join(tmp, 'warn.ts'),
    [
      "import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, batchNorm1d } from 'rpnc';",
      'export default rpn({ layers: [layer({ m: 3, n: 2, heads: [head({ m: 3, n: 2, dataTransformation: identityExpansion(),',
      '  parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), outputProcessFunctions: [batchNorm1d({ numFeatures: 2 })] })] })] });',
      '',
    ].join('\n'),
  );
});

describe('colours', () => {
  it('none when stderr is not a TTY (a spawned process), with the same text', () => {
    const r = rpnc(['build', 'bad.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.ts:4:\d+ - error RPN1003: /);
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stderr).not.toContain('\r'); // and no progress line
  });

  it('FORCE_COLOR=1 colours severity, code and caret; the plain text is unchanged', () => {
    const plain = rpnc(['build', 'bad.ts']).stderr;
    const r = rpnc(['build', 'bad.ts'], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('\x1b[1;31merror\x1b[0m \x1b[1mRPN1003\x1b[0m');
    expect(r.stderr).toMatch(/\x1b\[1;31m\^+\x1b\[0m/); // the caret under the offending value
    expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('warnings are yellow with FORCE_COLOR', () => {
    const r = rpnc(['build', 'warn.ts'], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\x1b[1;33mwarning\x1b[0m \x1b[1mRPN2201\x1b[0m');
  });

  it('NO_COLOR wins over FORCE_COLOR', () => {
    const r = rpnc(['build', 'bad.ts'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/error RPN1003/);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it('colorEnabled: TTY, NO_COLOR, FORCE_COLOR, TERM=dumb', () => {
    const tty: OutStream = { isTTY: true, write: () => true };
    const pipe: OutStream = { isTTY: false, write: () => true };
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true); // NO_COLOR counts only when non-empty
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: 'x' })).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('--quiet and --verbose', () => {
  afterEach(() => configureTerminal({}));

  it('--quiet: no notes, warnings or "wrote" lines, but the file is written', () => {
    const loud = rpnc(['build', 'warn.ts', '-o', 'loud.onnx']);
    expect(loud.stderr).toMatch(/warning RPN2201/);
    expect(loud.stderr).toMatch(/^note: no --weights given/m);
    expect(loud.stderr).toMatch(/^wrote loud\.onnx/m);
    expect(loud.stderr).not.toMatch(/^phase/m); // no timings without --verbose
    const r = rpnc(['--quiet', 'build', 'warn.ts', '-o', 'q.onnx']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(Buffer.compare(fs.readFileSync(path.join(tmp, 'q.onnx')), fs.readFileSync(path.join(tmp, 'loud.onnx')))).toBe(0);
  });

  it('--quiet still prints errors, with their exit code', () => {
    const r = rpnc(['build', 'bad.ts', '-q']); // also after the command
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error RPN1003/);
  });

  it('--verbose prints the time of every phase and pass statistics (build and check)', () => {
    const r = rpnc(['build', example, '-o', 'v.onnx', '--verbose']);
    expect(r.code).toBe(0);
    const phases = [...r.stderr.matchAll(/^phase\s+(front end|spec|lowering|passes|emit)\s+(\d+\.\d) ms/gm)].map((m) => m[1]);
    expect(phases).toEqual(['front end', 'spec', 'lowering', 'passes', 'emit']);
    // pass statistics: nodes before -> after, and which passes changed the graph
    const m = /^phase\s+passes .*\((\d+) -> (\d+) nodes; (.*)\)$/m.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(Number(m![1])); // folding ψ(w) removes nodes
    expect(m![3]).toMatch(/constant-folding changed the graph \d+×/);
    const emitted = /^phase\s+emit .*\((\d+) bytes\)/m.exec(r.stderr);
    expect(Number(emitted![1])).toBe(fs.statSync(path.join(tmp, 'v.onnx')).size);
    const c = rpnc(['check', example, '--verbose']);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/^phase\s+run\+compare\s+\d+\.\d ms/m);
  });

  it('printDiagnostics and note honour --quiet in-process', () => {
    const lines: string[] = [];
    const s: OutStream = { write: (x: string) => lines.push(x) };
    const w = { code: 'RPN2201', severity: 'warning' as const, message: 'w' };
    const e = { code: 'RPN2001', severity: 'error' as const, message: 'e' };
    configureTerminal({ quiet: true });
    printDiagnostics([w, e], s);
    note('n', s);
    expect(lines).toEqual(['error RPN2001: e\n']);
  });
});

describe('progress', () => {
  afterEach(() => configureTerminal({}));

  function fake(isTTY: boolean) {
    const writes: string[] = [];
    let t = 0;
    return { writes, stream: { isTTY, write: (x: string) => writes.push(x) }, now: () => t, advance: (ms: number) => (t += ms) };
  }

  it('draws on a TTY once the step is slow, and erases itself', () => {
    const f = fake(true);
    const bar = progress('building m.ts', { stream: f.stream, now: f.now, delayMs: 250 });
    bar.update('front end'); // too early: fast steps stay silent
    expect(f.writes).toEqual([]);
    f.advance(300);
    bar.update('folding', 2, 5);
    expect(f.writes).toEqual(['\r\x1b[2Kbuilding m.ts: folding 2/5 (0.3 s)']);
    f.advance(10);
    bar.update('folding', 3, 5); // the same step: throttled
    expect(f.writes).toHaveLength(1);
    bar.update('emitting'); // a new step shows at once
    expect(f.writes.at(-1)).toBe('\r\x1b[2Kbuilding m.ts: emitting (0.3 s)');
    bar.done();
    expect(f.writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('clearProgress erases a drawn line (before an error is printed), and only once', () => {
    const f = fake(true);
    const bar = progress('checking m.ts', { stream: f.stream, now: f.now, delayMs: 0 });
    clearProgress(); // nothing drawn yet: nothing to erase
    expect(f.writes).toEqual([]);
    f.advance(100);
    bar.update('lowering');
    clearProgress();
    clearProgress();
    expect(f.writes).toEqual(['\r\x1b[2Kchecking m.ts: lowering (0.1 s)', '\r\x1b[2K']);
  });

  it('draws nothing when not a TTY, or with --quiet', () => {
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      configureTerminal({ quiet });
      const f = fake(tty);
      const bar = progress('x', { stream: f.stream, now: f.now, delayMs: 0 });
      f.advance(1000);
      bar.update('step');
      bar.done();
      expect(f.writes).toEqual([]);
    }
  });
});

describe('help, version, default paths', () => {
  it('every command has --help with examples', async () => {
    const top = rpnc(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Examples:');
    const commands = [...top.stdout.split(/^Commands:$/m)[1].split('\n\n')[0].matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['build', 'run', 'check', 'init']));
    const helps = await Promise.all(commands.map((c) => rpncAsync([c, '--help'])));
    commands.forEach((c, i) => {
      expect(helps[i].code, c).toBe(0);
      expect(helps[i].stdout, `rpnc ${c} --help`).toMatch(/\nExamples:\n {2}rpnc /);
      expect(helps[i].stdout, `rpnc ${c} --help`).toMatch(/Global Options:[^]*--quiet[^]*--verbose/);
    });
    expect(top.stdout).toMatch(/--quiet/);
    expect(top.stdout).toMatch(/--verbose/);
  }, 120_000);

  it('--version prints the version of package.json', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = rpnc([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('build writes x.onnx beside x.ts by default, from any working directory', () => {
    const sub = path.join(tmp, 'models', 'deep');
    fs.mkdirSync(sub, { recursive: true });
    fs.copyFileSync(example, path.join(sub, 'x.ts'));
    const rel = rpnc(['build', 'models/deep/x.ts']);
    expect(rel.code).toBe(0);
    expect(rel.stderr).toMatch(/^wrote models\/deep\/x\.onnx/m);
    expect(fs.existsSync(path.join(sub, 'x.onnx'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'x.onnx'))).toBe(false);
    fs.rmSync(path.join(sub, 'x.onnx'));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-cwd-'));
    const abs = rpnc(['build', path.join(sub, 'x.ts')], { cwd: other });
    expect(abs.code).toBe(0);
    expect(fs.existsSync(path.join(sub, 'x.onnx'))).toBe(true);
    expect(fs.readdirSync(other)).toEqual([]);
    // from the model's own directory
    const here = rpnc(['build', 'x.ts', '--emit', 'ir'], { cwd: sub });
    expect(here.code).toBe(0);
    expect(here.stdout).toMatch(/MatMul|Gemm/);
  });
});
