/**
 * Every operator rpnc's emitter can produce has a CUDA kernel in ONNX Runtime at opset 17, for
 * float32 and float16 (ORT's OperatorKernels.md, compiler/onnx/cuda-kernels.ts): checked on the
 * op table, on one-node graphs of every emittable op, and on the ONNX of every golden fixture
 * (float32 and --precision fp16). The ops without a CUDA kernel are emitted as portable
 * subgraphs; those are checked numerically against Math.* over their whole domain. And the check
 * can fail: a CPU-only op, a type without a kernel, a registration that ends below the opset.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { CUDA_KERNELS, cpuFallbackNodes, cudaKernelGap, cudaPlacement } from '../../compiler/onnx/cuda-kernels.js';
import { emitOnnx, encodeModel } from '../../compiler/onnx/emit.js';
import { EMITTABLE_OPS } from '../../compiler/onnx/ops.js';
import { PORTABLE_OPS } from '../../compiler/onnx/portable.js';
import { GraphBuilder } from '../../ir/builder.js';
import { createModel } from '../../ir/graph.js';
import { tensor } from '../../ir/tensor.js';
import { cudaPlacementWarning } from '../../runtime/session.js';
import { runOrt } from '../onnx/ort-helpers.js';
import { DT, decode, goldenCases, goldenWeights, modelsDir } from './helpers.js';
import * as path from 'node:path';

/** A one-node float32 graph y = op(x) over [batch, 4]. */
function unaryModel(op: string, attrs: Record<string, number> = {}): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 4]);
  const [y] = b.node(op, [x], attrs);
  b.output(y, 'y');
  return emitOnnx(createModel(b.graph));
}

describe('CUDA kernel table', () => {
  it('has the rows of OperatorKernels.md that matter (spot checks of the transcription)', () => {
    expect(CUDA_KERNELS.ReduceMax).toEqual({ since: 1, until: 17, types: expect.arrayContaining(['float', 'float16', 'int64']) });
    expect(CUDA_KERNELS.Pad.until).toBe(17);
    expect(CUDA_KERNELS.Where.typedInput).toBe(1);
    expect(CUDA_KERNELS.Range.types).not.toContain('float16');
    for (const op of PORTABLE_OPS) expect(CUDA_KERNELS[op], op).toBeUndefined();
  });

  it('flags what has no CUDA kernel (the check can fail)', () => {
    expect(cudaKernelGap('Celu', 'float')).toBe('no CUDA kernel');
    expect(cudaKernelGap('Atan', 'float')).toBe('no CUDA kernel');
    expect(cudaKernelGap('Range', 'float16')).toBe('no CUDA kernel for float16');
    expect(cudaKernelGap('ReduceMax', 'float', 18)).toBe('no CUDA kernel at opset 18');
    expect(cudaKernelGap('MatMul', 'float16')).toBeNull();
  });

  it('every emittable op has a CUDA kernel for float32 and float16, itself or through its portable subgraph', () => {
    const missing: string[] = [];
    for (const op of EMITTABLE_OPS) {
      if (PORTABLE_OPS.has(op)) continue; // checked on the emitted graphs below
      for (const t of ['float', 'float16']) {
        // Ops on index/shape tensors are registered for their data type T; Cast for every type.
        const gap = cudaKernelGap(op, t);
        if (gap) missing.push(`${op} (${gap})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the ops without a CUDA kernel are emitted as subgraphs of ops with one', () => {
    for (const op of PORTABLE_OPS) {
      const bytes = unaryModel(op, op === 'Celu' ? { alpha: 1.5 } : {});
      const ops = decode(bytes).graph!.node!.map((n) => n.opType);
      expect(ops, op).not.toContain(op);
      expect(cpuFallbackNodes(bytes), op).toEqual([]);
    }
  });

  it('a graph with a CPU-only node is reported by the static placement (RPN5201)', () => {
    // Hand-made ONNX: Celu (no CUDA kernel) and a float16 Range (no float16 kernel).
    const m = decode(unaryModel('Relu'));
    m.graph!.node!.push({ name: 'c', opType: 'Celu', domain: '', input: ['y'], output: ['z'], attribute: [] } as never);
    m.graph!.output![0].name = 'z';
    const bytes = encodeModel(m);
    const placed = cudaPlacement(decode(bytes));
    expect(placed.map((p) => [p.op, p.type, p.cpuReason])).toEqual([['Relu', 'float', null], ['Celu', 'float', 'no CUDA kernel']]);
    const w = cudaPlacementWarning(bytes)!;
    expect(w.code).toBe('RPN5201');
    expect(w.severity).toBe('warning');
    expect(w.message).toMatch(/^1 node\(s\) will run on CPU .*Celu 'c' \(float: no CUDA kernel\)/);
    expect(cudaPlacementWarning(unaryModel('Relu'))).toBeNull();
  });

  it('propagates types through Cast and comparisons (Where is typed by its value input)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 4]);
    const [c] = b.node('Less', [x, b.constant(tensor('float32', [], [0]))]);
    const [y] = b.node('Where', [c, x, b.neg(x)]);
    b.output(y, 'y');
    const placed = cudaPlacement(decode(emitOnnx(createModel(b.graph))));
    expect(placed.map((p) => `${p.op}:${p.type}`)).toEqual(['Less:float', 'Neg:float', 'Where:float']);
  });
});

describe('portable subgraphs agree with Math.* (ONNX Runtime CPU)', () => {
  const cases: [string, (x: number) => number, number[], Record<string, number>?][] = [
    ['Atan', Math.atan, [-1e30, -300, -20, -1.5, -1, -0.99, -0.5, -1e-3, 0, 1e-6, 0.3, 0.4142, 0.9, 1, 1.01, 2.5, 60, 1e6, Infinity]],
    ['Asin', Math.asin, [-1, -0.999, -0.7, -0.2, 0, 1e-4, 0.5, 0.9, 0.9999, 1]],
    ['Acos', Math.acos, [-1, -0.999, -0.7, -0.2, 0, 1e-4, 0.5, 0.9, 0.9999, 1]],
    ['Asinh', Math.asinh, [-50, -3, -0.5, -1e-3, 0, 1e-3, 0.7, 4, 1000]],
    ['Acosh', Math.acosh, [1, 1.001, 1.5, 3, 40, 1000]],
    ['Atanh', Math.atanh, [-0.99, -0.5, -1e-3, 0, 0.2, 0.7, 0.99]],
    ['Sinh', Math.sinh, [-8, -1, -0.1, 0, 0.01, 2, 8]],
    ['Cosh', Math.cosh, [-8, -1, -0.1, 0, 0.01, 2, 8]],
    ['Tan', Math.tan, [-1.5, -1, -0.2, 0, 0.3, 1.2, 1.5]],
    ['Celu', (x) => Math.max(0, x) + Math.min(0, 1.5 * (Math.exp(x / 1.5) - 1)), [-6, -1, -0.01, 0, 0.5, 3], { alpha: 1.5 }],
  ];
  for (const [op, f, xs, attrs] of cases) {
    it(op, async () => {
      const b = new GraphBuilder();
      const x = b.input('x', [xs.length]);
      b.output(b.node(op, [x], attrs ?? {})[0], 'y');
      const bytes = emitOnnx(createModel(b.graph));
      const y = (await runOrt(bytes, { x: tensor('float32', [xs.length], xs) })).y.data as Float32Array;
      xs.forEach((v, i) => {
        const want = f(Math.fround(v));
        expect(Math.abs(y[i] - want), `${op}(${v}) = ${y[i]}, want ${want}`).toBeLessThanOrEqual(2e-6 + 2e-6 * Math.abs(want));
      });
    });
  }
});

describe('golden fixtures: no node falls back to the CPU under the CUDA EP', () => {
  for (const precision of ['fp32', 'fp16'] as const) {
    it(`every golden case, ${precision}`, () => {
      const seen = new Set<string>();
      const bad: string[] = [];
      for (const c of goldenCases) {
        const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
        const res = compileSpec(spec, loadWeights(spec, { weights: goldenWeights(c) }), { sourceText, precision });
        for (const p of cudaPlacement(res.proto)) {
          seen.add(`${p.op}:${p.type}`);
          if (p.cpuReason) bad.push(`${c}: ${p.op} '${p.node}' ${p.type} (${p.cpuReason})`);
        }
        if (precision === 'fp16') {
          const floatInits = res.proto.graph!.initializer!.filter((t) => t.dataType === DT.FLOAT).map((t) => t.name);
          expect(floatInits, c).toEqual([]);
        }
      }
      expect(bad).toEqual([]);
      // The fixtures exercise a real variety of ops (not a vacuous pass).
      expect(seen.size).toBeGreaterThan(20);
      expect([...seen].some((s) => s.endsWith(precision === 'fp16' ? ':float16' : ':float'))).toBe(true);
    }, 300_000);
  }
});
