/**
 * Lowering of the kernel interdependences (spec rpn2-bilinear-kernel §4 numerical, §5 statistical): A = kernel(Z),
 * comparing the columns of Z (r × c, r may be the symbolic batch) → A (c × c), vectorised (Q5): pairwise
 * differences are one broadcast Sub (r × c × c) reduced over the rows; Gram matrices are one MatMul.
 * No loop over rows or columns, no code shared with runtime/reference/kernel.ts.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';

const zt = (b: GraphBuilder, z: Value) => b.transpose(z, [1, 0]);
/** Zᵀ·Z (c × c). */
const gram = (b: GraphBuilder, z: Value) => b.matmul(zt(b, z), z);
/** Δ[k, i, j] = Z[k, i] − Z[k, j] (r × c × c). */
const diffs = (b: GraphBuilder, z: Value) => b.sub(b.unsqueeze(z, [2]), b.unsqueeze(z, [1]));
/** Σ_k over the rows of an (r × c × c) tensor → (c × c). */
const sumRows = (b: GraphBuilder, t: Value) => b.reduceSum(t, [0], false);
const expNeg = (b: GraphBuilder, t: Value) => b.exp(b.neg(t));
/** ‖Δ_ij‖₂² (c × c). */
const sqDist = (b: GraphBuilder, z: Value) => {
  const d = diffs(b, z);
  return sumRows(b, b.mul(d, d));
};
/** A bool c × c constant true on the diagonal. */
const eye = (b: GraphBuilder, c: number): Value => {
  const t = tensor('bool', [c, c]);
  for (let i = 0; i < c; i++) (t.data as Uint8Array)[i * c + i] = 1;
  return b.constant(t, 'eye');
};
/** The rows r of Z as a (1 × c) float: a constant when r is static, else counted from Z. */
const rowCount = (b: GraphBuilder, z: Value): Value | number =>
  typeof z.shape[0] === 'number' ? z.shape[0] : b.reduceSum(b.add(b.mul(z, 0), 1), [0], true);

/** Columns centred on their means (r × c). */
const centred = (b: GraphBuilder, z: Value) => b.sub(z, b.reduceMean(z, [0], true));

/** Pearson correlation of the columns: cᵢ·cⱼ / (‖cᵢ‖·‖cⱼ‖) (the (r − 1) of covariance and deviations cancels); 0/0 → NaN. */
function pearson(b: GraphBuilder, z: Value): Value {
  const c = centred(b, z);
  const s = b.sqrt(b.reduceSum(b.mul(c, c), [0], true)); // 1 × c
  return b.div(gram(b, c), b.matmul(zt(b, s), s));
}

/** A = kernel(Z) for one koala kernel with its hyper-parameters; `cols` = columns of Z (static). */
export function lowerKernel(b: GraphBuilder, z: Value, kernel: string, o: Record<string, unknown>, cols: number): Value {
  switch (kernel) {
    case 'linear_kernel':
      return gram(b, z);
    case 'polynomial_kernel': {
      const g = (o.c as number) === 0 ? gram(b, z) : b.add(gram(b, z), o.c as number);
      return (o.d as number) === 1 ? g : b.pow(g, b.constant(float32s([o.d as number], [])));
    }
    case 'hyperbolic_tangent_kernel':
      return b.tanh(b.add(b.mul(gram(b, z), o.alpha as number), o.c as number));
    case 'cosine_similarity_kernel': {
      const nrm = b.sqrt(b.reduceSum(b.mul(z, z), [0], true)); // 1 × c
      const safe = b.where(b.equal(nrm, 0), 1, nrm); // tinybig: a zero norm is replaced by 1
      return gram(b, b.div(z, safe));
    }
    case 'minkowski_distance_kernel': {
      const p = o.p as number;
      if (p === Infinity) return expNeg(b, b.reduceMax(b.abs(diffs(b, z)), [0], false));
      if (p === 1) return expNeg(b, sumRows(b, b.abs(diffs(b, z))));
      if (p === 2) return expNeg(b, b.sqrt(sqDist(b, z)));
      const pc = b.constant(float32s([p], []));
      return expNeg(b, b.pow(sumRows(b, b.pow(b.abs(diffs(b, z)), pc)), b.constant(float32s([1 / p], []))));
    }
    case 'manhattan_distance_kernel':
      return expNeg(b, sumRows(b, b.abs(diffs(b, z))));
    case 'euclidean_distance_kernel':
      return expNeg(b, b.sqrt(sqDist(b, z)));
    case 'chebyshev_distance_kernel':
      return expNeg(b, b.reduceMax(b.abs(diffs(b, z)), [0], false));
    case 'canberra_distance_kernel': {
      const a = b.abs(z);
      const den = b.add(b.add(b.unsqueeze(a, [2]), b.unsqueeze(a, [1])), 1e-10);
      return expNeg(b, sumRows(b, b.div(b.abs(diffs(b, z)), den)));
    }
    case 'exponential_kernel':
      return expNeg(b, b.mul(sqDist(b, z), o.gamma as number));
    case 'gaussian_rbf_kernel': {
      const s = o.sigma as number;
      return expNeg(b, b.div(sqDist(b, z), 2 * s * s));
    }
    case 'laplacian_kernel':
      return expNeg(b, b.div(sumRows(b, b.abs(diffs(b, z))), o.sigma as number));
    case 'anisotropic_rbf_kernel': {
      const d = diffs(b, z);
      const sq = b.mul(d, d);
      const av = o.aVector as number[] | undefined;
      if (av) return expNeg(b, sumRows(b, b.mul(sq, b.constant(float32s(av, [av.length, 1, 1]), 'a_vector'))));
      return expNeg(b, b.mul(sumRows(b, sq), (o.aScalar as number | undefined) ?? 1));
    }
    case 'kl_divergence_kernel': {
      // A[i, j] = Σ_k P[k,i]·(ln P[k,i] − ln P[k,j]) = Σ_k P[k,i]·ln P[k,i] − (Pᵀ·ln P)[i, j]
      const P = b.softmax(z, 0);
      const L = b.log(P);
      const self = b.transpose(b.reduceSum(b.mul(P, L), [0], true), [1, 0]); // c × 1
      return b.sub(self, b.matmul(zt(b, P), L));
    }
    case 'pearson_correlation_kernel':
      return pearson(b, z);
    case 'rv_coefficient_kernel': {
      // clamp(pearson, 0, 1) off the diagonal (a Where keeps NaN, as torch.clamp does), 0 on it
      const r = pearson(b, z);
      const lo = b.where(b.less(r, 0), 0, r);
      const hi = b.where(b.less(b.constant(float32s([1], [])), lo), 1, lo);
      return b.where(eye(b, cols), 0, hi);
    }
    case 'mutual_information_kernel': {
      // ½·ln(max(vᵢ,ε)·max(vⱼ,ε) / max(vᵢ·vⱼ − covᵢⱼ², ε)), unbiased (r − 1) variances and covariances; 0 on the diagonal
      const c = centred(b, z);
      const r = rowCount(b, z);
      const rm1: Value | number = typeof r === 'number' ? r - 1 : b.sub(b.reduceMax(r, [1], true), 1); // 1 × 1 when counted
      const cov = b.div(gram(b, c), rm1);
      const v = b.div(b.reduceSum(b.mul(c, c), [0], true), rm1); // 1 × c
      const eps = b.constant(float32s([1e-10], []));
      const vc = b.max([v, eps]);
      const num = b.matmul(zt(b, vc), vc);
      const det = b.sub(b.matmul(zt(b, v), v), b.mul(cov, cov));
      const mi = b.mul(b.log(b.div(num, b.max([det, eps]))), 0.5);
      return b.where(eye(b, cols), 0, mi);
    }
    default:
      return fail('RPN4101', `no lowering for the kernel ${kernel}`);
  }
}
