/**
 * Grid heads (issue 4): geometry (offsets in tinybig's order, patch sizes, packing → centre distances),
 * the cnn construction, and the shape of the emitted ONNX (a Conv / MaxPool, never a dense patch matrix).
 */
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights, seededWeights } from '../../compiler/compile.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { DslError } from '../../compiler/dsl/component.js';
import { cnn, cuboidMaxBasedGeometricCompression, cuboidMeanBasedGeometricCompression, cylinderMeanBasedGeometricCompression, gridCompressionLayer, gridInterdependenceLayer, linearRemainder, resnet, rpn, sphereMinBasedGeometricCompression } from '../../compiler/dsl/index.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { gridGeometry, packingCd, patchOffsets } from '../../compiler/spec/grid.js';

const { onnx } = onnxProto;
const root = path.resolve(import.meta.dirname, '../..');

describe('patch offsets', () => {
  it('cuboid: dh outer, dw, dd inner; s = ((dh+p_h)·W_p + (dw+p_w))·D_p + (dd+p_d)', () => {
    const o = patchOffsets('cuboid', { pH: 1 });
    expect(o.length).toBe(9);
    expect(o.slice(0, 4)).toEqual([[-1, -1, 0], [-1, 0, 0], [-1, 1, 0], [0, -1, 0]]);
    const o3 = patchOffsets('cuboid', { pH: 1, pW: 2, pD: 1, pDPrime: 0 });
    expect(o3.length).toBe(3 * 5 * 2);
    o3.forEach(([dh, dw, dd], s) => expect(s).toBe(((dh + 1) * 5 + (dw + 2)) * 2 + (dd + 1)));
  });
  it('cuboid primes: pW defaults to pH, pWPrime to pW (not to pHPrime), 0 is honoured', () => {
    expect(patchOffsets('cuboid', { pH: 0, pHPrime: 1 })).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(patchOffsets('cuboid', { pH: 0, pHPrime: 1, pW: 0, pWPrime: 1 })).toEqual([[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0]]);
  });
  it('cylinder sizes 5, 13, 29 per layer; depth uses ±pDPrime', () => {
    expect([1, 2, 3].map((r) => patchOffsets('cylinder', { pR: r }).length)).toEqual([5, 13, 29]);
    expect(patchOffsets('cylinder', { pR: 1 })).toEqual([[-1, 0, 0], [0, -1, 0], [0, 0, 0], [0, 1, 0], [1, 0, 0]]);
    expect(patchOffsets('cylinder', { pR: 2, pD: 0, pDPrime: 1 }).length).toBe(13 * 3);
  });
  it('sphere sizes 7, 33, 123', () => {
    expect([1, 2, 3].map((r) => patchOffsets('sphere', { pR: r }).length)).toEqual([7, 33, 123]);
    expect(patchOffsets('sphere', { pR: 1 })).toEqual([[-1, 0, 0], [0, -1, 0], [0, 0, -1], [0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]);
  });
});

describe('packing strategies → centre distances (truncated, at least 1)', () => {
  it('cuboid', () => {
    expect(packingCd('cuboid', 'sparse_square', { pH: 1 })).toEqual([3, 3, 1]);
    expect(packingCd('cuboid', 'complete_square', { pH: 1 })).toEqual([2, 2, 1]);
    expect(packingCd('cuboid', 'dense_square', { pH: 2 })).toEqual([2, 2, 1]);
    expect(packingCd('cuboid', 'densest_packing', { pH: 2 })).toEqual([1, 1, 1]);
    expect(packingCd('cuboid', 'no_such_strategy', { pH: 2 })).toEqual([1, 1, 1]);
  });
  it('cylinder and sphere', () => {
    expect(packingCd('cylinder', 'sparse_hexagonal', { pR: 1 })).toEqual([1, 2, 1]);
    expect(packingCd('cylinder', 'complete_hexagonal', { pR: 2 })).toEqual([3, 3, 1]);
    expect(packingCd('cylinder', 'complete_square', { pR: 2 })).toEqual([2, 2, 1]);
    expect(packingCd('sphere', 'sparse_simple_cubic', { pR: 1 })).toEqual([2, 2, 2]);
    expect(packingCd('sphere', 'complete_face_centered_cubic', { pR: 2 })).toEqual([2, 3, 2]);
    expect(packingCd('sphere', 'complete_simple_cubic', { pR: 3 })).toEqual([3, 3, 3]);
  });
  it('explicit cd overrides only when all three are given; output grid = ⌈h/cd⌉', () => {
    const g = gridGeometry({ h: 5, w: 7, pH: 1, cdH: 2, cdW: 3, cdD: 1, packingStrategy: 'sparse_square' }, 'interdependence');
    expect(g.cd).toEqual([2, 3, 1]);
    expect(g.out).toEqual([3, 3, 1]);
    expect(gridGeometry({ h: 5, w: 7, pH: 1, cdH: 2, cdW: 3, cdD: null, packingStrategy: 'sparse_square' }, 'interdependence').cd).toEqual([3, 3, 1]);
  });
});

describe('DSL and cnn construction', () => {
  it('a cuboid needs pH; the error names the option', () => {
    try {
      gridInterdependenceLayer({ h: 4, w: 4, inChannel: 1, outChannel: 1 });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(DslError);
      expect((e as DslError).option).toBe('pH');
    }
  });
  it('grid layers know m and n; tinybig defaults', () => {
    const l = gridInterdependenceLayer({ h: 4, w: 5, inChannel: 2, outChannel: 3, pH: 1 });
    expect(l.options).toMatchObject({ m: 40, n: 60, withBatchNorm: true, withRelu: true, enableBias: false, cdD: 1, pD: 0, r: 3 });
    expect(gridCompressionLayer({ h: 4, w: 4, channelNum: 2, pH: 0, pHPrime: 1, pW: 0, pWPrime: 1, cdH: 2, cdW: 2 }).options).toMatchObject({ m: 32, n: 8, withDropout: false });
  });
  it('cnn: pooling after every `gaps` conv layers, fc layers, key numbering', () => {
    const spec = buildModelSpec(cnn({ h: 6, w: 6, channelNums: [1, 2, 3], fcDims: [8, 4], pH: 1, poolingPH: 0, poolingPHPrime: 1, poolingPW: 0, poolingPWPrime: 1, poolingCdH: 2, poolingCdW: 2 }));
    expect(spec.layers.map((l) => l.type)).toEqual(['grid_interdependence_layer', 'grid_interdependence_layer', 'grid_compression_layer', 'perceptron_layer', 'perceptron_layer']);
    expect(spec.layers.map((l) => [l.m, l.n])).toEqual([[36, 72], [72, 108], [108, 27], [27, 8], [8, 4]]);
    expect(spec.layers[3].heads[0].outputProcess.map((p) => p.type)).toEqual(['BatchNorm1d', 'ReLU', 'Dropout']);
    expect(spec.layers[4].heads[0].outputProcess).toEqual([]);
    expect(spec.layers[0].heads[0].bias).toBe(true);
  });
  it('cnn: patchSizeHalfAfterPooling halves patch sizes after a pooling layer (pD = 0 becomes 1)', () => {
    const spec = buildModelSpec(cnn({ h: 8, w: 8, channelNums: [1, 1, 1, 1], fcDims: [2], pH: 2, poolingLayerGaps: 1, poolingCdH: 2, poolingCdW: 2, patchSizeHalfAfterPooling: true }));
    const conv = spec.layers.filter((l) => l.type === 'grid_interdependence_layer').map((l) => l.heads[0].grid!);
    expect(conv.map((g) => g.S)).toEqual([25, 27, 27]); // 5×5×1, then 3×3×3 (pH 2→1, pD 0→1), then 3×3×3
  });
  it('resnet = cnn with withResidual forced on (conv and fc layers get a linear remainder)', () => {
    const opts = { h: 4, w: 4, channelNums: [1, 2, 2], fcDims: [5, 3], pH: 1, poolingPH: 0, poolingPHPrime: 1, poolingPW: 0, poolingPWPrime: 1, poolingCdH: 2, poolingCdW: 2 };
    const spec = buildModelSpec(resnet({ ...opts, withResidual: false })); // tinybig's resnet ignores the value
    expect(spec.layers.map((l) => l.type)).toEqual(['grid_interdependence_layer', 'grid_interdependence_layer', 'grid_compression_layer', 'perceptron_layer', 'perceptron_layer']);
    expect(spec.layers.map((l) => l.heads[0].remainder.type)).toEqual(['linear_remainder', 'linear_remainder', 'zero_remainder', 'linear_remainder', 'linear_remainder']);
    expect(buildModelSpec(resnet({ ...opts, withPerceptronResidual: false })).layers[3].heads[0].remainder.type).toBe('zero_remainder');
    expect(buildModelSpec(cnn(opts)).layers[0].heads[0].remainder.type).toBe('zero_remainder');
  });
  it('mean/max/min-based geometric compressions as a grid_compression_layer dataTransformation set the metric', () => {
    const base = { h: 4, w: 4, channelNum: 2, pH: 0, pHPrime: 1, pW: 0, pWPrime: 1, cdH: 2, cdW: 2 };
    const metric = (dt: ReturnType<typeof cuboidMaxBasedGeometricCompression>, extra = {}) => buildModelSpec(gridCompressionLayer({ ...base, ...extra, dataTransformation: dt })).layers[0].heads[0].grid!.metric;
    expect(metric(cuboidMeanBasedGeometricCompression())).toBe('batch_mean');
    expect(metric(cuboidMaxBasedGeometricCompression({ pH: 0, cdH: 2 }))).toBe('batch_max');
    expect(metric(cylinderMeanBasedGeometricCompression(), { patchShape: 'cylinder', pR: 1 })).toBe('batch_mean');
    expect(metric(sphereMinBasedGeometricCompression({ pR: 1 }), { patchShape: 'sphere', pR: 1 })).toBe('batch_min');
    expect(() => buildModelSpec(gridCompressionLayer({ ...base, dataTransformation: cuboidMeanBasedGeometricCompression({ pH: 1 }) }))).toThrow(/pH = 1 but the head has 0/);
    expect(() => buildModelSpec(gridCompressionLayer({ ...base, dataTransformation: cylinderMeanBasedGeometricCompression() }))).toThrow(/cylinder patch/);
    expect(() => gridCompressionLayer({ ...base, dataTransformation: linearRemainder() as never })).toThrow(DslError);
  });
});

function onnxOf(c: string): { ops: string[]; biggestInit: number } {
  const dir = path.join(root, 'fixtures/golden', c);
  const { spec } = loadSpec(path.join(root, 'fixtures/models', `${c}.ts`));
  const res = compileSpec(spec, loadWeights(spec, { weights: [path.join(dir, 'weights.safetensors'), path.join(dir, 'extras.safetensors')] }));
  const m = onnx.ModelProto.decode(res.onnx);
  const g = m.graph!;
  const size = (t: onnxProto.onnx.ITensorProto) => (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
  return { ops: (g.node ?? []).map((n) => n.opType!), biggestInit: Math.max(0, ...(g.initializer ?? []).map(size)) };
}

describe('emitted ONNX', () => {
  it('a cuboid grid layer is one Conv; no initializer is larger than the weights', () => {
    const { ops, biggestInit } = onnxOf('c_cuboid_plain');
    expect(ops).toContain('Conv');
    expect(ops).not.toContain('MatMul');
    expect(biggestInit).toBeLessThanOrEqual(54); // w (1, 54); a dense patch matrix would be 20×180
  });
  it('a cylinder patch becomes a Conv with a bounding-box kernel', () => {
    const { ops, biggestInit } = onnxOf('c_cylinder_r2_hex');
    expect(ops).toContain('Conv');
    expect(biggestInit).toBeLessThanOrEqual(2 * 2 * 25); // C_out·C_in·5·5 kernel; A is 36×52
  });
  it('consecutive grid layers with nothing per-position between them stay N-C-spatial (flat→NCHW→flat Reshapes cancel)', () => {
    const conv = (inChannel: number) => gridInterdependenceLayer({ h: 4, w: 4, inChannel, outChannel: 2, pH: 1, withBatchNorm: false, withRelu: false });
    const spec = buildModelSpec(rpn({ layers: [conv(1), conv(2)] }));
    // (identity-elimination merges Reshape(Reshape(x)) when the shapes are constants, i.e. with folding on)
    const nodes = onnx.ModelProto.decode(compileSpec(spec, seededWeights(spec, 3)).onnx).graph!.node ?? [];
    const convs = nodes.filter((n) => n.opType === 'Conv');
    expect(convs.length).toBe(2);
    expect(convs[1].input![0]).toBe(convs[0].output![0]); // Conv → Conv, no Reshape pair between
    expect(nodes.filter((n) => n.opType === 'Reshape').length).toBe(2); // only in and out
  });
  it('value names show the chosen patch gather', async () => {
    const names = (m: Parameters<typeof buildModelSpec>[0]) => {
      const spec = buildModelSpec(m);
      const g = onnx.ModelProto.decode(compileSpec(spec, seededWeights(spec, 1), { fold: false }).onnx).graph!;
      return [...(g.node ?? []).flatMap((n) => n.output ?? []), ...(g.initializer ?? []).map((t) => t.name!)];
    };
    expect(names(gridInterdependenceLayer({ h: 4, w: 4, inChannel: 1, outChannel: 2, pH: 1 }))).toEqual(expect.arrayContaining(['heads.0.conv_kernel', 'heads.0.conv']));
    expect(names(gridInterdependenceLayer({ h: 4, w: 4, inChannel: 1, outChannel: 2, patchShape: 'cylinder', pR: 1 }))).toEqual(expect.arrayContaining(['heads.0.conv_kernel_index', 'heads.0.conv_bbox_kernel', 'heads.0.conv']));
    expect(names(gridCompressionLayer({ h: 4, w: 4, channelNum: 1, pH: 1, packingStrategy: 'complete_square' }))).toEqual(expect.arrayContaining(['heads.0.pool_zero_pad', 'heads.0.max_pool']));
    expect(names(gridCompressionLayer({ h: 4, w: 4, channelNum: 1, pH: 1, poolingMetric: 'batch_sum' }))).toEqual(expect.arrayContaining(['heads.0.patch_gather_index', 'heads.0.patch_gather', 'heads.0.patch_reduce']));
  });
  it('cnn: Conv, zero-padded MaxPool, fc MatMul', () => {
    const { ops, biggestInit } = onnxOf('e_cnn_tiny');
    expect(ops.filter((o) => o === 'Conv').length).toBe(2);
    expect(ops).toContain('MaxPool');
    expect(biggestInit).toBeLessThanOrEqual(216);
  });
});

describe('lowering = reference on geometries without golden data (seeded weights)', () => {
  const models = {
    conv_pd1_on_2d_grid: gridInterdependenceLayer({ h: 4, w: 5, inChannel: 2, outChannel: 2, pH: 1, pD: 1, enableBias: true, withBatchNorm: false }),
    conv_asym_3d_stride: gridInterdependenceLayer({ h: 5, w: 4, d: 3, inChannel: 1, outChannel: 2, pH: 2, pHPrime: 0, pW: 0, pWPrime: 1, pD: 1, cdH: 2, cdW: 3, cdD: 2, withBatchNorm: false, withRelu: false }),
    sphere_3d_dual_lphm: gridInterdependenceLayer({ h: 4, w: 4, d: 3, inChannel: 2, outChannel: 4, patchShape: 'sphere', pR: 1, withDualLphm: true, r: 1, withResidual: true, withBatchNorm: false }),
    pool_l1: gridCompressionLayer({ h: 5, w: 5, channelNum: 2, poolingMetric: 'batch_l1_norm', pH: 1, packingStrategy: 'complete_square' }),
    pool_l2_cylinder: gridCompressionLayer({ h: 5, w: 6, channelNum: 1, poolingMetric: 'batch_l2_norm', patchShape: 'cylinder', pR: 1, packingStrategy: 'sparse_hexagonal' }),
    pool_prod: gridCompressionLayer({ h: 4, w: 4, channelNum: 2, poolingMetric: 'batch_prod', pH: 0, pHPrime: 1, pW: 0, pWPrime: 1, cdH: 2, cdW: 2 }),
    pool_min_sphere_3d: gridCompressionLayer({ h: 4, w: 4, d: 3, channelNum: 1, poolingMetric: 'batch_min', patchShape: 'sphere', pR: 1, packingStrategy: 'sparse_simple_cubic' }),
    pool_max_pd1_on_2d_grid: gridCompressionLayer({ h: 4, w: 4, channelNum: 2, poolingMetric: 'batch_max', pH: 1, pD: 1, packingStrategy: 'complete_square' }),
    pool_min_3d_cuboid: gridCompressionLayer({ h: 4, w: 5, d: 3, channelNum: 2, poolingMetric: 'batch_min', pH: 1, pD: 1, packingStrategy: 'complete_square' }),
    resnet_small: resnet({ h: 5, w: 4, channelNums: [2, 3, 2], fcDims: [4, 3], pH: 1, poolingPH: 0, poolingPHPrime: 1, poolingPW: 0, poolingPWPrime: 1, poolingCdH: 2, poolingCdW: 2, withDropout: false }),
    pool_mean_cylinder: gridCompressionLayer({ h: 5, w: 6, channelNum: 2, patchShape: 'cylinder', pR: 1, packingStrategy: 'sparse_hexagonal', dataTransformation: cylinderMeanBasedGeometricCompression() }),
    cnn_gaps1_half: cnn({ h: 8, w: 8, channelNums: [1, 2, 2], fcDims: [5, 3], pH: 2, poolingLayerGaps: 1, poolingCdH: 2, poolingCdW: 2, patchSizeHalfAfterPooling: true, withBatchNorm: false, withDropout: false }),
  };
  for (const [name, model] of Object.entries(models)) {
    it(name, async () => {
      const spec = buildModelSpec(model);
      const weights = seededWeights(spec, 7);
      const b = 3;
      const input = Float32Array.from({ length: b * spec.m }, (_, i) => Math.sin(i * 1.37 + 0.3) * 1.5);
      for (const fold of [true, false]) {
        const res = compileSpec(spec, seededWeights(spec, 7), { fold });
        const y = await runSession(await createSession(res.onnx), { shape: [b, spec.m], data: input });
        const ref = runReference(spec, weights, { rows: b, cols: spec.m, data: input });
        expect(y.data.length).toBe(ref.data.length);
        for (let i = 0; i < ref.data.length; i++) expect(Math.abs(y.data[i] - ref.data[i]), `${name} fold=${fold} element ${i}`).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(ref.data[i]));
      }
    });
  }
});
