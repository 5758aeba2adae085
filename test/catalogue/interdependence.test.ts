/**
 * Data-independent attribute interdependences (rpn-semantics §4.1, §11): refusals (instance type, with message
 * and source location; a fabrication that does not fit), sizes and parameter keys, and numerics of the kinds
 * without golden data (constant A, zero, one, lphm, dual_lphm) against the reference interpreter.
 * The golden cases are fixtures/models/a_*interdependence*.ts.
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

describe('instance interdependence is refused (RPN2002)', () => {
  it('a head with instanceInterdependence: says it ties the model to one batch size, points at the option', () => {
    const file = model('interdependence_instance');
    const [d, ...rest] = diagnosticsOf(() => loadSpec(file));
    expect(rest).toEqual([]);
    expect(d.code).toBe('RPN2002');
    expect(d.severity).toBe('error');
    expect(d.message).toContain('instance interdependence');
    expect(d.message).toContain('identity_interdependence');
    expect(d.message).toMatch(/ties the model to one batch size/);
    expect(d.hint).toMatch(/attributeInterdependence/);
    expect(d.span?.file).toBe(file);
    expect(d.span?.line).toBe(lineOf(file, 'instanceInterdependence:'));
  });

  it("an instance-type function in the attribute slot: points at interdependenceType", () => {
    const file = model('interdependence_instance_type');
    const [d, ...rest] = diagnosticsOf(() => loadSpec(file));
    expect(rest).toEqual([]);
    expect(d.code).toBe('RPN2002');
    expect(d.message).toContain("parameterized_interdependence with interdependenceType 'row'");
    expect(d.message).toMatch(/ties the model to one batch size/);
    expect(d.hint).toContain("interdependenceType: 'attribute'");
    expect(d.span?.file).toBe(file);
    expect(d.span?.line).toBe(lineOf(file, "interdependenceType: 'row'"));
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
