/**
 * Data-dependent interdependences (issue 13, spec rpn2-bilinear-kernel): A computed from the batch at run time.
 * Expected failures of tinybig (located refusals), the Q1 warning, the three batch kinds in the ONNX interface and
 * metadata, refusals with file:line:col, and numerics without golden data (ORT vs reference, NaN where tinybig
 * gives NaN). The golden cases are fixtures/models/q_*.ts (test/golden/golden.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { DiagnosticError, type Diagnostic } from '../../compiler/diagnostics.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = (c: string) => path.join(root, 'fixtures/models', `${c}.ts`);
const golden = (c: string, f: string) => path.join(root, 'fixtures/golden', c, f);
const model = (name: string) => path.join(import.meta.dirname, 'models', `${name}.ts`);

function diagnosticsOf(f: () => unknown): Diagnostic[] {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics;
    throw e;
  }
  return expect.fail('expected a DiagnosticError');
}

/** 1-based line and column of `needle` in `file` (for `option: value`, the value's). */
function positionOf(file: string, needle: string): { line: number; col: number } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `'${needle}' in ${file}`).toBeGreaterThanOrEqual(0);
  const option = /^\w+: /.exec(needle);
  return { line: i + 1, col: lines[i].indexOf(needle) + 1 + (option ? option[0].length : 0) };
}

function refusal(file: string, code: string, at: string): Diagnostic {
  const [d, ...rest] = diagnosticsOf(() => loadSpec(file));
  expect(rest).toEqual([]);
  expect(d.code).toBe(code);
  expect(d.severity).toBe('error');
  expect(d.span?.file).toBe(file);
  expect({ line: d.span?.line, col: d.span?.col }).toEqual(positionOf(file, at));
  return d;
}

const close = (a: number, b: number) => (Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b));

describe("tinybig's expected failures (golden meta expect_error): located refusals or the Q1 warning", () => {
  it('q_h03: an attribute-type hybrid_interdependence (tinybig: TypeError in calculate_m_prime) → RPN2150 at interdependenceType', () => {
    const d = refusal(fixture('q_h03_hybrid_attribute_error'), 'RPN2150', "interdependenceType: 'attribute'");
    expect(d.message).toBe("hybrid_interdependence of the attribute type cannot run in tinybig 0.2.1: its calculate_m_prime calls calculate_b_prime(m=…) on the members, a TypeError at the head's construction");
    expect(d.hint).toBe("use interdependenceType: 'instance'");
  });

  it('q_h04: a hybrid of parameter-free members in a head (tinybig: AttributeError, w = None) → RPN2150 at interdependenceFunctions', () => {
    const d = refusal(fixture('q_h04_hybrid_instance_parameter_free_error'), 'RPN2150', 'interdependenceFunctions: [');
    expect(d.message).toContain('the head passes w=None and calculate_A evaluates w.numel(), an AttributeError');
  });

  it('q_t01: the transformer as tinybig builds it (TypeError, mask_zero) builds with warning RPN2401 at the model, saying which reading rpnc compiles', () => {
    const file = fixture('q_t01_transformer_literal_error');
    const { spec, sourceText } = loadSpec(file);
    const res = compileSpec(spec, loadWeights(spec, { seed: 1 }), { sourceText });
    const w = res.diagnostics.filter((d) => d.code === 'RPN2401');
    expect(w).toHaveLength(1);
    expect(w[0].severity).toBe('warning');
    expect(w[0].message).toBe(
      "tinybig 0.2.1 itself cannot run this transformer model: bilinear_interdependence_head passes mask_zero=True to operator_based_normalize_matrix, whose parameter is mask_zeros, so its first forward raises TypeError. rpnc compiles the evident intent: the attention with mask_zeros=True (the √n-scaled, zero-masked column softmax of tinybig's graph bilinear head)",
    );
    expect(w[0].hint).toBe("golden data for this model must come from tinybig with the keyword renamed to mask_zeros (the oracle's fix_mask_zero_keyword)");
    expect({ line: w[0].span?.line, col: w[0].span?.col }).toEqual(positionOf(file, 'transformer({'));
  });

  it('a single bilinear layer warns once too; models without bilinear heads never do', () => {
    const { spec, sourceText } = loadSpec(fixture('q_t02_bilinear_layer_plain_zero_row_maskfix'));
    const res = compileSpec(spec, loadWeights(spec, { weights: [golden('q_t02_bilinear_layer_plain_zero_row_maskfix', 'weights.safetensors')] }), { sourceText });
    expect(res.diagnostics.map((d) => d.code)).toEqual(['RPN2401']);
    expect(res.diagnostics[0].message).toContain('cannot run this bilinear_interdependence_layer');
    const k = loadSpec(fixture('q_k01_linear_attribute_channels2'));
    expect(compileSpec(k.spec, loadWeights(k.spec, { seed: 0 }), { sourceText: k.sourceText }).diagnostics).toEqual([]);
  });
});

describe('refusals with file:line:col (RPN2150, RPN2151)', () => {
  it('an instance-type kernel without b (tinybig asserts A is b×b)', () => {
    const d = refusal(model('dd_kernel_instance_no_b'), 'RPN2151', 'gaussianRbfKernelInterdependence(');
    expect(d.message).toBe('gaussian_rbf_kernel_interdependence of the instance type needs the batch size b: tinybig asserts that A is b×b');
  });
  it('an attribute-type bilinear without b (W is b×b)', () => {
    const d = refusal(model('dd_bilinear_attribute_no_b'), 'RPN2151', 'parameterizedBilinearInterdependence(');
    expect(d.message).toContain('W is b×b (A = X0ᵀ·W·X0), so tinybig runs it only on batches of b rows');
  });
  it('custom hybrid naming minkowski (default p = None: ValueError in tinybig)', () => {
    const d = refusal(model('dd_custom_hybrid_minkowski'), 'RPN2150', "kernels: ['linear_kernel'");
    expect(d.message).toBe('custom_hybrid_kernel_interdependence calls minkowski_distance_kernel with its default p = None, which raises ValueError in tinybig');
  });
  it('an attribute-type kernel in the instance slot needs D = m (Xi = κ(x)·A)', () => {
    const d = refusal(model('dd_attribute_in_instance_slot'), 'RPN2151', "interdependenceType: 'attribute'");
    expect(d.message).toBe('gaussian_rbf_kernel_interdependence of the attribute type in the instanceInterdependence slot multiplies κ(x) (width D = 6) by its m×m matrix (m = 2): tinybig runs this only when D = m');
  });
  it('anisotropic aVector of the wrong length', () => {
    const d = refusal(model('dd_anisotropic_length'), 'RPN2151', 'aVector: [1, 2, 3]');
    expect(d.message).toBe('anisotropic_rbf_kernel_interdependence: aVector has 3 entries, but Z = X0ᵀ has m = 4 rows (one weight per row)');
  });
});

describe('side-car tensors (Q3): missing ones are RPN3106 at the function, named', () => {
  it('a frozen A (requireData: false, q_k15) without extras.safetensors', () => {
    const file = fixture('q_k15_linear_attribute_frozen_A');
    const { spec, sourceText } = loadSpec(file);
    const [d] = diagnosticsOf(() => compileSpec(spec, loadWeights(spec, { weights: [golden('q_k15_linear_attribute_frozen_A', 'weights.safetensors')] }), { sourceText }));
    expect(d.code).toBe('RPN3106');
    expect(d.message).toContain("linear_kernel_interdependence with requireData: false needs its frozen matrix 'layers.0.heads.0.attribute_interdependence.A' [4,4]");
    expect({ line: d.span?.line, col: d.span?.col }).toEqual(positionOf(file, 'linearKernelInterdependence('));
  });
  it("the RMA bilinear's A, B (q_b07) without extras.safetensors", () => {
    const { spec, sourceText } = loadSpec(fixture('q_b07_bilinear_rma_instance'));
    const [d] = diagnosticsOf(() => compileSpec(spec, loadWeights(spec, { weights: [golden('q_b07_bilinear_rma_instance', 'weights.safetensors')] }), { sourceText }));
    expect(d.code).toBe('RPN3106');
    expect(d.message).toContain("'layers.0.heads.0.instance_interdependence.parameter_fabrication.A' [5,2], 'layers.0.heads.0.instance_interdependence.parameter_fabrication.B' [5,2]");
  });
});

async function onnxOf(c: string) {
  const { spec, sourceText } = loadSpec(fixture(c));
  const weights = ['weights.safetensors', 'extras.safetensors'].map((f) => golden(c, f)).filter((f) => fs.existsSync(f));
  const res = compileSpec(spec, loadWeights(spec, { weights }), { sourceText });
  return { spec, weights, res, session: await createSession(res.onnx), text: Buffer.from(res.onnx).toString('latin1') };
}

describe('the three batch kinds (Q2) in the ONNX interface and metadata', () => {
  it('free but row-coupled (instance bilinear, q_b01): dynamic batch, rpnc.rows_independent = false, no fixed batch; other batch sizes run and agree with the reference; rows depend on each other', async () => {
    const { spec, weights, res, session, text } = await onnxOf('q_b01_bilinear_instance_plain');
    expect((session.session.inputMetadata[0] as unknown as { shape: unknown[] }).shape).toEqual(['batch', 5]);
    expect(res.proto.metadataProps?.find((p) => p.key === 'rpnc.rows_independent')?.value).toBe('false');
    expect(text).not.toContain('rpnc.fixed_batch');
    expect(spec.rowCoupled).toBe(true);
    const x = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i * 0.7));
    const y = await runSession(session, { shape: [7, 5], data: x });
    const ref = runReference(spec, loadWeights(spec, { weights }), { rows: 7, cols: 5, data: x });
    expect(y.shape).toEqual([7, 4]);
    y.data.forEach((v, i) => expect(close(v, ref.data[i]), `[${i}] ${v} vs ${ref.data[i]}`).toBe(true));
    const first = await runSession(session, { shape: [3, 5], data: x.subarray(0, 15) });
    expect(Math.max(...first.data.map((v, i) => Math.abs(v - y.data[i])))).toBeGreaterThan(1e-3); // a sub-batch is another function
  });

  it('fixed b (instance polynomial kernel, q_k02): static batch 4, rpnc.fixed_batch and rows_independent; another batch size is an ONNX Runtime error', async () => {
    const { res, session, text } = await onnxOf('q_k02_polynomial_instance_c05_d2');
    expect((session.session.inputMetadata[0] as unknown as { shape: unknown[] }).shape).toEqual([4, 4]);
    expect(text).toContain('rpnc.fixed_batch');
    expect(res.proto.metadataProps?.find((p) => p.key === 'rpnc.rows_independent')?.value).toBe('false');
    await expect(runSession(session, { shape: [3, 4], data: new Float32Array(12) })).rejects.toThrow();
  });

  it("b → b' rows (instance rpn-interdependence, q_r02): x [4, 5] → y [3, 3]", async () => {
    const { text, session } = await onnxOf('q_r02_rpn_interdependence_instance_bprime3');
    expect(text).toContain('x: float32[4, 5]');
    expect(text).toContain('y: float32[3, 3]');
    expect((session.session.outputMetadata[0] as unknown as { shape: unknown[] }).shape).toEqual([3, 3]);
  });

  it('attribute bilinear (q_b02) fixes the batch to b; a frozen A (q_k15) makes the model row-independent again (rpnc.rows_independent = true)', async () => {
    expect(loadSpec(fixture('q_b02_bilinear_attribute_plain_lorr')).spec.batch).toBe(4);
    const { res, spec } = await onnxOf('q_k15_linear_attribute_frozen_A');
    expect(spec.rowCoupled).toBeUndefined();
    expect(res.proto.metadataProps?.find((p) => p.key === 'rpnc.rows_independent')?.value).toBe('true');
  });
});

describe('numerics without golden data (ORT vs reference)', () => {
  it('pearson / rv (NaN on a constant column, as tinybig), minkowski ∞ / fro / 1.5, KL and mutual information on any batch, a lowrank attention head, an attribute-type kernel in the instance slot', async () => {
    const { spec, sourceText } = loadSpec(model('dd_catalogue'));
    for (const [rows, constant] of [[5, true], [3, false], [6, false]] as const) {
      const x = Float32Array.from({ length: rows * 4 }, (_, i) => (constant && i % 4 === 2 ? 0.5 : Math.cos(i * 1.7) * 0.9)); // column 2 constant
      const ref = runReference(spec, loadWeights(spec, { seed: 3 }), { rows, cols: 4, data: x });
      for (const fold of [true, false]) {
        const { onnx } = compileSpec(spec, loadWeights(spec, { seed: 3 }), { sourceText, fold });
        const y = await runSession(await createSession(onnx), { shape: [rows, 4], data: x });
        expect(y.shape).toEqual([rows, 2]);
        y.data.forEach((v, i) => expect(close(v, ref.data[i]), `rows ${rows} fold ${fold} [${i}] ${v} vs ${ref.data[i]}`).toBe(true));
        // pearson's NaN on a constant column flows to the output, as in tinybig; otherwise everything is finite
        expect(y.data.every(Number.isNaN)).toBe(constant);
        if (!constant) expect(y.data.every(Number.isFinite)).toBe(true);
      }
    }
  });
});
