/**
 * Grid patches of 10⁵–10⁶ cells (#18): below MAX_PATCH_CELLS they build, inspect and run (they once
 * overflowed the call stack: `Math.min(...offsets)` over every patch cell, and `Math.max(...v)` in the
 * reference pooling); past it they are refused with RPN2301 before any cell is enumerated.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, seededWeights } from '../../compiler/compile.js';
import { compareBackends } from '../../compiler/check.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { inspectModel } from '../../compiler/inspect.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { MAX_PATCH_CELLS } from '../../compiler/spec/limits.js';
import { maxOf, minOf, pushAll } from '../../ir/arrays.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-large-patch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
/** A model file (the DSL factory runs inside the front end's evaluator, as with `rpnc build`). */
function modelFile(name: string, factory: string, options: string): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, `import { ${factory} } from 'rpnc';\nexport default ${factory}({ ${options} });\n`);
  return file;
}

describe('grid patches of more than 10⁵ cells', () => {
  it('a 51³ = 132,651-cell cuboid patch builds, inspects, and ONNX Runtime agrees with the reference', async () => {
    const file = modelFile('cuboid51', 'gridInterdependenceLayer', 'h: 3, w: 3, inChannel: 1, outChannel: 1, pH: 25, pD: 25, withBatchNorm: false');
    const { spec } = loadSpec(file);
    const g = spec.layers[0].heads[0].grid!;
    expect(g.S).toBe(51 ** 3);
    expect(g.lo).toEqual([-25, -25, -25]);
    expect(g.hi).toEqual([25, 25, 25]);
    const r = inspectModel({ spec, weights: seededWeights(spec, 3) });
    expect(r.totals.paramsBefore).toBe(51 ** 3); // identity reconciliation: one weight per offset (and output channel)
    const res = compileSpec(spec, seededWeights(spec, 3));
    const report = await compareBackends(spec, seededWeights(spec, 3), res.onnx, { seed: 5, batch: 2 });
    expect(report.ok).toBe(true);
  });

  it('a 61³ = 226,981-cell max-pooling patch: each output is the maximum of the grid (ONNX Runtime and the reference)', async () => {
    const file = modelFile('pool61', 'gridCompressionLayer', 'h: 8, w: 8, channelNum: 1, pH: 30, pD: 30, cdH: 4, cdW: 4, cdD: 1');
    const { spec } = loadSpec(file);
    expect(spec.layers[0].heads[0].grid!.S).toBe(61 ** 3);
    expect([spec.m, spec.n]).toEqual([64, 4]); // 2 × 2 patch centres, each patch covering the whole 8 × 8 grid
    const weights = seededWeights(spec, 1);
    const res = compileSpec(spec, weights);
    const rows = 2;
    const input = Float32Array.from({ length: rows * 64 }, (_, i) => Math.sin(i * 1.37 + 0.3) * 1.5);
    const y = await runSession(await createSession(res.onnx), { shape: [rows, 64], data: input });
    const ref = runReference(spec, weights, { rows, cols: 64, data: input });
    for (let r = 0; r < rows; r++) {
      const max = input.slice(r * 64, (r + 1) * 64).reduce((a, b) => (a > b ? a : b));
      expect(Array.from(y.data.slice(r * 4, (r + 1) * 4))).toEqual([max, max, max, max]);
      expect(Array.from(ref.data.slice(r * 4, (r + 1) * 4))).toEqual([max, max, max, max]);
    }
  });

  it(`a 99³ = 970,299-cell patch (just under MAX_PATCH_CELLS = ${MAX_PATCH_CELLS}) builds; 101³ is refused with RPN2301`, () => {
    const ok = modelFile('cuboid99', 'gridInterdependenceLayer', 'h: 2, w: 2, inChannel: 1, outChannel: 1, pH: 49, pD: 49, withBatchNorm: false');
    const { spec } = loadSpec(ok);
    expect(spec.layers[0].heads[0].grid!.S).toBe(99 ** 3);
    expect(compileSpec(spec, seededWeights(spec, 0)).onnx.length).toBeGreaterThan(0);
    const bad = modelFile('cuboid101', 'gridInterdependenceLayer', 'h: 2, w: 2, inChannel: 1, outChannel: 1, pH: 50, pD: 50');
    let err: unknown;
    try {
      loadSpec(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticError);
    const d = (err as DiagnosticError).diagnostics[0];
    expect(d.code).toBe('RPN2301');
    expect(d.message).toContain('1,030,301 cells');
  });
});

describe('ir/arrays: loops where a spread would pass 10⁶ arguments', () => {
  it('maxOf, minOf and pushAll on 10⁶ items give what Math.max, Math.min and push give on small ones', () => {
    const xs = Array.from({ length: 1_000_000 }, (_, i) => ((i * 7919) % 1_000_003) - 500_000);
    expect(maxOf(xs)).toBe(xs.reduce((a, b) => (a > b ? a : b)));
    expect(minOf(xs)).toBe(xs.reduce((a, b) => (a < b ? a : b)));
    expect(maxOf([], 3)).toBe(3);
    expect(maxOf([1, NaN, 2])).toBeNaN();
    expect(pushAll([1, 2], xs).length).toBe(1_000_002);
  });
});
