/**
 * Data-independent interdependences (rpn-semantics §4.1, §11). Attribute: refusals, sizes and parameter keys,
 * numerics of the kinds without golden data (constant A, zero, one, lphm, dual_lphm) against the reference.
 * Instance (A' ∈ R^{b×b'} mixes the rows, a fixed batch): refusals with message and file:line:col (b' ≠ b with a
 * remainder, b that disagrees between heads / layers, data-dependent kinds), the fixed batch, numerics.
 * The golden cases are fixtures/models/a_*interdependence*.ts and fixtures/models/i_*.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { DiagnosticError, type Diagnostic } from '../../compiler/diagnostics.js';
import { DslError, constantInterdependence, hmParameterizedInterdependence, identityInterdependence, parameterizedInterdependence } from '../../compiler/dsl/index.js';
import { parameterManifest } from '../../compiler/spec/params.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const root = path.resolve(import.meta.dirname, '../..');
const model = (name: string) => path.join(import.meta.dirname, 'models', `${name}.ts`);

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

/** The 1-based line and column of `needle` (its first occurrence) in `file`; for `option: value` the value's (where option spans point). */
function positionOf(file: string, needle: string): { line: number; col: number } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `'${needle}' in ${file}`).toBeGreaterThanOrEqual(0);
  const option = /^\w+: /.exec(needle);
  return { line: i + 1, col: lines[i].indexOf(needle) + 1 + (option ? option[0].length : 0) };
}

/** The single error of loading `name`, with its code and location checked. */
function refusal(name: string, code: string, at: string) {
  const file = model(name);
  const [d, ...rest] = diagnosticsOf(() => loadSpec(file));
  expect(rest).toEqual([]);
  expect(d.code).toBe(code);
  expect(d.severity).toBe('error');
  expect(d.span?.file).toBe(file);
  const pos = positionOf(file, at);
  expect({ line: d.span?.line, col: d.span?.col }).toEqual(pos);
  return d;
}

describe('instance interdependence: refusals (RPN2111, RPN2002, RPN2109) with file:line:col', () => {
  it("b' ≠ b next to a linear remainder (π(X0) keeps b rows): at bPrime", () => {
    const d = refusal('interdependence_instance', 'RPN2111', 'bPrime: 3');
    expect(d.message).toBe("parameterized_interdependence makes 3 rows out of the batch of b = 4, but the linear_remainder adds π(X0) with 4 rows (tinybig fails to add them)");
    expect(d.hint).toBe('set bPrime: 4, or use remainder: zeroRemainder()');
  });

  it('two heads of a layer disagree on b: at the second b', () => {
    const d = refusal('interdependence_instance_heads', 'RPN2111', 'b: 8');
    expect(d.message).toBe("layer 0 head 1: identity_interdependence expects a batch of b = 8 rows, but it sees 4 rows (fixed by layer 0 head 0's identity_interdependence (b = 4))");
    expect(d.hint).toBe('set b: 4');
  });

  it("a later layer sees the previous layer's b' rows: at its b", () => {
    const d = refusal('interdependence_instance_layers', 'RPN2111', 'b: 4 }');
    expect(d.message).toBe("layer 1 head 0: parameterized_interdependence expects a batch of b = 4 rows, but it sees 3 rows (fixed by layer 0 head 0's b' = 3)");
  });

  it('sibling heads output different rows (the head fusion needs equal rows): at bPrime', () => {
    const d = refusal('interdependence_instance_rows', 'RPN2111', 'bPrime: 3');
    expect(d.message).toContain("layer 0 head 1 outputs 3 rows (b' of one_interdependence) but layer 0 head 0 outputs 4 rows");
  });

  it('a data-dependent kind, written by hand as { kind, type, options } (no factory makes it), is refused, the component named', () => {
    // issue #18: a hand-written component would skip the factories' option checks (RPN1012)
    const d = refusal('interdependence_instance_data', 'RPN1012', "{ kind: 'interdependence'");
    expect(d.message).toContain('numerical_kernel_based_interdependence (a interdependence)');
    expect(d.message).toContain('not made by an rpnc factory');
  });

  it("an attribute-type function in the instance slot: at interdependenceType's component", () => {
    const d = refusal('interdependence_instance_slot', 'RPN2002', 'parameterizedInterdependence({ b: 4 })');
    expect(d.message).toContain("parameterized_interdependence in the instanceInterdependence slot has interdependenceType 'attribute'");
    expect(d.hint).toContain("interdependenceType: 'instance'");
  });

  it("a huge A' (b × b' beyond the size limit) is refused before it is built: at b", () => {
    const d = refusal('interdependence_instance_big', 'RPN2301', 'b: 200000');
    expect(d.message).toContain("identity_interdependence: A' = b × b' = 200000 × 200000");
  });

  it("interdependenceType 'row' is refused as tinybig's setter does: at the option", () => {
    const d = refusal('interdependence_instance_type', 'RPN2109', "interdependenceType: 'row'");
    expect(d.message).toContain("interdependenceType 'row' is refused by tinybig's interdependence");
    expect(d.hint).toBe("use interdependenceType: 'instance'");
  });
});

describe('instance interdependence: fixed batch, sizes, parameter keys', () => {
  it('the spec records b and b\' per head and for the model; w_instance_interdependence is (C, l_ii)', () => {
    const { spec } = loadSpec(model('interdependence_instance_catalogue'));
    expect([spec.batch, spec.rowsOut]).toEqual([4, 3]);
    expect(spec.layers[0].heads.map((h) => [h.batch, h.rowsOut])).toEqual([[4, 3], [4, 3], [4, 3]]);
    expect(spec.layers[1].heads.map((h) => [h.batch, h.rowsOut])).toEqual([[3, 3]]);
    // hm p=2, q=1 on n = b = 4, D = b' = 3: l = p·q + (4/2)·(3/1) = 8; lphm r=1 p=3 q=1 on 3×3: l = 7
    expect(spec.layers[0].heads[1].instanceInterdependence!.l).toBe(8);
    expect(spec.layers[1].heads[0].instanceInterdependence!.l).toBe(7);
    const keys = parameterManifest(spec).map((p) => `${p.key} [${p.shape.join(',')}]`);
    expect(keys).toContain('layers.0.heads.1.w_instance_interdependence [2,8]');
    expect(keys).toContain('layers.1.heads.0.w_instance_interdependence [3,7]');
    expect(keys.filter((k) => k.includes('interdependence'))).toHaveLength(2);
  });

  it('a model without instance interdependence keeps any batch', () => {
    const { spec } = loadSpec(model('interdependence_catalogue'));
    expect(spec.batch).toBeUndefined();
  });

  it("the ONNX input is x: float32[4, 3], the output [3, 2]; metadata says the batch is fixed", async () => {
    const { spec, sourceText } = loadSpec(model('interdependence_instance_catalogue'));
    const { onnx } = compileSpec(spec, loadWeights(spec, { seed: 5 }), { sourceText });
    const s = await createSession(onnx);
    const meta = s.session.inputMetadata[0] as unknown as { shape: unknown[] };
    expect(meta.shape).toEqual([4, 3]);
    const text = Buffer.from(onnx).toString('latin1');
    expect(text).toContain('rpnc.fixed_batch');
    expect(text).toContain('x: float32[4, 3]');
    expect(text).toContain('y: float32[3, 2]');
  });
});

describe('instance interdependence numerics without golden data (ORT vs reference)', () => {
  it("constant A' (4×3), hm (2 channels), constant_c in the attribute slot, then lphm (3 channels) — folded and --no-fold", async () => {
    const { spec, sourceText } = loadSpec(model('interdependence_instance_catalogue'));
    const x = { shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 1.3) * 0.8) };
    const ref = runReference(spec, loadWeights(spec, { seed: 7 }), { rows: 4, cols: 3, data: x.data });
    expect([ref.rows, ref.cols]).toEqual([3, 2]);
    for (const fold of [true, false]) {
      const { onnx } = compileSpec(spec, loadWeights(spec, { seed: 7 }), { sourceText, fold });
      const y = await runSession(await createSession(onnx), x);
      expect(y.shape).toEqual([3, 2]);
      for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i] - ref.data[i]), `fold=${fold} [${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref.data[i]));
    }
  });

  it("the rows really mix: A' = eye(4, 3) keeps the first three rows of a one-head model (hand-derived)", () => {
    // i_identity_instance_bprime3 with its golden weights: output row i = κ(x_i)·Wᵀ for i < 3, independent of row 3
    const { spec } = loadSpec(path.join(root, 'fixtures/models/i_identity_instance_bprime3.ts'));
    const ws = loadWeights(spec, { weights: [path.join(root, 'fixtures/golden/i_identity_instance_bprime3/weights.safetensors')] });
    const x = Float32Array.from({ length: 12 }, (_, i) => (i % 5) * 0.3 - 0.6);
    const y = runReference(spec, ws, { rows: 4, cols: 3, data: x });
    const x2 = Float32Array.from(x);
    x2.set([9, 9, 9], 9); // change row 3 only
    expect(Array.from(runReference(spec, ws, { rows: 4, cols: 3, data: x2 }).data)).toEqual(Array.from(y.data));
    const W = ws.get('layers.0.heads.0.w', [1, 24], { requiredBy: 'test' }); // n = 2, D = 3 + 9 (taylor d=2)
    for (let i = 0; i < 3; i++) {
      const r = Array.from(x.subarray(i * 3, i * 3 + 3));
      const kappa = [...r, ...r.flatMap((a) => r.map((b) => a * b))];
      for (let j = 0; j < 2; j++) {
        const expected = kappa.reduce((acc, k, d) => acc + k * W[j * 12 + d], 0);
        expect(y.data[i * 2 + j]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('the golden fixtures exist for the tinybig-checked instance cases', () => {
    for (const c of ['i_param_instance', 'i_param_instance_bprime3_channels2', 'i_lorr_instance_channels2', 'i_identity_instance_bprime3', 'i_identity_instance_channels2', 'i_attribute_slot_instance', 'i_two_layers']) {
      expect(fs.existsSync(path.join(root, 'fixtures/golden', c, 'io.safetensors')), c).toBe(true);
      expect(fs.existsSync(path.join(root, 'fixtures/models', `${c}.ts`)), c).toBe(true);
    }
  });
});

describe('attribute interdependence: validation and sizes', () => {
  it('a fabrication that does not fit m×m\' is refused at the interdependence (RPN2104)', () => {
    const file = model('interdependence_hm_bad');
    const [d] = diagnosticsOf(() => loadSpec(file));
    expect(d.code).toBe('RPN2104');
    expect(d.message).toContain('p=3 must divide n=4');
    expect(d.span?.line).toBe(lineOf(file, 'hmParameterizedInterdependence({'));
  });

  it('DSL: defaults, required options and matrix checks', () => {
    expect(parameterizedInterdependence().options).toEqual({ interdependenceType: 'attribute' });
    expect(identityInterdependence({ mPrime: 2 }).kind).toBe('interdependence');
    expect(() => hmParameterizedInterdependence({} as never)).toThrow(/needs option 'p'/);
    expect(() => constantInterdependence({ A: [[1, 2], [3]] })).toThrow(DslError);
  });

  it('κ is sized on m\', the parameter is w_attribute_interdependence (C, l), the remainder keeps m', () => {
    const { spec } = loadSpec(model('interdependence_catalogue'));
    const hs = spec.layers[0].heads;
    expect(hs.map((h) => h.attributeInterdependence!.mPrime)).toEqual([3, 2, 2, 6, 6]);
    expect(hs.map((h) => h.D)).toEqual([12, 2, 2, 6, 42]);
    expect(hs.map((h) => h.attributeInterdependence!.l)).toEqual([0, 0, 0, 9, 18]);
    expect(hs.map((h) => h.m)).toEqual([4, 4, 4, 4, 4]);
    const keys = parameterManifest(spec).map((p) => `${p.key} [${p.shape.join(',')}]`);
    expect(keys).toContain('layers.0.heads.3.w_attribute_interdependence [3,9]');
    expect(keys).toContain('layers.0.heads.4.w_attribute_interdependence [1,18]');
    expect(keys.filter((k) => k.includes('w_attribute_interdependence'))).toHaveLength(2);
    expect(keys).toContain('layers.0.heads.0.w_remainder [3,4]');
  });
});

describe('attribute interdependence numerics without golden data (ORT vs reference)', () => {
  it('constant A, zero, one, lphm (3 channels), dual_lphm — folded and --no-fold', async () => {
    const { spec, sourceText } = loadSpec(model('interdependence_catalogue'));
    const x = { shape: [5, 4], data: Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.7) * 0.9) };
    const ref = runReference(spec, loadWeights(spec, { seed: 11 }), { rows: 5, cols: 4, data: x.data });
    for (const fold of [true, false]) {
      const { onnx } = compileSpec(spec, loadWeights(spec, { seed: 11 }), { sourceText, fold });
      const y = (await runSession(await createSession(onnx), x)).data;
      expect(y.length).toBe(ref.data.length);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - ref.data[i]), `fold=${fold} [${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref.data[i]));
    }
  });

  it('the golden fixtures exist for the tinybig-checked kinds', () => {
    for (const c of ['a_param_interdependence', 'a_lorr_interdependence_taylor', 'a_identity_interdependence', 'a_hm_interdependence_channels2', 'a_constant_c_interdependence']) {
      expect(fs.existsSync(path.join(root, 'fixtures/golden', c, 'io.safetensors')), c).toBe(true);
      expect(fs.existsSync(path.join(root, 'fixtures/models', `${c}.ts`)), c).toBe(true);
    }
  });
});
