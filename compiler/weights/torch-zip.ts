/**
 * The zip container of a `torch.save` file (PyTorch's `PyTorchStreamWriter`, miniz): strict,
 * read-only, zero-copy.
 *
 * Hand-written on purpose rather than a zip library: torch stores every record uncompressed (so no
 * inflate is needed at all), the records are read as views into the file's bytes (a 200 MB checkpoint is
 * never copied), and every check a hostile archive needs is here, in one page — a general zip library
 * (fflate, yauzl) would inflate, allocate per entry and accept what torch never writes.
 *
 * Read from the central directory (torch sets bit 3, data descriptors, so the local headers carry no
 * sizes), with ZIP64 end records and ZIP64 extra fields. Refused (RPN3501–RPN3503, with the byte offset):
 * a missing or inconsistent end record, multi-disk archives, entries outside the file or overlapping each
 * other or the central directory (overlapping entries are how zip bombs multiply data), a local header
 * that does not match its central entry, a CRC-32 mismatch (checked on the records actually read),
 * compressed or encrypted entries, names that are absolute, contain `..`, `.`, empty segments,
 * backslashes or control characters (spaces and non-ASCII letters are fine: the top folder is the file's name), duplicate names, and entries outside the archive's one top folder.
 */
import { fail } from '../diagnostics.js';

export interface ZipEntry {
  /** Full name inside the archive, e.g. `m_checkpoint/data/0`. */
  name: string;
  /** Offset of the entry's data in the file. */
  dataOffset: number;
  size: number;
  crc32: number;
}

export interface TorchZip {
  /** The one top folder (torch: the file name's stem, or `archive`). */
  top: string;
  /** Records by their name below the top folder (`data.pkl`, `data/0`, `byteorder`, …). */
  records: Map<string, ZipEntry>;
  bytes: Uint8Array;
  label: string;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
const RESAVE = 'the file is truncated, corrupt or not written by torch.save: save the state_dict again with torch.save';

/** Is `bytes` a zip archive (a local file header or an empty archive's end record first)? */
export function isTorchZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
  return sig >>> 0 === SIG_LOCAL || sig >>> 0 === SIG_EOCD;
}

let CRC_TABLE: Uint32Array | undefined;
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Parse the archive's directory. Throws RPN3501 (structure), RPN3502 (compression), RPN3503 (names). */
export function readTorchZip(bytes: Uint8Array, label: string): TorchZip {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (at: number, what: string): never => fail('RPN3501', `'${label}' is not a valid torch.save archive: ${what} (byte ${at})`, { hint: RESAVE });
  const u16 = (at: number): number => (at + 2 <= bytes.length ? dv.getUint16(at, true) : bad(at, 'unexpected end of file'));
  const u32 = (at: number): number => (at + 4 <= bytes.length ? dv.getUint32(at, true) : bad(at, 'unexpected end of file'));
  const u64 = (at: number): number => {
    if (at + 8 > bytes.length) bad(at, 'unexpected end of file');
    const v = dv.getBigUint64(at, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? bad(at, `64-bit value ${v} out of range`) : Number(v);
  };

  // End of central directory: the last signature whose comment runs exactly to the end of the file.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (dv.getUint32(p, true) === SIG_EOCD && p + 22 + dv.getUint16(p + 20, true) === bytes.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) bad(bytes.length, 'no end of central directory record (truncated archive?)');
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) bad(eocd, 'multi-disk archives are not supported');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== SIG_EOCD64_LOC) bad(eocd, 'ZIP64 end record locator missing');
    const rec = u64(loc + 8);
    if (rec + 56 > loc || u32(rec) !== SIG_EOCD64) bad(loc, 'ZIP64 end record missing or out of place');
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
    cdEnd = rec;
  }
  if (cdOffset + cdSize > cdEnd) bad(eocd, `central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end record at ${cdEnd}`);
  if (count > cdSize / 46) bad(eocd, `${count} entries cannot fit in a ${cdSize}-byte central directory`);

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let top: string | undefined;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== SIG_CENTRAL) bad(p, `central directory entry ${i} missing`);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let csize = u32(p + 20);
    let usize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const disk = u16(p + 34);
    let local = u32(p + 42);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) bad(p, `central directory entry ${i} runs past the directory`);
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
    const name = decodeName(rawName);
    // ZIP64 extra field: the 64-bit values, in this order, for the fields set to 0xFFFFFFFF.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (e + 4 + len > p + 46 + nameLen + extraLen) bad(e, `extra field of '${name}' runs past its entry`);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (): number => (q + 8 <= e + 4 + len ? ((q += 8), u64(q - 8)) : bad(e, `ZIP64 extra field of '${name}' too short`));
        if (usize === 0xffffffff) usize = take();
        if (csize === 0xffffffff) csize = take();
        if (local === 0xffffffff) local = take();
      }
      e += 4 + len;
    }
    if (disk !== 0 && disk !== 0xffff) bad(p, `entry '${name}' is on another disk`);
    if (flags & 0x41) fail('RPN3502', `'${label}': entry '${safe(name)}' is encrypted (byte ${p})`, { hint: RESAVE });
    if (method !== 0 || csize !== usize) {
      fail('RPN3502', `'${label}': entry '${safe(name)}' is compressed (method ${method}, ${csize} bytes for ${usize}; byte ${p}); torch.save stores records uncompressed`, {
        hint: 'the archive was repacked by another zip tool: save the state_dict again with torch.save, or repack with `zip -0`',
      });
    }
    const bad3 = (what: string): never =>
      fail('RPN3503', `'${label}': entry name '${safe(name)}' ${what} (byte ${p})`, { hint: 'a torch.save archive holds only <folder>/data.pkl, <folder>/data/<key> and small records: this file was crafted or repacked' });
    if (!name.length || /[\x00-\x1f\x7f]/.test(name)) bad3('is empty or contains control characters');
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) bad3('is an absolute path');
    if (name.includes('\\')) bad3('contains a backslash');
    const segs = name.split('/');
    if (segs.some((s) => s === '..' || s === '.' || s === '')) bad3("has an empty, '.' or '..' segment");
    if (segs.length < 2) bad3('is not inside a folder');
    if (top === undefined) top = segs[0]!;
    else if (segs[0] !== top) bad3(`is outside the archive's top folder '${top}/'`);
    if (names.has(name)) bad3('appears twice');
    names.add(name);
    // The local header: same name; the data follows its name and extra field.
    if (local + 30 > cdOffset || u32(local) !== SIG_LOCAL) bad(local, `local header of '${safe(name)}' missing`);
    const lNameLen = u16(local + 26);
    const lExtraLen = u16(local + 28);
    const lName = bytes.subarray(local + 30, local + 30 + lNameLen);
    if (lNameLen !== nameLen || !lName.every((b, j) => b === rawName[j])) bad(local, `local header name differs from the central directory's '${safe(name)}'`);
    const dataOffset = local + 30 + lNameLen + lExtraLen;
    if (dataOffset + usize > cdOffset) bad(local, `data of '${safe(name)}' (${usize} bytes at ${dataOffset}) runs past the central directory at ${cdOffset}`);
    entries.push({ name, dataOffset, size: usize, crc32: crc, local } as ZipEntry & { local: number });
    p = next;
  }
  // No two entries may share bytes (headers or data).
  const spans = (entries as (ZipEntry & { local: number })[]).map((e) => [e.local, e.dataOffset + e.size, e.name] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) bad(spans[i]![0], `entries '${safe(spans[i - 1]![2])}' and '${safe(spans[i]![2])}' overlap`);
  }
  const records = new Map<string, ZipEntry>();
  for (const e of entries) records.set(e.name.slice(top!.length + 1), { name: e.name, dataOffset: e.dataOffset, size: e.size, crc32: e.crc32 });
  return { top: top ?? '', records, bytes, label };
}

/** The bytes of a record (a view), its CRC-32 checked. */
export function recordBytes(zip: TorchZip, entry: ZipEntry): Uint8Array {
  const data = zip.bytes.subarray(entry.dataOffset, entry.dataOffset + entry.size);
  const c = crc32(data);
  if (c !== entry.crc32) {
    fail('RPN3501', `'${zip.label}' is not a valid torch.save archive: entry '${safe(entry.name)}' has CRC-32 ${hex(c)} but the directory says ${hex(entry.crc32)} (byte ${entry.dataOffset})`, { hint: RESAVE });
  }
  return data;
}

/** Entry names: UTF-8 (torch names the top folder after the file, which may not be ASCII), else Latin-1. */
function decodeName(raw: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder('latin1').decode(raw);
  }
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
/** A name for messages: printable, at most 80 characters. */
const safe = (s: string): string => {
  const t = s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > 80 ? t.slice(0, 80) + '…' : t;
};
