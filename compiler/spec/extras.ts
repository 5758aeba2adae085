/**
 * Tensors tinybig keeps outside its state_dict that rpnc derives itself (B-spline knots, RBF
 * centres). A checkpoint may carry them (the oracle's `extras.safetensors`); then they must equal
 * what rpnc derives, or the model file does not describe the checkpoint.
 */
import { fail } from '../diagnostics.js';
import type { WeightStore } from '../weights/store.js';
import { bsplineKnots, rbfCentres } from './sizes.js';
import type { ExpansionSpec, FusionSpec, InterdependenceSpec, ModelSpec } from './types.js';
import { checkGridExtras } from './grid.js';
import { GRAPH_BILINEAR } from './topological.js';
import { denseFloat32, topologyMatrix } from './topology.js';
import { geometricMatrix } from './geometric.js';

/** The fixed weight vector tinybig keeps on summation / average / weighted-summation fusions. */
function fusionWeights(f: FusionSpec | undefined): { key: string; shape: number[]; values: number[] }[] {
  if (!f) return [];
  const K = f.dims.length;
  const w = f.type === 'summation_fusion' ? Array(K).fill(1) : f.type === 'average_fusion' ? Array(K).fill(Math.fround(1 / K)) : f.type === 'weighted_summation_fusion' ? (f.options.weights as number[]).map(Math.fround) : undefined;
  return w ? [{ key: `${f.prefix}weights`, shape: [K], values: w }] : [];
}

/** Knots and centres, computed the same way lowering and the reference do (float32). */
export function derivedExtras(e: ExpansionSpec): { key: string; shape: number[]; values: number[] }[] {
  const o = e.options;
  if (e.type === 'bspline_expansion') {
    const [lo, hi] = o.gridRange as number[];
    const row = bsplineKnots(lo, hi, o.t as number, o.d as number);
    return [{ key: `${e.prefix}grid`, shape: [e.m, row.length], values: Array.from({ length: e.m }, () => row).flat() }];
  }
  if (e.type === 'gaussian_rbf_expansion' || e.type === 'inverse_quadratic_rbf_expansion') {
    const [lo, hi] = o.baseRange as number[];
    const K = o.numInterval as number;
    const c = rbfCentres(lo, hi, K);
    return [{ key: `${e.prefix}base`, shape: [K], values: c }];
  }
  if (e.grid) {
    // geometric expansion / compression: the padding matrix of its inner geometric_interdependence (N × P·S)
    const A = geometricMatrix(e.grid, 'padding');
    return [{ key: `${e.prefix}interdependence.A`, shape: [A.rows, A.cols], values: Array.from(A.data) }];
  }
  return e.children.flatMap(derivedExtras);
}

/** The fixed A (m×m', or b×b' for the instance axis, float32) tinybig caches on a parameter-free interdependence (`<slot>_interdependence.A`). */
function interdependenceA(ai: InterdependenceSpec | undefined, headPrefix: string, slot = 'attribute'): { key: string; shape: number[]; values: number[] }[] {
  if (ai?.topology) {
    // chain / graph A (the graph part G of the GAT hybrid, interdependence_functions.0), cached by tinybig after the first forward
    const t = ai.topology;
    const key = ai.type === GRAPH_BILINEAR ? `${headPrefix}${slot}_interdependence.interdependence_functions.0.A` : `${headPrefix}${slot}_interdependence.A`;
    let A: Float32Array | undefined; // computed only when a checkpoint holds the key (checkOne asks has() first)
    return [{ key, shape: [t.size, t.size], get values() { return (A ??= denseFloat32(topologyMatrix(t))) as unknown as number[]; } }];
  }
  if (!ai || ai.l > 0 || ai.data) return []; // data-dependent A (issue 13): computed, or a frozen side-car read as such
  if (ai.geometric) {
    // tinybig caches the one-universe (normalised) patch matrix: N × P·S (padding) or N × N (aggregation)
    const A = geometricMatrix(ai.geometric.grid, ai.geometric.mode, ai.geometric.normalization);
    return [{ key: `${headPrefix}${slot}_interdependence.A`, shape: [A.rows, A.cols], values: Array.from(A.data, Math.fround) }];
  }
  const [m, mPrime] = ai.axis === 'instance' ? [ai.b!, ai.bPrime!] : [ai.m, ai.mPrime];
  const o = ai.options;
  const at = (i: number, j: number): number => {
    switch (ai.type) {
      case 'constant_interdependence':
        return (o.A as number[][])[i][j];
      case 'constant_c_interdependence':
        return o.c as number;
      case 'one_interdependence':
        return 1;
      case 'identity_interdependence':
        return i === j ? 1 : 0;
      default:
        return 0;
    }
  };
  const values: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < mPrime; j++) values.push(Math.fround(at(i, j)));
  return [{ key: `${headPrefix}${slot}_interdependence.A`, shape: [m, mPrime], values }];
}

function checkOne(store: WeightStore, key: string, x: { shape: number[]; values: number[] }, what: string): void {
  if (!store.has(key)) return;
  const data = store.get(key, x.shape, { requiredBy: `${what} (derived by rpnc, checked against the checkpoint)` });
  for (let i = 0; i < data.length; i++) {
    if (Math.abs(data[i] - x.values[i]) > 1e-6 * Math.max(1, Math.abs(x.values[i]))) {
      fail('RPN3105', `'${key}' in the checkpoint differs from what the model file implies at index ${i} (${data[i]} vs ${x.values[i]})`, {
        hint: `the model file does not describe this checkpoint: check the options of the ${what}`,
      });
    }
  }
}

export function checkDerivedExtras(spec: ModelSpec, store: WeightStore): void {
  for (const layer of spec.layers) {
    for (const x of fusionWeights(layer.headFusion)) checkOne(store, x.key, x, layer.headFusion!.type);
    for (const h of layer.heads) {
      for (const prefix of [h.prefix, ...h.aliases]) {
        for (const x of fusionWeights(h.channelFusion)) checkOne(store, prefix + x.key.slice(h.prefix.length), x, h.channelFusion!.type);
      }
    }
    for (const h of layer.heads) checkGridExtras(h, store);
    for (const h of layer.heads) {
      for (const x of interdependenceA(h.attributeInterdependence, h.prefix)) {
        for (const prefix of [h.prefix, ...h.aliases]) checkOne(store, prefix + x.key.slice(h.prefix.length), x, h.attributeInterdependence!.type);
      }
      for (const x of interdependenceA(h.instanceInterdependence, h.prefix, 'instance')) {
        for (const prefix of [h.prefix, ...h.aliases]) checkOne(store, prefix + x.key.slice(h.prefix.length), x, h.instanceInterdependence!.type);
      }
      for (const x of interdependenceA(h.stepInterdependence, h.prefix, 'instance')) {
        for (const prefix of [h.prefix, ...h.aliases]) checkOne(store, prefix + x.key.slice(h.prefix.length), x, h.stepInterdependence!.type);
      }
    }
    for (const h of layer.heads) {
      for (const x of derivedExtras(h.expansion)) {
        for (const prefix of [h.prefix, ...h.aliases]) {
          const key = prefix + x.key.slice(h.prefix.length);
          if (!store.has(key)) continue;
          const data = store.get(key, x.shape, { requiredBy: `${h.expansion.type} (derived by rpnc, checked against the checkpoint)` });
          for (let i = 0; i < data.length; i++) {
            if (Math.abs(data[i] - x.values[i]) > 1e-6 * Math.max(1, Math.abs(x.values[i]))) {
              fail('RPN3105', `'${key}' in the checkpoint differs from what the model file implies at index ${i} (${data[i]} vs ${x.values[i]})`, {
                hint: 'the model file does not describe this checkpoint: check the expansion options (grid range, t, d, base range, number of intervals)',
              });
            }
          }
        }
      }
    }
  }
}
