/**
 * An unknown packing strategy (a typo): tinybig warns "Unknown strategy …, will use the default
 * densest_packing strategy" and packs densest (koala/geometry/cuboid.py); rpnc does the same and says so
 * at the option (RPN2402 warning). Checked against the build with 'densest_packing' written out.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { printGraph } from '../../ir/print.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-packing-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const model = (strategy: string, extra = '') => `import { gridInterdependenceLayer } from 'rpnc';
export default gridInterdependenceLayer({ h: 5, w: 5, inChannel: 2, outChannel: 3, patchShape: 'cuboid', pH: 1, packingStrategy: '${strategy}'${extra}, withBatchNorm: false });
`;
const build = (name: string, text: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return compileFile(f);
};

describe('unknown packing strategies', () => {
  it("'dense_sqaure' warns RPN2402 at the option and builds the densest packing, as tinybig does", () => {
    const typo = build('typo.ts', model('dense_sqaure'));
    const densest = build('densest.ts', model('densest_packing'));
    const w = typo.diagnostics.filter((d) => d.code === 'RPN2402');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', span: { line: 2, col: 130 } }); // the value 'dense_sqaure'
    expect(w[0]!.message).toContain("packingStrategy 'dense_sqaure' is not a packing strategy of a cuboid patch");
    expect(w[0]!.hint).toContain('sparse_square, complete_square, dense_square, densest_packing');
    expect(densest.diagnostics.filter((d) => d.code === 'RPN2402')).toEqual([]);
    expect(typo.spec.n).toBe(densest.spec.n); // 5×5 centres × 3 channels
    expect(printGraph(typo.model.graph)).toBe(printGraph(densest.model.graph));
  });
  it('a known strategy of another shape warns too; cdH, cdW, cdD all given: no warning (tinybig never asks the strategy)', () => {
    expect(build('hex.ts', model('sparse_hexagonal')).diagnostics.map((d) => d.code)).toContain('RPN2402');
    expect(build('cd.ts', model('dense_sqaure', ', cdH: 1, cdW: 1, cdD: 1')).diagnostics.map((d) => d.code)).not.toContain('RPN2402');
    expect(build('ok.ts', model('complete_square')).diagnostics.map((d) => d.code)).not.toContain('RPN2402');
  });
});
