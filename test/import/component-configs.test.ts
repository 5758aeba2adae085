/**
 * tinybig's tutorial component configs (fixtures/tinybig-configs/tutorial/, spec rpn2-compression-geometric §7): one
 * component each, not a model. `rpnc import` wraps the component into a single head (and says so), accepts
 * tinybig's require_parameters / require_data keys at their defaults, and gives located errors otherwise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, seededWeights } from '../../compiler/compile.js';
import { importConfig } from '../../compiler/import/index.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/tinybig-configs/tutorial');
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

function buildImported(source: string) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-component-'));
  const file = path.join(tmp, 'model.ts');
  fs.writeFileSync(file, source);
  const { spec } = loadSpec(file);
  return { spec, onnx: compileSpec(spec, seededWeights(spec, 0)).onnx };
}

describe('component configs are wrapped into one head', () => {
  for (const [file, factory, slot] of [
    ['expansion_function_postprocessing.yaml', 'taylorExpansion', 'dataTransformation'],
    ['reconciliation_function_config.yaml', 'dualLphmReconciliation', 'parameterFabrication'],
    ['structural_interdependence_function_config.yaml', 'geometricInterdependence', 'attributeInterdependence'],
  ] as const) {
    it(file, () => {
      const res = importConfig(read(file), { format: 'yaml', fileName: file });
      expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(res.source).toMatch(/component config .* wrapped it into a single head/);
      expect(res.source).toContain(`${slot}: ${factory}(`);
      expect(res.source).not.toMatch(/requireParameters|requireData/);
      if (file.startsWith('structural')) return; // m' = 150528: imports and validates; too big to compile in a unit test
      const { spec, onnx } = buildImported(res.source);
      expect(spec.layers[0].heads[0].D).toBe(file.startsWith('expansion') ? 12 : 3);
      expect(onnx.length).toBeGreaterThan(0);
    });
  }
  it('the bilinear tutorial config (issue 13 made the class compilable) is wrapped into a head with its bilinear interdependence', () => {
    const res = importConfig(read('data_interdependence_function_config.yaml'), { format: 'yaml', fileName: 'x.yaml' });
    expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(res.source).toContain('lowrankParameterizedBilinearInterdependence(');
  });
  it('require_parameters at a non-default value is a located error', () => {
    const text = read('structural_interdependence_function_config.yaml').replace('require_parameters: False', 'require_parameters: True');
    const res = importConfig(text, { format: 'yaml', fileName: 'x.yaml' });
    const d = res.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.code).toBe('RPN1706');
    expect(d.message).toMatch(/require_parameters/);
    expect(d.span?.line).toBe(16);
  });
});
