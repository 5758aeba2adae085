import { describe, expect, it } from 'vitest';
import { editDistance, fans, SeededRandom, WeightStore, type StoredTensor } from '../../compiler/weights/store.js';
import { dataDir, expectDiag } from './helpers.js';
import * as path from 'node:path';

const t = (shape: number[], values?: number[]): StoredTensor => ({
  shape,
  data: Float32Array.from(values ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)),
  file: 'w.safetensors',
});
const by = { requiredBy: 'head layers.0.heads.0 (identity_reconciliation, n=3, D=5 → l=15)' };

function store(): WeightStore {
  return new WeightStore(
    new Map([
      ['layers.0.heads.0.w', t([1, 15])],
      ['layers.0.heads.0.b', t([3])],
      ['layers.0.heads.1.w', t([1, 15])],
      ['layers.1.heads.0.w', t([1, 15], Array(15).fill(0))],
      ['extra.thing', t([2])],
    ]),
    "'w.safetensors'",
  );
}

describe('WeightStore', () => {
  it('returns weights of the right shape and tracks use', () => {
    const s = store();
    expect(s.get('layers.0.heads.0.w', [1, 15], by)[3]).toBe(3);
    expect(s.has('layers.0.heads.0.b')).toBe(true);
    expect(s.has('nope')).toBe(false);
    s.markUsed('extra.thing');
    expect(s.unusedKeys()).toEqual(['layers.0.heads.0.b', 'layers.0.heads.1.w', 'layers.1.heads.0.w']);
  });

  it('missing weight names key, shape, requirer, and close keys', () => {
    const text = expectDiag(
      () => store().get('layers.0.heads.2.w', [1, 15], by),
      'RPN3101',
      "missing weight 'layers.0.heads.2.w' (shape [1,15]) required by head layers.0.heads.0 (identity_reconciliation",
      "'w.safetensors'",
    );
    expect(text).toMatch(/similar name.*'layers\.0\.heads\.0\.w' \[1,15\]/);
    expectDiag(() => store().get('zzzzzz', [2], by), 'RPN3101', 'none resembles it', '--seed');
  });

  it('wrong shape names both shapes and what needs it', () => {
    const text = expectDiag(() => store().get('layers.0.heads.0.b', [4], by), 'RPN3102', "'layers.0.heads.0.b'", 'w.safetensors', '[3]', 'expects [4]', 'model');
    expect(text).not.toContain('transposed');
    expectDiag(() => store().get('layers.0.heads.0.w', [15, 1], by), 'RPN3102', 'transposed');
  });

  it('unused keys', () => {
    const s = store();
    for (const k of s.keys()) if (k !== 'extra.thing') s.markUsed(k);
    expectDiag(() => s.assertAllUsed(), 'RPN3103', "'extra.thing'", 'a key the model does not use');
    s.markUsed('extra.thing');
    expect(() => s.assertAllUsed()).not.toThrow();
  });

  it('aliases must be identical', () => {
    const s = store();
    s.checkAliasesEqual(['layers.0.heads.0.w', 'layers.0.heads.1.w', 'layers.0.heads.9.w']);
    expect(s.unusedKeys()).not.toContain('layers.0.heads.1.w');
    expectDiag(() => s.checkAliasesEqual(['layers.0.heads.0.w', 'layers.1.heads.0.w']), 'RPN3104', "'layers.1.heads.0.w'", 'index 1 (1 vs 0)');
    expectDiag(() => s.checkAliasesEqual(['layers.0.heads.0.w', 'layers.0.heads.0.b']), 'RPN3104', 'shapes [1,15] and [3] differ');
  });

  it('loads from files', () => {
    const s = WeightStore.fromFiles([path.join(dataDir, 'a_identity_bias.weights.safetensors')]);
    expect(s.get('layers.0.heads.0.b', [3], by).length).toBe(3);
    expectDiag(() => s.assertAllUsed(), 'RPN3103', 'layers.0.heads.0.w', 'a_identity_bias.weights.safetensors');
  });

  it('editDistance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('a', 'abcdef', 3)).toBe(3);
  });
});

describe('SeededRandom', () => {
  it('first value matches a hand computation of mulberry32 (BigInt, independent of the implementation)', () => {
    const M = 1n << 32n;
    const mul = (a: bigint, b: bigint) => (a * b) % M;
    const s = 0x6d2b79f5n; // state after one step from seed 0
    let x = mul(s ^ (s >> 15n), s | 1n);
    x = x ^ ((x + mul(x ^ (x >> 7n), x | 61n)) % M);
    const expected = Number(x ^ (x >> 14n)) / 2 ** 32;
    expect(new SeededRandom(0).next()).toBe(expected);
    expect(expected).toBe(0.26642920868471265); // the published first output of mulberry32(0)
  });

  it('is deterministic per seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 20 }, () => a.normal());
    expect(Array.from({ length: 20 }, () => b.normal())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.normal())).not.toEqual(xs);
    expect([...new SeededRandom(7).xavierUniform([3, 4])]).toEqual([...new SeededRandom(7).xavierUniform([3, 4])]);
  });

  it('has the right ranges and moments', () => {
    const r = new SeededRandom(1);
    const n = 20000;
    const u = Array.from({ length: n }, () => r.uniform(-2, 3));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    const z = r.normalTensor([n], 1, 2);
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('xavier uses torch fans: fan_in = cols, fan_out = rows', () => {
    expect(fans([3, 5])).toEqual({ fanIn: 5, fanOut: 3 });
    expect(fans([4, 2, 3])).toEqual({ fanIn: 6, fanOut: 12 });
    const bound = Math.sqrt(6 / (15 + 1));
    const w = new SeededRandom(3).xavierUniform([1, 15]);
    expect(w.length).toBe(15);
    for (const v of w) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const big = new SeededRandom(3).xavierNormal([200, 300]);
    const sd = Math.sqrt(big.reduce((a, b) => a + b * b, 0) / big.length);
    expect(sd).toBeCloseTo(Math.sqrt(2 / 500), 2);
    expect(() => fans([5])).toThrow(/at least 2 dimensions/);
  });

  it('rejects invalid seeds', () => {
    expectDiag(() => new SeededRandom(-1), 'RPN3301', '-1');
    expectDiag(() => new SeededRandom(1.5), 'RPN3301', '1.5');
    expectDiag(() => new SeededRandom(2 ** 32), 'RPN3301');
  });
});
