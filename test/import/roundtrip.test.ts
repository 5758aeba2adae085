/**
 * Import round trip against real tinybig: config -> `importConfig` -> model.ts -> build with the golden
 * weights -> onnxruntime output (and rpnc's reference interpreter) equal to what tinybig computed for a
 * model it built from the same config file with its own config machinery
 * (`model_configs(configs=...).to_instantiation()`, fixtures/oracle/cases_configs.py):
 *   - cfg_*: the published configs (fixtures/tinybig-configs/*.yaml), the wide ones as shrunk variants
 *     (fixtures/tinybig-configs/shrunk/, each says what was shrunk);
 *   - m_config_composite: the config of the golden case of that name (meta.json build_source, as JSON
 *     in fixtures/tinybig-configs/golden/), which must also give the same ModelSpec as the hand-written
 *     fixtures/models/m_config_composite.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../compiler/compile.js';
import { importConfig } from '../../compiler/import/index.js';
import { expectGolden, goldenDir, root } from './golden.js';

const configs = path.join(root, 'fixtures/tinybig-configs');

const CASES: Record<string, string> = {
  cfg_composite: 'composite_configs.yaml',
  cfg_elementary: 'elementary_configs.yaml',
  cfg_feynman: 'feynman_configs.yaml',
  cfg_iris: 'iris_configs.yaml',
  cfg_banknote: 'banknote_configs.yaml',
  cfg_diabetes: 'diabetes_configs.yaml',
  cfg_agnews_small: 'shrunk/agnews_small.yaml',
  cfg_imdb_small: 'shrunk/imdb_small.yaml',
  cfg_sst2_small: 'shrunk/sst2_small.yaml',
  cfg_kan_failure_small: 'shrunk/kan_failure_small.yaml',
  cfg_cifar10_small: 'shrunk/cifar10_small.yaml',
  cfg_mnist_small: 'shrunk/mnist_small.yaml',
  cfg_mnist_dual_lphm_small: 'shrunk/mnist_dual_lphm_small.yaml',
  m_config_composite: 'golden/m_config_composite.json',
};
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-import-rt-'));
});

function importToFile(config: string, name: string): string {
  const file = path.join(configs, config);
  const res = importConfig(fs.readFileSync(file, 'utf8'), { format: file.endsWith('.json') ? 'json' : 'yaml', fileName: config });
  expect(res.diagnostics).toEqual([]);
  const model = path.join(tmp, `${name}.ts`);
  fs.writeFileSync(model, res.source);
  return model;
}

describe('import round trip: config -> model.ts -> ONNX equals real tinybig', () => {
  it('covers every cfg_* golden', () => {
    const goldens = fs.readdirSync(goldenDir).filter((c) => c.startsWith('cfg_')).sort();
    expect(goldens.filter((c) => !c.startsWith('cfg_cat_'))).toEqual(Object.keys(CASES).filter((c) => c.startsWith('cfg_')).sort());
  });

  for (const [c, config] of Object.entries(CASES)) {
    it(`${c} (${config})`, async () => {
      const meta = JSON.parse(fs.readFileSync(path.join(goldenDir, c, 'meta.json'), 'utf8'));
      if (c.startsWith('cfg_')) expect(meta.description).toContain(config); // the golden was built from this very file
      await expectGolden(c, importToFile(config, c));
    });
  }

  it('m_config_composite: the imported model is the hand-written fixture model', () => {
    const imported = loadSpec(importToFile(CASES.m_config_composite, 'm_config_composite_spec')).spec;
    const written = loadSpec(path.join(root, 'fixtures/models/m_config_composite.ts')).spec;
    expect(imported).toEqual(written);
  });
});
