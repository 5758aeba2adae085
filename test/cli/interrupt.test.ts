/**
 * A build interrupted (SIGINT / SIGTERM) while its output is being written: rpnc's temporary file
 * (`<out>.rpnc.tmp-<pid>`) is gone afterwards and the exit status is 130 / 143; a build interrupted
 * while compiling still stops at once (killed by the signal, nothing written).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMP_MARK } from '../../compiler/weights/atomic.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
let tmp: string;
let model: string;

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-interrupt-'));
  // 16M parameters: a 64 MB file to write, after seconds of compilation
  model = path.join(tmp, 'big.ts');
  fs.writeFileSync(model, "import { mlp } from 'rpnc';\nexport default mlp({ dims: [2000, 4000, 2000] });\n");
});

/** Build into `dir`; send `signal` when `when` says so (given the names in `dir`); the exit code, signal and names left. */
function build(dir: string, signal: NodeJS.Signals, when: (names: string[]) => boolean, after = 0) {
  fs.mkdirSync(dir);
  const child = spawn(process.execPath, [cli, 'build', model, '-o', path.join(dir, 'out.onnx')], { stdio: 'ignore' });
  let sent = false;
  const send = () => !sent && child.exitCode === null && (sent = true) && child.kill(signal);
  const watcher = fs.watch(dir, () => when(fs.readdirSync(dir)) && send());
  const timer = after ? setTimeout(send, after) : undefined;
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; sent: boolean; names: string[] }>((resolve) =>
    child.on('exit', (code, sig) => {
      watcher.close();
      clearTimeout(timer);
      resolve({ code, signal: sig, sent, names: fs.readdirSync(dir) });
    }),
  );
}

describe('interrupted builds', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s while the temporary file is written: no temporary file left, exit %i', async (signal, code) => {
    const dir = path.join(tmp, `write-${signal}`);
    const r = await build(dir, signal, (names) => names.some((n) => n.startsWith(`out.onnx${TEMP_MARK}`)));
    expect(r.sent, 'the signal was sent while the temporary file existed').toBe(true);
    expect(r.names.filter((n) => n.includes(TEMP_MARK))).toEqual([]);
    expect([r.code, r.signal]).toEqual([code, null]);
    // the write itself completed before the signal was handled: what is there is the whole model
    for (const n of r.names) expect(onnxProto.onnx.ModelProto.decode(fs.readFileSync(path.join(dir, n))).graph!.node!.length).toBeGreaterThan(0);
  }, 120_000);

  it('SIGINT while compiling still stops the build at once: killed by the signal, nothing written', async () => {
    const dir = path.join(tmp, 'compile');
    const r = await build(dir, 'SIGINT', () => false, 1200);
    expect(r.sent).toBe(true);
    expect(r.signal).toBe('SIGINT');
    expect(r.names).toEqual([]);
  }, 120_000);
});
