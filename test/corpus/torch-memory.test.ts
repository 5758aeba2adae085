/**
 * Memory (issue #15): reading a 200 MB torch.save checkpoint peaks below 2× the file size — the
 * storages are views into the file's bytes, never copied. Measured as the peak RSS of a real
 * `rpnc inspect <ckpt>` process (which reads and checks every tensor), like the corpus's other budgets.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { crc32 } from '../../compiler/weights/torch-zip.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-torch-mem-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A torch.save-layout archive (stored entries, no data descriptors) of { key: Float32Array }. */
function writeCheckpoint(file: string, tensors: Record<string, Float32Array>): number {
  const keys = Object.keys(tensors);
  const pkl: number[] = [0x80, 2, 0x63, ...Buffer.from('collections\nOrderedDict\n'), 0x29, 0x52, 0x28];
  const str = (s: string) => [0x58, ...new Uint8Array(new Uint32Array([s.length]).buffer), ...Buffer.from(s)];
  const int = (n: number) => [0x4a, ...new Uint8Array(new Int32Array([n]).buffer)];
  keys.forEach((k, i) => {
    const n = tensors[k]!.length;
    pkl.push(...str(k), 0x63, ...Buffer.from('torch._utils\n_rebuild_tensor_v2\n'), 0x28,
      0x28, ...str('storage'), 0x63, ...Buffer.from('torch\nFloatStorage\n'), ...str(String(i)), ...str('cpu'), ...int(n), 0x74, 0x51,
      ...int(0), ...int(n), 0x85, ...int(1), 0x85, 0x89, 0x63, ...Buffer.from('collections\nOrderedDict\n'), 0x29, 0x52, 0x74, 0x52);
  });
  pkl.push(0x75, 0x2e);
  const records: [string, Uint8Array][] = [['big/data.pkl', Uint8Array.from(pkl)], ...keys.map((k, i) => [`big/data/${i}`, new Uint8Array(tensors[k]!.buffer)] as [string, Uint8Array]), ['big/version', Buffer.from('3\n')]];
  const fd = fs.openSync(file, 'w');
  let pos = 0;
  const central: Buffer[] = [];
  const put = (b: Uint8Array) => { fs.writeSync(fd, b); pos += b.length; };
  for (const [name, data] of records) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    // torch pads the local extra field ('FB' records) so that every record's data starts on 64 bytes
    const pad = (64 - ((pos + 30 + n.length + 4) % 64)) % 64;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26); local.writeUInt16LE(4 + pad, 28);
    const extra = Buffer.alloc(4 + pad);
    extra.write('FB', 0, 'latin1'); extra.writeUInt16LE(pad, 2);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(pos, 42);
    central.push(c, n);
    put(local); put(n); put(extra); put(data);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(records.length, 8); end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(pos, 16);
  put(cd); put(end);
  fs.closeSync(fd);
  return pos;
}

it('a 200 MB checkpoint is read with a peak RSS below 2× its size', () => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const file = path.join(tmp, 'big_checkpoint');
  const w = new Float32Array(50_000_000);
  for (let i = 0; i < w.length; i += 4096) w[i] = Math.sin(i); // not all zeros; pages written
  const size = writeCheckpoint(file, { 'layers.0.heads.0.w': w, 'layers.0.heads.0.b': Float32Array.from([1, 2]) });
  expect(size).toBeGreaterThan(200_000_000);
  const rss = path.join(tmp, 'rss');
  const r = spawnSync(process.execPath, ['--import', path.join(root, 'test/corpus/peak-rss.mjs'), cli, 'inspect', file], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', RPNC_PEAK_RSS_FILE: rss }, maxBuffer: 1 << 20,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout, r.stdout).toMatch(/layers\.0\.heads\.0\.w +float32 +\[50000000\] +50,000,000/);
  const peak = Number(fs.readFileSync(rss, 'utf8')) * 1024;
  console.log(`peak RSS ${(peak / 1e6).toFixed(0)} MB, file ${(size / 1e6).toFixed(0)} MB`);
  expect(peak, `peak RSS ${(peak / 1e6).toFixed(0)} MB for a ${(size / 1e6).toFixed(0)} MB file`).toBeLessThan(2 * size);
}, 120_000);
