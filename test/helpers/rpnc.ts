/**
 * The one way tests spawn the real `rpnc` command line (dist/cli/main.js, built by `npm run build`): a child Node
 * process in `cwd`, colours off, extra environment variables on top of the test's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const cli = path.join(root, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rpnc <args>` in `cwd` and waits for it. */
export function runRpnc(cwd: string, args: string[], env: Record<string, string | undefined> = {}): CliResult {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface MeasuredRun extends CliResult {
  /** Wall time of the process, ms. */
  ms: number;
  /** Peak resident set size, kB (test/corpus/peak-rss.mjs), NaN when the process died before writing it. */
  peakRssKb: number;
}

/**
 * Runs `rpnc <argv>` in `cwd` without blocking the test's event loop (several at once with Promise.all), with its
 * wall time and peak RSS measured; killed (code null) after `timeoutMs`.
 */
export function runRpncMeasured(cwd: string, argv: string[], timeoutMs = 60_000): Promise<MeasuredRun> {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const rssFile = path.join(cwd, `rss-${Math.random().toString(36).slice(2)}`);
  const peakRss = path.join(root, 'test/corpus/peak-rss.mjs');
  const t = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', peakRss, cli, ...argv], { cwd, env: { ...process.env, NO_COLOR: '1', RPNC_PEAK_RSS_FILE: rssFile } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const peakRssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
      resolve({ code, stdout, stderr, ms: performance.now() - t, peakRssKb });
    });
  });
}
