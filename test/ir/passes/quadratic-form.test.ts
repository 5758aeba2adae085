/**
 * quadratic-form: [x, x⊗x]·W with a narrow constant W (2·N·m < m²) becomes
 * ReduceSum(Reshape(Gemm(x, Q, vec W₁ᵀ), [-1, N, m]) ⊙ x[:, None, :]), with the same numbers
 * (IR evaluator, float64 oracle); a wide W, another use of κ, or a non-Taylor concat stays.
 */
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { runGraph } from '../../../ir/eval.js';
import { quadraticForm } from '../../../ir/passes/index.js';
import { float32s } from '../../../ir/tensor.js';
import { checkUnchanged } from './helpers.js';

/** κ = [x, x⊗x] as compiler/lower/expansion.ts emits it (taylor_expansion d = 2). */
function taylor(b: GraphBuilder, x: ReturnType<GraphBuilder['input']>, m: number) {
  return b.concat([x, b.reshape(b.mul(b.unsqueeze(x, [2]), b.unsqueeze(x, [1])), [-1, m * m])], 1);
}
const det = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + s) * 0.5);

describe('quadratic-form', () => {
  test('[x, x⊗x]·W (m = 8, N = 2) is rewritten and computes the same values', () => {
    const m = 8, N = 2, rows = 5;
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', m]);
    const W = det((m + m * m) * N, 1);
    b.output(b.relu(b.matmul(taylor(b, x, m), b.constant(float32s(W, [m + m * m, N]), 'W'))), 'y');
    const xs = det(rows * m, 2);
    const feed = { x: float32s(xs, [rows, m]) };
    const before = runGraph(b.graph, feed).y.data as Float32Array;
    expect(quadraticForm().run(b.graph)).toBe(true);
    const ops = b.graph.nodes.map((n) => n.op);
    expect(ops).toContain('ReduceSum');
    expect(ops).not.toContain('MatMul');
    const after = runGraph(b.graph, feed).y.data as Float32Array;
    // float64 oracle of Σ_k κ_k W[k, o]
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < N; o++) {
        const xr = xs.slice(r * m, (r + 1) * m).map(Math.fround);
        let s = 0;
        for (let i = 0; i < m; i++) s += xr[i] * Math.fround(W[i * N + o]);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) s += xr[i] * xr[j] * Math.fround(W[(m + i * m + j) * N + o]);
        expect(after[r * N + o]).toBeCloseTo(Math.max(0, s), 5);
        expect(after[r * N + o]).toBeCloseTo(before[r * N + o], 5);
      }
  });

  test('not for a wide W (2·N·m ≥ m²), nor when κ has another use', () => {
    const m = 4;
    const wide = new GraphBuilder();
    const x = wide.input('x', ['batch', m]);
    wide.output(wide.matmul(taylor(wide, x, m), wide.constant(float32s(det((m + m * m) * 2, 0), [m + m * m, 2]))), 'y');
    checkUnchanged(quadraticForm(), wide.graph);

    const used = new GraphBuilder();
    const x2 = used.input('x', ['batch', 8]);
    const k = taylor(used, x2, 8);
    used.output(used.matmul(k, used.constant(float32s(det(72, 0), [72, 1]))), 'y');
    used.output(used.relu(k), 'z');
    checkUnchanged(quadraticForm(), used.graph);
  });
});

describe('quadratic-form through the whole pipeline (differential, random shapes and weights)', () => {
  // The general fuzzer rarely draws a Taylor head narrow enough for the pass (2·N·m < m²); this draws only
  // such heads — identity or lorr reconciliation, with and without a linear remainder and bias — and checks
  // ONNX Runtime against the reference interpreter, and that the pass really fired.
  test('random Taylor d = 2 heads with a narrow product: onnxruntime = reference', async () => {
    const { check, compile } = await import('../../../compiler/api.js');
    const fc = (await import('fast-check')).default;
    const arb = fc.record({ m: fc.integer({ min: 5, max: 12 }), n: fc.integer({ min: 1, max: 8 }), r: fc.integer({ min: 1, max: 2 }), lorr: fc.boolean(), rem: fc.boolean(), bias: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }) })
      .filter((o) => 2 * (o.lorr ? o.r : o.n) * o.m < o.m * o.m && (!o.lorr || o.r * (o.n + o.m + o.m * o.m) < o.n * (o.m + o.m * o.m)));
    await fc.assert(
      fc.asyncProperty(arb, async (o) => {
        const rec = o.lorr ? `lorrReconciliation({ r: ${o.r}, enableBias: ${o.bias} })` : `identityReconciliation({ enableBias: ${o.bias} })`;
        const src = `import { rpn, layer, head, taylorExpansion, identityReconciliation, lorrReconciliation, zeroRemainder, linearRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: ${o.m}, n: ${o.n}, heads: [head({ m: ${o.m}, n: ${o.n}, dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: ${rec}, remainder: ${o.rem ? 'linearRemainder()' : 'zeroRemainder()'} })] })] });`;
        const r = await check(src, { seed: o.seed, batch: 5 });
        expect(r.ok, JSON.stringify(r.comparisons)).toBe(true);
        // the pass fired when the product with κ stayed narrow (lorr-factored, or a dense W with 2·n·m < m²)
        const fired = compile(src, { seed: o.seed }).model.graph.nodes.some((n) => n.op === 'ReduceSum');
        if (!o.lorr) expect(fired).toBe(true);
      }),
      { numRuns: 25, seed: 17 },
    );
  }, 120_000);
});
