import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics.js';

export const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

/** Run `fn`, expect a DiagnosticError with `code`; returns "message\nhint" for further checks. */
export function expectDiag(fn: () => unknown, code: string, ...mentions: string[]): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticError);
    const d = (e as DiagnosticError).diagnostics[0]!;
    const text = `${d.message}\n${d.hint ?? ''}`;
    expect(d.code, text).toBe(code);
    for (const m of mentions) expect(text).toContain(m);
    return text;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** Raw safetensors bytes from header text + data; `len` overrides the header length field. */
export function rawSafetensors(header: string | object, data: Uint8Array = new Uint8Array(0), len?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, len ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Little-endian float32 bytes. */
export function f32Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-test-'));
}
