/**
 * Kernel interdependences (spec rpn2-bilinear-kernel §4, §5), written naively from the spec's formulas: the columns
 * z_i of Z (r × c) are compared pair by pair, A is c × c.
 *   linear        A[i,j] = z_i·z_j                       polynomial  (z_i·z_j + c)^d        tanh  tanh(α·z_i·z_j + c)
 *   cosine        (z_i/ν_i)·(z_j/ν_j), ν = ‖z‖₂ with 0 → 1
 *   distances     exp(−dist): minkowski (Σ|Δ|^p)^(1/p) (p = ∞: max |Δ|), manhattan Σ|Δ|, euclidean ‖Δ‖₂, chebyshev max|Δ|,
 *                 canberra Σ |Δ|/(|z_i| + |z_j| + 1e-10)
 *   exponential   exp(−γ‖Δ‖²)   gaussian exp(−‖Δ‖²/(2σ²))   laplacian exp(−Σ|Δ|/σ)   anisotropic exp(−Σ_k a_k Δ_k²)
 *   kl            Σ_k P[k,i]·(ln P[k,i] − ln P[k,j]), P = softmax over the rows of each column
 *   pearson       cov_ij / (s_i s_j) (unbiased)   rv  clamp(pearson, 0, 1) off the diagonal, 0 on it
 *   mutual inf.   ½ ln(max(v_i,ε)·max(v_j,ε) / max(det C_ij, ε)), ε = 1e-10, 0 on the diagonal
 */
import { zeros, type Mat } from './matrix.js';

const col = (z: Mat, i: number): number[] => Array.from({ length: z.rows }, (_, k) => z.data[k * z.cols + i]);
const dot = (a: number[], b: number[]): number => a.reduce((s, x, k) => s + x * b[k], 0);
const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
/** Unbiased covariance of two variables. */
const cov = (a: number[], b: number[]): number => {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - ma) * (b[k] - mb);
  return s / (a.length - 1);
};

function pairwise(z: Mat, f: (a: number[], b: number[], i: number, j: number) => number): Mat {
  const A = zeros(z.cols, z.cols);
  const cols = Array.from({ length: z.cols }, (_, i) => col(z, i));
  for (let i = 0; i < z.cols; i++) for (let j = 0; j < z.cols; j++) A.data[i * z.cols + j] = f(cols[i], cols[j], i, j);
  return A;
}

function pearson(a: number[], b: number[]): number {
  return cov(a, b) / (Math.sqrt(cov(a, a)) * Math.sqrt(cov(b, b)));
}

export function kernelMatrix(z: Mat, kernel: string, o: Record<string, unknown>): Mat {
  const num = (k: string, d: number) => (o[k] as number | undefined) ?? d;
  switch (kernel) {
    case 'linear_kernel':
      return pairwise(z, (a, b) => dot(a, b));
    case 'polynomial_kernel':
      return pairwise(z, (a, b) => Math.pow(dot(a, b) + num('c', 0), num('d', 1)));
    case 'hyperbolic_tangent_kernel':
      return pairwise(z, (a, b) => Math.tanh(num('alpha', 1) * dot(a, b) + num('c', 0)));
    case 'cosine_similarity_kernel': {
      const nu = (a: number[]) => Math.sqrt(dot(a, a)) || 1;
      return pairwise(z, (a, b) => dot(a.map((x) => x / nu(a)), b.map((x) => x / nu(b))));
    }
    case 'minkowski_distance_kernel': {
      const p = o.p as number;
      return pairwise(z, (a, b) => {
        const d = a.map((x, k) => Math.abs(x - b[k]));
        return Math.exp(-(p === Infinity ? d.reduce((s, x) => Math.max(s, x), -Infinity) : Math.pow(d.reduce((s, x) => s + Math.pow(x, p), 0), 1 / p)));
      });
    }
    case 'manhattan_distance_kernel':
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => s + Math.abs(x - b[k]), 0)));
    case 'euclidean_distance_kernel':
      return pairwise(z, (a, b) => Math.exp(-Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0))));
    case 'chebyshev_distance_kernel':
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => Math.max(s, Math.abs(x - b[k])), -Infinity)));
    case 'canberra_distance_kernel':
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => s + Math.abs(x - b[k]) / (Math.abs(x) + Math.abs(b[k]) + 1e-10), 0)));
    case 'exponential_kernel':
      return pairwise(z, (a, b) => Math.exp(-num('gamma', 1) * a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0)));
    case 'gaussian_rbf_kernel':
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0) / (2 * num('sigma', 1) ** 2)));
    case 'laplacian_kernel':
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => s + Math.abs(x - b[k]), 0) / num('sigma', 1)));
    case 'anisotropic_rbf_kernel': {
      const av = o.aVector as number[] | undefined;
      if (av && av.length !== z.rows) throw new Error(`reference: aVector has ${av.length} entries, Z has ${z.rows} rows`);
      return pairwise(z, (a, b) => Math.exp(-a.reduce((s, x, k) => s + (av ? av[k] : num('aScalar', 1)) * (x - b[k]) ** 2, 0)));
    }
    case 'kl_divergence_kernel': {
      const softmax = (a: number[]) => {
        const mx = a.reduce((s, x) => Math.max(s, x), -Infinity);
        const e = a.map((x) => Math.exp(x - mx));
        const s = e.reduce((p, x) => p + x, 0);
        return e.map((x) => x / s);
      };
      return pairwise(z, (a, b) => {
        const P = softmax(a);
        const Q = softmax(b);
        return P.reduce((s, p, k) => s + p * (Math.log(p) - Math.log(Q[k])), 0);
      });
    }
    case 'pearson_correlation_kernel':
      return pairwise(z, (a, b) => pearson(a, b));
    case 'rv_coefficient_kernel':
      return pairwise(z, (a, b, i, j) => {
        if (i === j) return 0;
        const r = pearson(a, b);
        return Number.isNaN(r) ? NaN : Math.min(1, Math.max(0, r));
      });
    case 'mutual_information_kernel': {
      const eps = 1e-10;
      return pairwise(z, (a, b, i, j) => {
        if (i === j) return 0;
        const va = cov(a, a);
        const vb = cov(b, b);
        const det = va * vb - cov(a, b) * cov(b, a);
        return 0.5 * Math.log((Math.max(va, eps) * Math.max(vb, eps)) / Math.max(det, eps));
      });
    }
    default:
      throw new Error(`reference: kernel ${kernel} is not implemented`);
  }
}
