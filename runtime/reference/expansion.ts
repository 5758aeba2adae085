/**
 * Data expansions κ (rpn-semantics §7): x (b×m) → κ(x) (b×D).
 * Layouts: "block-major" = whole m-wide blocks one after another; "feature-major" = for each input
 * feature j a contiguous group of k values at columns j·k … j·k+k−1.
 */
import type { WeightSource } from '../../compiler/spec/params.js';
import type { ExpansionSpec } from '../../compiler/spec/types.js';
import { concatCols, map, zeros, type Mat } from './matrix.js';
import { applyProcessList, sigmoid } from './processing.js';

const f32 = Math.fround;

export function expand(e: ExpansionSpec, xIn: Mat, ws: WeightSource): Mat {
  const x = applyProcessList(e.pre, xIn, ws);
  const out = expandCore(e, x, ws);
  if (out.cols !== e.D) throw new Error(`reference: ${e.type} produced ${out.cols} columns, spec says D = ${e.D}`);
  return applyProcessList(e.post, out, ws);
}

function expandCore(e: ExpansionSpec, x: Mat, ws: WeightSource): Mat {
  const o = e.options;
  const num = (k: string, dflt?: number) => (o[k] as number | undefined) ?? (dflt as number);
  switch (e.type) {
    case 'identity_expansion':
      return x;
    case 'reciprocal_expansion':
      // values in [0, 1e-6] become 1e-6, values in [−1e-6, 0) become −1e-6, then 1/x
      return map(x, (v) => 1 / (v >= 0 && v <= 1e-6 ? 1e-6 : v < 0 && v >= -1e-6 ? -1e-6 : v));
    case 'linear_expansion': {
      const c = o.c as number | undefined;
      return c === undefined ? x : map(x, (v) => c * v);
    }
    case 'taylor_expansion':
      return taylor(x, num('d', 2));
    case 'fourier_expansion': {
      const P = num('P', 10);
      const N = num('N', 5);
      const blocks: ((v: number) => number)[] = [];
      for (let k = 1; k <= N; k++) {
        blocks.push((v) => Math.cos((2 * Math.PI * k * v) / P));
        blocks.push((v) => Math.sin((2 * Math.PI * k * v) / P));
      }
      return blockMajor(x, blocks);
    }
    case 'hyperbolic_expansion':
      return blockMajor(x, [Math.sinh, Math.cosh, Math.tanh]);
    case 'arc_hyperbolic_expansion':
      return blockMajor(x, [(v) => Math.asinh(sigmoid(v)), (v) => Math.acosh(sigmoid(v) + 1.01), (v) => Math.atanh(0.99 * sigmoid(v))]);
    case 'trigonometric_expansion':
      return blockMajor(x, [Math.sin, Math.cos, Math.tan]);
    case 'arc_trigonometric_expansion':
      return blockMajor(x, [(v) => Math.asin(0.99 * sigmoid(v)), (v) => Math.acos(0.99 * sigmoid(v)), (v) => Math.atan(sigmoid(v))]);
    case 'gaussian_rbf_expansion':
    case 'inverse_quadratic_rbf_expansion': {
      const [lo, hi] = (o.baseRange as number[] | undefined) ?? [-1, 1];
      const centres = linspaceF32(lo, hi, num('numInterval', 10));
      const eps = num('epsilon', 1.0);
      const phi = e.type === 'gaussian_rbf_expansion' ? (r: number) => Math.exp(-(r * r)) : (r: number) => 1 / (1 + r * r);
      return featureMajor(x, centres.length, (v, q) => phi((v - centres[q]) * eps));
    }
    case 'bspline_expansion': {
      const [lo, hi] = (o.gridRange as number[] | undefined) ?? [-1, 1];
      const t = num('t', 5);
      const d = num('d', 3);
      const knots = bsplineKnots(lo, hi, t, d);
      return featureMajor(x, t + d, (v, i) => bsplineBases(v, knots, d)[i]);
    }
    case 'chebyshev_expansion':
    case 'hermite_expansion':
    case 'legendre_expansion':
    case 'laguerre_expansion':
    case 'gegenbauer_expansion':
    case 'jacobi_expansion':
    case 'bessel_expansion':
    case 'reverse_bessel_expansion':
    case 'fibonacci_expansion':
    case 'lucas_expansion': {
      const d = num('d', 2);
      return featureMajor(x, d, (v, q) => recursivePolynomials(e.type, o, v, d)[q + 1]);
    }
    case 'nested_expansion': {
      // f_k(…f_1(x)): each member applies its own pre/post processing
      let y = x;
      for (const child of e.children) y = expand(child, y, ws);
      return y;
    }
    case 'extended_expansion':
      return concatCols(e.children.map((child) => expand(child, x, ws)));
    default:
      throw new Error(`reference: expansion '${e.type}' is not implemented`);
  }
}

/** [f_1(x) ; f_2(x) ; …], each block m wide. */
function blockMajor(x: Mat, fs: ((v: number) => number)[]): Mat {
  return concatCols(fs.map((f) => map(x, f)));
}

/** out[i, j·k + q] = f(x[i, j], q). */
function featureMajor(x: Mat, k: number, f: (v: number, q: number) => number): Mat {
  const out = zeros(x.rows, x.cols * k);
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) for (let q = 0; q < k; q++) out.data[i * out.cols + j * k + q] = f(x.data[i * x.cols + j], q);
  return out;
}

/**
 * Taylor: degree blocks k = 1..d; the degree-k block holds every ordered product x_{i1}⋯x_{ik} at
 * index i1·m^{k−1} + … + ik. No constant term.
 */
function taylor(x: Mat, d: number): Mat {
  const m = x.cols;
  const blocks: Mat[] = [];
  for (let k = 1; k <= d; k++) {
    const size = m ** k;
    const block = zeros(x.rows, size);
    for (let r = 0; r < x.rows; r++)
      for (let idx = 0; idx < size; idx++) {
        // decode idx into digits i1 … ik (base m, i1 most significant)
        let prod = 1;
        let rest = idx;
        for (let p = 0; p < k; p++) {
          prod *= x.data[r * m + (rest % m)];
          rest = Math.floor(rest / m);
        }
        block.data[r * size + idx] = prod;
      }
    blocks.push(block);
  }
  return concatCols(blocks);
}

/** torch.linspace(lo, hi, steps) in float32 (torch's CPU kernel: from the start for the first half, from the end for the second). */
export function linspaceF32(lo: number, hi: number, steps: number): number[] {
  const start = f32(lo);
  const end = f32(hi);
  if (steps === 1) return [start];
  const step = f32(f32(end - start) / (steps - 1));
  const out: number[] = [];
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out.push(i < halfway ? f32(start + f32(step * i)) : f32(end - f32(step * (steps - i - 1))));
  return out;
}

/** B-spline knots g_i = fl32(fl32(i)·fl32(h)) + fl32(lo), i = −d … t+d (t+2d+1 knots, float32). */
export function bsplineKnots(lo: number, hi: number, t: number, d: number): number[] {
  const h = f32((hi - lo) / t);
  const knots: number[] = [];
  for (let i = -d; i <= t + d; i++) knots.push(f32(f32(i * h) + f32(lo)));
  return knots;
}

/** Cox–de Boor: the t+d bases of degree d at x (half-open order-0 intervals [g_i, g_{i+1})). */
export function bsplineBases(x: number, g: number[], d: number): number[] {
  let B: number[] = [];
  for (let i = 0; i + 1 < g.length; i++) B.push(x >= g[i] && x < g[i + 1] ? 1 : 0);
  for (let k = 1; k <= d; k++) {
    const next: number[] = [];
    for (let i = 0; i + 1 < B.length; i++) {
      next.push(((x - g[i]) / (g[i + k] - g[i])) * B[i] + ((g[i + k + 1] - x) / (g[i + k + 1] - g[i + 1])) * B[i + 1]);
    }
    B = next;
  }
  return B;
}

/** P_0 … P_d of one of the recursive polynomial families (§7.2) at x. */
export function recursivePolynomials(type: string, o: Record<string, unknown>, x: number, d: number): number[] {
  const alpha = (o.alpha as number | undefined) ?? 1;
  const beta = (o.beta as number | undefined) ?? 1;
  const P: number[] = [];
  switch (type) {
    case 'chebyshev_expansion':
      P.push(1, x);
      for (let k = 2; k <= d; k++) P.push(2 * x * P[k - 1] - P[k - 2]);
      break;
    case 'hermite_expansion': // probabilists'
      P.push(1, x);
      for (let k = 2; k <= d; k++) P.push(x * P[k - 1] - (k - 1) * P[k - 2]);
      break;
    case 'laguerre_expansion': // tinybig's P_1 = x + 1 + α
      P.push(1, x + 1 + alpha);
      for (let k = 2; k <= d; k++) P.push(((2 * k - 1 + alpha - x) / k) * P[k - 1] - ((k - 1 + alpha) / k) * P[k - 2]);
      break;
    case 'legendre_expansion':
      P.push(1, x);
      for (let k = 2; k <= d; k++) P.push(((2 * k - 1) / k) * x * P[k - 1] - ((k - 1) / k) * P[k - 2]);
      break;
    case 'gegenbauer_expansion':
      P.push(1, 2 * alpha * x);
      for (let k = 2; k <= d; k++) P.push(((k - 1 + alpha) / k) * 2 * x * P[k - 1] - ((k - 2 + 2 * alpha) / k) * P[k - 2]);
      break;
    case 'bessel_expansion':
      P.push(1, x + 1);
      for (let k = 2; k <= d; k++) P.push((2 * k - 1) * x * P[k - 1] + P[k - 2]);
      break;
    case 'reverse_bessel_expansion':
      P.push(1, x + 1);
      for (let k = 2; k <= d; k++) P.push((2 * k - 1) * P[k - 1] + x * x * P[k - 2]);
      break;
    case 'fibonacci_expansion': // P_0 = 0, P_1 = 1 (a constant column is output)
      P.push(0, 1);
      for (let k = 2; k <= d; k++) P.push(x * P[k - 1] + P[k - 2]);
      break;
    case 'lucas_expansion':
      P.push(2, x);
      for (let k = 2; k <= d; k++) P.push(x * P[k - 1] + P[k - 2]);
      break;
    case 'jacobi_expansion': {
      const a = alpha;
      const b = beta;
      P.push(1, (a - b + (a + b + 2) * x) / 2);
      for (let k = 2; k <= d; k++) {
        const c1 = 2 * k * (k + a + b) * (2 * k + a + b - 2);
        const c2 = (2 * k + a + b - 1) * (2 * k + a + b) * (2 * k + a + b - 2);
        const c3 = (2 * k + a + b - 1) * (a * a - b * b);
        const c4 = 2 * (k + a - 1) * (k + b - 1) * (2 * k + a + b);
        P.push(((c2 / c1) * x + c3 / c1) * P[k - 1] - (c4 / c1) * P[k - 2]);
      }
      break;
    }
    default:
      throw new Error(`reference: polynomial family '${type}' is not implemented`);
  }
  return P;
}
