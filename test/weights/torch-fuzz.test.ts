/**
 * Mutation fuzz of the torch.save reader (fixed seeds, deterministic): random byte edits, insertions
 * and truncations of real checkpoints, of their data.pkl (with the CRC fixed up, so that the unpickler
 * itself is reached) and of a graph pickle. Every outcome must be a value or a DiagnosticError with an
 * RPN3xxx code — never another exception (which the CLI would report as an internal error), never a hang.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { parseTorchCheckpoint, readTinybigGraphPickle } from '../../compiler/weights/torch-checkpoint.js';
import { crc32, readTorchZip } from '../../compiler/weights/torch-zip.js';

const root = path.resolve(import.meta.dirname, '../..');
const ckpt = fs.readFileSync(path.join(root, 'fixtures/torch/b_perceptron_layer_width2_shared_heads__bnbatch_checkpoint'));
const graph = fs.readFileSync(path.join(root, 'fixtures/torch/g6_directed.pkl'));

type Edit = { at: number; kind: 'set' | 'insert' | 'delete' | 'truncate'; byte: number };
const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'insert', 'delete', 'truncate'), byte: fc.integer({ min: 0, max: 255 }) }) as fc.Arbitrary<Edit>;

function apply(src: Uint8Array, edits: Edit[], lo = 0, hi = src.length): Uint8Array {
  let b = Array.from(src);
  for (const e of edits) {
    const at = lo + (e.at % Math.max(1, Math.min(hi, b.length) - lo));
    if (e.kind === 'set') b[at] = e.byte;
    else if (e.kind === 'insert') b.splice(at, 0, e.byte);
    else if (e.kind === 'delete') b.splice(at, 1);
    else b = b.slice(0, at);
  }
  return Uint8Array.from(b);
}

/** Only DiagnosticErrors with RPN3xxx codes may escape. */
function safely(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    expect(e.diagnostics[0]!.code).toMatch(/^RPN3\d{3}$/);
  }
}

describe('mutated checkpoints and pickles give a diagnostic, never a crash', () => {
  it('anywhere in the archive', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => safely(() => parseTorchCheckpoint(apply(ckpt, edits), 'fuzz'))), { seed: 15, numRuns: 800 });
  });

  it('inside data.pkl, with the archive kept valid (the unpickler and the tensor checks are reached)', () => {
    const zip = readTorchZip(ckpt, 'x');
    const e = zip.records.get('data.pkl')!;
    const pkl = ckpt.subarray(e.dataOffset, e.dataOffset + e.size);
    const codes = new Map<string, number>();
    fc.assert(fc.property(fc.array(edit.filter((x) => x.kind === 'set'), { minLength: 1, maxLength: 6 }), (edits) => {
      const p = apply(pkl, edits);
      const b = Buffer.from(ckpt);
      b.set(p, e.dataOffset);
      const centralStart = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      for (let c = centralStart; c >= 0 && c < b.length; c = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), c + 4)) {
        const nameLen = b.readUInt16LE(c + 28);
        if (b.subarray(c + 46, c + 46 + nameLen).toString('latin1').endsWith('/data.pkl')) b.writeUInt32LE(crc32(p), c + 16);
      }
      // (the central directory entry of data.pkl got the new CRC-32 above)
      let c = 'ok';
      try {
        parseTorchCheckpoint(b, 'fuzz');
      } catch (err) {
        if (!(err instanceof DiagnosticError)) throw err;
        c = err.diagnostics[0]!.code;
        expect(c).toMatch(/^RPN3\d{3}$/);
      }
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }), { seed: 1515, numRuns: 1000 });
    // the mutations reach the unpickler (RPN351x) and the tensor checks, not only the CRC
    expect([...codes.keys()].filter((c) => /^RPN351/.test(c)).length, JSON.stringify([...codes])).toBeGreaterThanOrEqual(3);
    expect(codes.has('RPN3501'), JSON.stringify([...codes])).toBe(false);
  });

  it('a graph pickle', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => safely(() => readTinybigGraphPickle(apply(graph, edits), 'fuzz'))), { seed: 150, numRuns: 1000 });
  });
});
