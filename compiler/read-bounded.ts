/**
 * Reading a file the user named (text, or bytes such as an .onnx file), with its type and size checked first: a FIFO, a device or a
 * directory is never opened (opening a FIFO for reading blocks until someone writes to it), and a
 * file above the limit is refused from its size alone, never read whole. The read itself stops one
 * byte past the limit, so a file that grows after the check is refused too.
 */
import * as buffer from 'node:buffer';
import * as fs from 'node:fs';

/** Why a bounded read failed. `kind`: what the path is when it is not a regular file ('a directory', 'a FIFO (named pipe)', ...). */
export type BoundedReadFailure = { ok: false; problem: 'missing' | 'not-a-file' | 'too-large' | 'unreadable'; kind?: string; size?: number; message: string };

export type BoundedRead = { ok: true; text: string; bytes: number } | BoundedReadFailure;

export type BoundedBytes = { ok: true; data: Uint8Array } | BoundedReadFailure;

/** What a path is, in words, when it is not a regular file. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Read `file` as UTF-8 if it is a regular file of at most `maxBytes` bytes. Never throws. */
export function readTextBounded(file: string, maxBytes: number): BoundedRead {
  const r = readBytesBounded(file, maxBytes);
  return r.ok ? { ok: true, text: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('utf8'), bytes: r.data.length } : r;
}

/** The most bytes one file read can hold (Node's largest Buffer). */
export const MAX_READ_BYTES = Math.min(buffer.constants.MAX_LENGTH, 2 ** 32);

/** The bytes of `file` if it is a regular file of at most `maxBytes` bytes (and below MAX_READ_BYTES). Never throws. */
export function readBytesBounded(file: string, maxBytes: number): BoundedBytes {
  maxBytes = Math.min(maxBytes, MAX_READ_BYTES - 1);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing', message: (e as Error).message };
    return { ok: false, problem: 'unreadable', message: (e as Error).message };
  }
  if (!st.isFile()) return { ok: false, problem: 'not-a-file', kind: fileKind(st), message: `it is ${fileKind(st)}` };
  if (st.size > maxBytes) return { ok: false, problem: 'too-large', size: st.size, message: `${st.size} bytes` };
  let fd: number | undefined;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, the open does not hang
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const st2 = fs.fstatSync(fd);
    if (!st2.isFile()) return { ok: false, problem: 'not-a-file', kind: fileKind(st2), message: `it is ${fileKind(st2)}` };
    let buf = Buffer.allocUnsafe(Math.min(maxBytes, st2.size) + 1);
    let n = 0;
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > maxBytes) return { ok: false, problem: 'too-large', size: n, message: `more than ${maxBytes} bytes` };
      if (n === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(Math.min(buf.length, maxBytes + 1 - buf.length))]); // it grew since the stat
    }
    return { ok: true, data: buf.subarray(0, n) };
  } catch (e) {
    return { ok: false, problem: 'unreadable', message: (e as Error).message };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Why a bounded read failed, in words that complete "'<file>' …": does not exist / is a FIFO / is N bytes, more than … */
export function boundedReadProblem(r: BoundedReadFailure, maxBytes: number): string {
  if (r.problem === 'missing') return 'does not exist';
  if (r.problem === 'not-a-file') return `is ${r.kind ?? 'not a regular file'}, not a regular file`;
  if (r.problem === 'too-large') return `is ${r.size !== undefined ? `${r.size} bytes` : 'too large'}, more than rpnc reads (${Math.min(maxBytes, MAX_READ_BYTES - 1)} bytes)`;
  return `cannot be read (${r.message})`;
}
