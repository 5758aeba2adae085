/**
 * Import round trip for every component rpnc supports that tinybig can express in a config:
 * fixtures/tinybig-configs/catalogue.yaml holds one small model config per component (expansions,
 * reconciliations, remainders, head and channel fusions, attribute interdependences, torch processing
 * functions in every slot, function names, width/width_alloc, tinybig's heads, layers and models incl.
 * cnn), mostly with non-default hyper-parameters so that every parameter name is exercised. Real
 * tinybig built each with its config machinery (fixtures/oracle/cases_configs.py -> fixtures/golden/cfg_cat_*);
 * here each `model_configs` is imported, built with the golden weights and compared with tinybig's output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { importConfig } from '../../compiler/import/index.js';
import { expectGolden, goldenDir, root } from './golden.js';

const catalogue = parse(fs.readFileSync(path.join(root, 'fixtures/tinybig-configs/catalogue.yaml'), 'utf8')) as Record<string, { input_width: number; model_configs: unknown }>;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-import-cat-'));
});

describe('import round trip: one config per component', () => {
  it('every catalogue entry has a golden from real tinybig, and every cfg_cat_ golden an entry', () => {
    const goldens = fs.readdirSync(goldenDir).filter((c) => c.startsWith('cfg_cat_')).sort();
    expect(goldens).toEqual(Object.keys(catalogue).map((k) => `cfg_cat_${k}`).sort());
    expect(goldens.length).toBeGreaterThan(100);
  });

  for (const [key, entry] of Object.entries(catalogue)) {
    it(key, async () => {
      const text = stringify({ model_configs: entry.model_configs });
      const res = importConfig(text, { format: 'yaml', fileName: `${key}.yaml` });
      expect(res.diagnostics).toEqual([]);
      const model = path.join(tmp, `${key}.ts`);
      fs.writeFileSync(model, res.source);
      await expectGolden(`cfg_cat_${key}`, model);
    });
  }
});
