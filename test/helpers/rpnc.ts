/**
 * The one way tests spawn the real `rpnc` command line (dist/cli/main.js, built by `npm run build`): a child Node
 * process in `cwd`, colours off, extra environment variables on top of the test's own.
 */
import { spawnSync } from 'node:child_process';
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
