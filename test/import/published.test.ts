/**
 * tinybig's 13 published model configurations (fixtures/tinybig-configs/, copied from
 * ../shared/tinybig-configs/: the models of the RPN papers) all import, and every one of them builds
 * at its published size with seeded weights: rpnc supports every component they use (rpn models of
 * rpn_layer / rpn_head with taylor, bspline, nested/extended, identity, naive_laplace and
 * combinatorial_normal expansions; identity, lorr and dual_lphm reconciliations; zero and linear
 * remainders; GELU, BatchNorm1d, Dropout, LayerNorm and SiLU processing, also given as the function
 * name 'torch.nn.functional.silu'). None is unsupported; the diagnostic for a component rpnc lacks is
 * tested here on a published config with one class renamed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { importConfig } from '../../compiler/import/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const configs = path.join(root, 'fixtures/tinybig-configs');
const published = fs.readdirSync(configs).filter((f) => f.endsWith('_configs.yaml')).sort();
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-import-'));
});

/** What the config says the model is: layer widths with depth_alloc applied. */
function expectedLayers(file: string): { m: number; n: number }[] {
  const mp = parse(fs.readFileSync(path.join(configs, file), 'utf8')).configurations.model_configs.model_parameters;
  const out: { m: number; n: number }[] = [];
  mp.layer_configs.forEach((lc: { layer_parameters: { m: number; n: number } }, i: number) => {
    for (let k = 0; k < mp.depth_alloc[i]; k++) out.push({ m: lc.layer_parameters.m, n: lc.layer_parameters.n });
  });
  return out;
}

describe('tinybig published configs', () => {
  it('are all here (13, as in ../shared/tinybig-configs)', () => {
    expect(published).toHaveLength(13);
  });

  for (const file of published) {
    const big = /^(mnist|mnist_dual_lphm|kan_failure)_configs/.test(file); // 40M-parameter models: slower builds
    it(`${file} imports and builds`, { timeout: big ? 240_000 : 60_000 }, () => {
      const text = fs.readFileSync(path.join(configs, file), 'utf8');
      const res = importConfig(text, { format: 'yaml', fileName: file });
      expect(res.diagnostics).toEqual([]);
      expect(res.source).toContain(`from ${file}`);
      expect(res.source).toMatch(/^import \{[^}]*\brpn\b[^}]*\} from 'rpnc';$/m);
      const model = path.join(tmp, file.replace(/\.yaml$/, '.ts'));
      fs.writeFileSync(model, res.source);

      const built = compileFile(model, { seed: 0 });
      const layers = expectedLayers(file);
      expect(built.spec.layers.map((l) => ({ m: l.m, n: l.n }))).toEqual(layers);
      expect(built.spec.m).toBe(layers[0].m);
      expect(built.spec.n).toBe(layers[layers.length - 1].n);
      expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(built.onnx.length).toBeGreaterThan(100);
    });
  }

  it('composite: depth 3 with depth_alloc [2, 1] repeats the first layer config (one const, used twice)', () => {
    const res = importConfig(fs.readFileSync(path.join(configs, 'composite_configs.yaml'), 'utf8'), { format: 'yaml', fileName: 'composite_configs.yaml' });
    expect(res.source).toMatch(/^const layer0 = layer\(\{$/m);
    expect(res.source).toMatch(/layers: \[\n\s+layer0,\n\s+layer0,\n\s+layer\(\{/);
    expect(res.source).toContain("bsplineExpansion({ name: 'bspline_expansion', t: 10, d: 4 })");
  });

  it('feynman: activation_functions given as a function name become silu()', () => {
    const res = importConfig(fs.readFileSync(path.join(configs, 'feynman_configs.yaml'), 'utf8'), { format: 'yaml', fileName: 'feynman_configs.yaml' });
    expect(res.source.match(/activationFunctions: silu\(\)/g)).toHaveLength(3);
  });

  it('a class rpnc does not support is named with its path and line:col', () => {
    const file = 'mnist_dual_lphm_configs.yaml';
    const text = fs.readFileSync(path.join(configs, file), 'utf8').replace('tinybig.reconciliation.dual_lphm_reconciliation', 'tinybig.reconciliation.quantum_reconciliation');
    const res = importConfig(text, { format: 'yaml', fileName: file });
    expect(res.source).toBe('');
    expect(res.diagnostics).toHaveLength(1);
    const d = res.diagnostics[0];
    expect(d.code).toBe('RPN1704');
    expect(d.message).toContain("'tinybig.reconciliation.quantum_reconciliation'");
    expect(d.message).toContain('configurations.model_configs.model_parameters.layer_configs[0].layer_parameters.head_configs[0].head_parameters.parameter_fabrication_configs.function_class');
    const line = text.split('\n').findIndex((l) => l.includes('quantum_reconciliation')) + 1;
    expect(d.span).toMatchObject({ file, line, col: text.split('\n')[line - 1].indexOf('tinybig.') + 1 });
  });
});
