/**
 * compiler/spec/limits.ts: the size checks compute the same widths as sizes.ts (without its loops)
 * and refuse exactly what is beyond the limit.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PARAMS, expansionWidth, formatBytes, formatCount, gridPatchTooLarge, sizeLimits, tensorTooLarge } from '../../compiler/spec/limits.js';
import { expansionD } from '../../compiler/spec/sizes.js';

const limits = { maxParams: DEFAULT_MAX_PARAMS };

describe('expansion widths', () => {
  it('equal sizes.ts for every small case (closed-form power sums are exact)', () => {
    const limits = { maxParams: 1e15 }; // within 2^53: the doubles are exact integers
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= 5; d++) {
        expect(expansionWidth('taylor_expansion', { d }, m, limits)).toBe(expansionD('taylor_expansion', { d }, m));
        const o = { d, s: 2, t: 3 };
        expect(expansionWidth('harr_wavelet_expansion', o, m, limits)).toBe(expansionD('harr_wavelet_expansion', o, m));
        expect(expansionWidth('combinatorial_normal_expansion', { d }, m, limits)).toBe(expansionD('combinatorial_normal_expansion', { d }, m));
        expect(expansionWidth('bspline_expansion', { t: 5, d }, m, limits)).toBe(m * (5 + d));
      }
    }
  });

  it('refuse D just beyond the limit and accept it at the limit', () => {
    // identity: D = m
    expect(expansionWidth('identity_expansion', {}, 1_000, { maxParams: 1_000 })).toBe(1_000);
    const bad = expansionWidth('identity_expansion', {}, 1_001, { maxParams: 1_000 });
    expect(bad).toMatchObject({ message: expect.stringContaining('1,001 float32 values') });
    // taylor m = 10, d = 3: D = 10 + 100 + 1000 = 1110
    expect(expansionWidth('taylor_expansion', { d: 3 }, 10, { maxParams: 1_110 })).toBe(1_110);
    expect(expansionWidth('taylor_expansion', { d: 3 }, 10, { maxParams: 1_109 })).toMatchObject({ option: 'd' });
  });

  it('never loop on the degree: d = 1e15 on m = 1 is refused at once', () => {
    const t = performance.now();
    expect(expansionWidth('taylor_expansion', { d: 1e15 }, 1, limits)).toMatchObject({ message: expect.stringContaining('1.00e+15') });
    expect(expansionWidth('combinatorial_normal_expansion', { d: 1e15 }, 1e6, limits)).toMatchObject({ option: 'd' });
    expect(performance.now() - t).toBeLessThan(100);
  });
});

describe('grid patches', () => {
  it('count the cells of cuboid, cylinder and sphere patches (bounds)', () => {
    expect(gridPatchTooLarge({ pH: 499 })).toBeUndefined(); // 999² cells < 1e6
    expect(gridPatchTooLarge({ pH: 500 })).toMatchObject({ option: 'pH', message: expect.stringContaining('1,002,001 cells') }); // 1001²
    expect(gridPatchTooLarge({ pH: 1, pWPrime: 10_000_000 })).toMatchObject({ option: 'pWPrime' });
    expect(gridPatchTooLarge({ pR: 60 })).toMatchObject({ option: 'pR' }); // (121)³ > 1e6
    expect(gridPatchTooLarge({ poolingPH: 0, poolingPHPrime: 2000, poolingPW: 0, poolingPWPrime: 2000 })).toMatchObject({ option: 'poolingPHPrime' });
  });
});

describe('the limit itself', () => {
  it('comes from the option, else RPNC_MAX_PARAMS, else the default; bad values are usage errors', () => {
    expect(sizeLimits({}, {})).toEqual({ maxParams: 1e9 });
    expect(sizeLimits({}, { RPNC_MAX_PARAMS: '12' })).toEqual({ maxParams: 12 });
    expect(sizeLimits({ maxParams: 7 }, { RPNC_MAX_PARAMS: '12' })).toEqual({ maxParams: 7 });
    expect(() => sizeLimits({}, { RPNC_MAX_PARAMS: '-3' })).toThrow(/RPNC_MAX_PARAMS must be a positive integer/);
    expect(() => sizeLimits({}, { RPNC_MAX_PARAMS: '1e400' })).toThrow(/RPN6002/);
  });

  it('messages carry the computed size in values and bytes', () => {
    expect(tensorTooLarge('W', 2e9, limits, 'shrink it')?.message).toBe("W = 2.00e+9 float32 values (8.0 GB), beyond rpnc's limit of 1.00e+9 (4.0 GB)");
    expect(tensorTooLarge('W', 1e9, limits, 'shrink it')).toBeUndefined();
    expect(formatCount(1234)).toBe('1,234');
    expect(formatBytes(256)).toBe('1.0 KB');
    expect(formatBytes(1e24)).toBe('4.0e+6 EB');
  });
});

describe('model size (issue #18)', () => {
  it('the IR graph refuses its 500,001st operation (RPN2302) as it is built, before any pass', async () => {
    const { Graph } = await import('../../ir/graph.js');
    const { MAX_IR_NODES } = await import('../../compiler/spec/limits.js');
    const g = new Graph();
    const x = { name: 'x', dtype: 'float32' as const, shape: [1] };
    g.inputs.push(x);
    g.nodes.length = 0;
    for (let i = 0; i < MAX_IR_NODES; i++) g.nodes.push({ op: 'Identity', inputs: [x], outputs: [], attrs: {}, name: `n${i}` });
    expect(() => g.addNode('Identity', [x], [{ name: 'y', dtype: 'float32', shape: [1] }])).toThrow(/RPN2302: the lowered graph has more than 500,000 operations/);
  });

  it('layers and branches are counted from the options, before any layer is built', async () => {
    const { componentTooLarge, modelBranchesTooLarge, MAX_LAYERS } = await import('../../compiler/spec/limits.js');
    const model = (options: object) => ({ kind: 'model', type: 'mlp', options }) as never;
    expect(componentTooLarge(model({ dims: Array.from({ length: MAX_LAYERS + 1 }, () => 2) }), limits)).toBeUndefined();
    expect(componentTooLarge(model({ dims: Array.from({ length: MAX_LAYERS + 2 }, () => 2) }), limits)).toMatchObject({ option: 'dims', message: 'the model has 1,025 layers; rpnc compiles at most 1,024' });
    const layer = (width: number, channelNum = 1) => ({ kind: 'layer', type: 'rpn_layer', options: { width, channelNum } }) as never;
    expect(modelBranchesTooLarge(Array.from({ length: 16 }, () => layer(1024)))).toBeUndefined(); // exactly 16,384
    expect(modelBranchesTooLarge([...Array.from({ length: 16 }, () => layer(1024)), layer(1)])?.message).toContain('16,385 in the first 17 layers');
    expect(modelBranchesTooLarge([layer(128, 129)])?.message).toContain('16,512');
  });

  it('the passes are near-linear in the number of layers (a 4× larger mlp takes well under 8× as long)', async () => {
    const { compileFile } = await import('../../compiler/compile.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-layers-'));
    const passes = (layers: number): number => {
      const file = path.join(dir, `mlp${layers}.ts`);
      fs.writeFileSync(file, `import { mlp } from 'rpnc';\nexport default mlp({ dims: Array.from({ length: ${layers + 1} }, () => 4) });\n`);
      let ms = 0;
      compileFile(file, { onPhase: (p, t) => void (p === 'passes' && (ms = t)) });
      return ms;
    };
    try {
      passes(64); // warm up
      const small = Math.min(passes(256), passes(256));
      const large = passes(1024);
      // quadratic passes were ~12× (1,024 -> 4,096 layers: 2.7 s -> 32.7 s); linear ones ~4×
      expect(large / small).toBeLessThan(8);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
