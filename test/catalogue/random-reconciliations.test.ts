/**
 * Reconciliations with random / lazily created state (rpn-semantics §8, §16 #8–#10) and the svm /
 * naive_bayes / pgm built-ins (§15):
 * side-car tensors, refusals (missing side-cars, fixedMask: false, duplicated_diagonal_padding with p ≠ n)
 * with their messages and source locations, and numerics of the components without golden data
 * (masking, duplicated_diagonal_padding, random_matrix_adaption fusion) against the reference interpreter.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { DiagnosticError, type Diagnostic } from '../../compiler/diagnostics.js';
import { naiveBayes, naiveBayesLayer, pgm, pgmHead, svm, svmLayer } from '../../compiler/dsl/index.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { parameterManifest } from '../../compiler/spec/params.js';
import { WeightStore } from '../../compiler/weights/store.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = (c: string) => path.join(root, 'fixtures/models', `${c}.ts`);
const golden = (c: string, f: string) => path.join(root, 'fixtures/golden', c, f);
const model = (name: string) => path.join(import.meta.dirname, 'models', `${name}.ts`);

/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  expect(i, `'${needle}' in ${file}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

function diagnosticsOf(f: () => unknown): Diagnostic[] {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics;
    throw e;
  }
  return expect.fail('expected a DiagnosticError');
}

function store(entries: Record<string, { shape: number[]; data: ArrayLike<number> }>): WeightStore {
  return new WeightStore(new Map(Object.entries(entries).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }])), 'the test weights');
}

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function ort(onnx: Uint8Array, x: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  return (await runSession(await createSession(onnx), x)).data;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(expected[i]));
  }
}

describe('missing side-car tensors are refused (RPN3106)', () => {
  it('random_matrix_adaption: names A and B, says why, points at the reconciliation', () => {
    const file = fixture('a_random_matrix_adaption');
    const { spec } = loadSpec(file);
    const ws = loadWeights(spec, { weights: [golden('a_random_matrix_adaption', 'weights.safetensors')] }); // no extras.safetensors
    const [d, ...rest] = diagnosticsOf(() => compileSpec(spec, ws));
    expect(rest).toEqual([]);
    expect(d.code).toBe('RPN3106');
    expect(d.severity).toBe('error');
    expect(d.message).toContain("'layers.0.heads.0.parameter_fabrication.A' [3,2]");
    expect(d.message).toContain("'layers.0.heads.0.parameter_fabrication.B' [5,2]");
    expect(d.message).toContain('random_matrix_adaption_reconciliation');
    expect(d.message).toMatch(/global RNG at the first forward and does not save them/);
    expect(d.message).toContain('weights.safetensors');
    expect(d.hint).toMatch(/extras\.safetensors/);
    expect(d.hint).toMatch(/--weights/);
    expect(d.span?.file).toBe(file);
    expect(d.span?.line).toBe(lineOf(file, 'randomMatrixAdaptionReconciliation({'));
  });

  it('the reference interpreter refuses the same way', () => {
    const { spec } = loadSpec(fixture('a_random_matrix_adaption'));
    const ws = loadWeights(spec, { weights: [golden('a_random_matrix_adaption', 'weights.safetensors')] });
    const [d] = diagnosticsOf(() => runReference(spec, ws, { rows: 1, cols: 5, data: new Float32Array(5) }));
    expect(d.code).toBe('RPN3106');
  });

  it('random_matrix_hypernet: names each of P, Q, S, T that is missing, with its shape', () => {
    const file = fixture('a_random_matrix_hypernet');
    const { spec } = loadSpec(file);
    const p = 'layers.0.heads.0.parameter_fabrication.';
    // only P given: Q, S, T missing
    const ws = store({ 'layers.0.heads.0.w': { shape: [1, 6], data: values(6, 1) }, [`${p}P`]: { shape: [6, 2], data: values(12, 2) } });
    const [d] = diagnosticsOf(() => compileSpec(spec, ws));
    expect(d.code).toBe('RPN3106');
    expect(d.message).not.toContain(`'${p}P'`);
    expect(d.message).toContain(`'${p}Q' [5,2]`);
    expect(d.message).toContain(`'${p}S' [5,2]`);
    expect(d.message).toContain(`'${p}T' [12,2]`);
    expect(d.span?.line).toBe(lineOf(file, 'randomMatrixHypernetReconciliation({'));
  });

  it('hypernet: a state_dict saved before the first forward lacks net.* — says so', () => {
    const file = fixture('a_hypernet');
    const { spec } = loadSpec(file);
    const [d] = diagnosticsOf(() => compileSpec(spec, store({ 'layers.0.heads.0.w': { shape: [1, 6], data: values(6, 3) } })));
    expect(d.code).toBe('RPN3106');
    for (const [k, s] of [['net.0.weight', '5,6'], ['net.0.bias', '5'], ['net.2.weight', '12,5'], ['net.2.bias', '12']]) {
      expect(d.message).toContain(`'layers.0.heads.0.parameter_fabrication.${k}' [${s}]`);
    }
    expect(d.message).toMatch(/lazily at the first forward/);
    expect(d.hint).toMatch(/one forward pass/);
    expect(d.span?.line).toBe(lineOf(file, 'hypernetReconciliation({'));
  });

  it('a fusion with random_matrix_adaption: names the head fusion side-cars', () => {
    const file = fixture('b_rma_concatenation_fusion');
    const { spec } = loadSpec(file);
    const seeded = loadWeights(spec, { seed: 5 });
    const kept = parameterManifest(spec).filter((p) => !p.key.includes('head_fusion.parameter_fabrication'));
    expect(kept.map((p) => p.key)).toEqual(['layers.0.w_head_fusion', 'layers.0.heads.0.w', 'layers.0.heads.1.w']);
    const only = new Map(kept.map((p) => [p.key, { shape: p.shape, data: seeded.get(p.key, p.shape, { requiredBy: 'test' }) }]));
    const [d] = diagnosticsOf(() => compileSpec(spec, new WeightStore(only)));
    expect(d.code).toBe('RPN3106');
    expect(d.message).toContain("'layers.0.head_fusion.parameter_fabrication.A' [3,2]");
    expect(d.message).toContain("'layers.0.head_fusion.parameter_fabrication.B' [6,2]");
    expect(d.span?.line).toBe(lineOf(file, 'headFusion: randomMatrixAdaptionParameterizedConcatenationFusion('));
  });
});

describe('refusals at validation', () => {
  it('masking with fixedMask: false is non-deterministic (RPN2110 at the option)', () => {
    const file = model('masking_unfixed');
    const [d, ...rest] = diagnosticsOf(() => loadSpec(file));
    expect(rest).toEqual([]);
    expect(d.code).toBe('RPN2110');
    expect(d.message).toMatch(/fixedMask: false/);
    expect(d.message).toMatch(/not deterministic/);
    expect(d.hint).toMatch(/fixedMask: true/);
    expect(d.span?.file).toBe(file);
    expect(d.span?.line).toBe(lineOf(file, 'fixedMask: false })'));
    const src = fs.readFileSync(file, 'utf8').split('\n')[d.span!.line - 1];
    expect(src.slice(d.span!.col - 1).startsWith('false')).toBe(true);
  });

  it('duplicated_diagonal_padding with p ≠ n (RPN2104 at p)', () => {
    const file = model('diagonal_padding_bad');
    const [d] = diagnosticsOf(() => loadSpec(file));
    expect(d.code).toBe('RPN2104');
    expect(d.message).toContain('duplicated_diagonal_padding_reconciliation does not fit the head (n = 3, D = 6)');
    expect(d.message).toContain('p=2 must equal n=3');
    expect(d.hint).toContain('set p: 3 and q: 3');
    expect(d.span?.line).toBe(lineOf(file, 'duplicatedDiagonalPaddingReconciliation({ p: 2 })'));
    const src = fs.readFileSync(file, 'utf8').split('\n')[d.span!.line - 1];
    expect(src.slice(d.span!.col - 1).startsWith('2 })')).toBe(true);
  });
});

describe('side-car reconciliations compile and match the reference', () => {
  const x = { shape: [4, 3], data: Float32Array.from(values(12, 11)) };

  it('masking: W = reshape(w) ⊙ mask, 2 channels with bias', async () => {
    const { spec } = loadSpec(fixture('b_masking'));
    const D = 3 + 9;
    const mask = values(2 * D, 7).map((v) => (v < -0.4 ? 1 : 0));
    const p = 'layers.0.heads.0.';
    const w = values(2 * 2 * D, 8);
    const bias = values(2, 9);
    const ws = () => store({ [`${p}w`]: { shape: [2, 2 * D], data: w }, [`${p}b`]: { shape: [2], data: bias }, [`${p}parameter_fabrication.mask_matrix`]: { shape: [2, D], data: mask } });
    const folded = compileSpec(spec, ws());
    const unfolded = compileSpec(spec, ws(), { fold: false });
    const ref = runReference(spec, ws(), { rows: 4, cols: 3, data: x.data }).data;
    // by hand: taylor d=2 of x, mean over channels of κ·(w_c ⊙ M)ᵀ + b
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const xi = Array.from(x.data.subarray(i * 3, i * 3 + 3));
      const k = [...xi, ...xi.flatMap((a) => xi.map((b) => a * b))];
      for (let o = 0; o < 2; o++) {
        let acc = 0;
        for (let c = 0; c < 2; c++) for (let j = 0; j < D; j++) acc += k[j] * w[c * 2 * D + o * D + j] * mask[o * D + j];
        out.push(acc / 2 + bias[o]);
      }
    }
    expectClose(ref, out, 'reference');
    expectClose(await ort(folded.onnx, x), out, 'onnxruntime');
    expectClose(await ort(unfolded.onnx, x), out, 'onnxruntime --no-fold');
  });

  it('duplicated_diagonal_padding (p = q = n): W = I_n ⊗ w', async () => {
    const { spec } = loadSpec(fixture('b_duplicated_diagonal_padding'));
    expect(spec.layers[0].heads[0].reconciliation?.l).toBe(2);
    const w = [0.5, -2];
    const ws = () => store({ 'layers.0.heads.0.w': { shape: [1, 2], data: w } });
    const x6 = { shape: [2, 6], data: Float32Array.from(values(12, 4)) };
    const out: number[] = [];
    for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) out.push(x6.data[i * 6 + 2 * o] * w[0] + x6.data[i * 6 + 2 * o + 1] * w[1]);
    expectClose(runReference(spec, ws(), { rows: 2, cols: 6, data: x6.data }).data, out, 'reference');
    expectClose(await ort(compileSpec(spec, ws()).onnx, x6), out, 'onnxruntime');
    expectClose(await ort(compileSpec(spec, ws(), { fold: false }).onnx, x6), out, 'onnxruntime --no-fold');
  });

  it('random_matrix_adaption_parameterized_concatenation_fusion with side-cars (seeded init draws them)', async () => {
    const { spec } = loadSpec(fixture('b_rma_concatenation_fusion'));
    const f = spec.layers[0].headFusion!;
    expect(f.l).toBe(3 + 2);
    expect(f.reconciliation?.prefix).toBe('layers.0.head_fusion.parameter_fabrication.');
    const x4 = { shape: [3, 4], data: Float32Array.from(values(12, 5)) };
    const ws = loadWeights(spec, { seed: 3 });
    expect(ws.has('layers.0.head_fusion.parameter_fabrication.A')).toBe(true);
    const ref = runReference(spec, loadWeights(spec, { seed: 3 }), { rows: 3, cols: 4, data: x4.data }).data;
    expectClose(await ort(compileSpec(spec, ws).onnx, x4), ref, 'onnxruntime');
    expectClose(await ort(compileSpec(spec, loadWeights(spec, { seed: 3 }), { fold: false }).onnx, x4), ref, 'onnxruntime --no-fold');
  });

  it('--seed initialisation also draws the side-cars of random reconciliations', () => {
    for (const c of ['a_random_matrix_adaption', 'a_random_matrix_hypernet', 'a_hypernet']) {
      const { spec } = loadSpec(fixture(c));
      expect(() => compileSpec(spec, loadWeights(spec, { seed: 1 })), c).not.toThrow();
    }
  });
});

describe('svm', () => {
  it('svm() expands like tinybig: svm_layer → [svm_head] * width, rbf κ, identity ψ, zero π', () => {
    const spec = buildModelSpec(svm({ dims: [4, 3, 2], kernel: 'gaussian_rbf', numInterval: 4, width: 2 }));
    expect(spec.layers.map((l) => [l.type, l.m, l.n, l.sharedHeads, l.heads.length])).toEqual([['svm_layer', 4, 3, true, 2], ['svm_layer', 3, 2, true, 2]]);
    const h = spec.layers[1].heads[0];
    expect(h.prefix).toBe('layers.1.heads.0.');
    expect(h.aliases).toEqual(['layers.1.heads.1.']);
    expect(h.expansion.type).toBe('gaussian_rbf_expansion');
    expect(h.expansion.options).toMatchObject({ baseRange: [-1, 1], numInterval: 4, epsilon: 1 });
    expect(h.D).toBe(12);
    expect(h.reconciliation?.type).toBe('identity_reconciliation');
    expect(h.bias).toBe(false);
    expect(h.remainder.type).toBe('zero_remainder');
    expect(h.outputProcess).toEqual([]);
    expect(spec.layers[1].headFusion?.type).toBe('mean_fusion');
  });

  it('kernel, lorr, bias and residual options', () => {
    const lin = buildModelSpec(svmLayer({ m: 4, n: 2, withLorr: true, enableBias: true, withResidual: true })).layers[0].heads[0];
    expect(lin.expansion.type).toBe('identity_expansion');
    expect(lin.reconciliation).toMatchObject({ type: 'lorr_reconciliation', l: 3 * (2 + 4) });
    expect(lin.bias).toBe(true);
    expect(lin.remainder).toMatchObject({ type: 'linear_remainder', weight: true, bias: false });
    const iq = buildModelSpec(svm({ dims: [2, 1], kernel: 'inverse_quadratic_rbf', baseRange: [-2, 2], numInterval: 3, epsilon: 0.5 })).layers[0].heads[0];
    expect(iq.expansion).toMatchObject({ type: 'inverse_quadratic_rbf_expansion', D: 6, options: { baseRange: [-2, 2], numInterval: 3, epsilon: 0.5 } });
  });
});

describe('naive_bayes and pgm', () => {
  it('naive_bayes(): naive_<distribution>_expansion κ, shared heads, identity ψ', () => {
    const spec = buildModelSpec(naiveBayes({ dims: [4, 3], distribution: 'laplace', width: 2, enableBias: true }));
    const l = spec.layers[0];
    expect([l.type, l.sharedHeads, l.heads.length, l.heads[0].aliases]).toEqual(['naive_bayes_layer', true, 2, ['layers.0.heads.1.']]);
    const h = l.heads[0];
    expect([h.type, h.expansion.type, h.D, h.reconciliation?.type, h.bias, h.remainder.type]).toEqual(['naive_bayes_head', 'naive_laplace_expansion', 4, 'identity_reconciliation', true, 'zero_remainder']);
    const lorr = buildModelSpec(naiveBayesLayer({ m: 3, n: 2, withLorr: true, r: 1, withResidual: true })).layers[0].heads[0];
    expect([lorr.expansion.type, lorr.reconciliation?.type, lorr.reconciliation?.l, lorr.remainder.type]).toEqual(['naive_normal_expansion', 'lorr_reconciliation', 1 * (2 + 3), 'linear_remainder']);
  });

  it('pgm(): combinatorial_normal_expansion(d) κ', () => {
    const spec = buildModelSpec(pgm({ dims: [4, 2], d: 2 }));
    const h = spec.layers[0].heads[0];
    expect([spec.layers[0].type, h.type, h.expansion.type, h.expansion.options.d, h.D]).toEqual(['pgm_layer', 'pgm_head', 'combinatorial_normal_expansion', 2, 4 + 6]);
    expect(buildModelSpec(pgmHead({ m: 3, n: 2, d: 3 })).layers[0].heads[0].D).toBe(3 + 3 + 1);
  });

  it('naive_bayes and pgm compile and agree with the reference', async () => {
    for (const v of [naiveBayes({ dims: [3, 2], distribution: 'normal' }), pgm({ dims: [3, 2], d: 2, enableBias: true })]) {
      const spec = buildModelSpec(v);
      const x = { shape: [4, 3], data: Float32Array.from(values(12, 21)) };
      const ref = runReference(spec, loadWeights(spec, { seed: 2 }), { rows: 4, cols: 3, data: x.data }).data;
      expectClose(await ort(compileSpec(spec, loadWeights(spec, { seed: 2 })).onnx, x), ref, `${spec.type} onnxruntime`);
    }
  });
});
