/**
 * Data expansions κ (rpn-semantics §7): x (b×m) → κ(x) (b×D).
 * Layouts: "block-major" = whole m-wide blocks one after another; "feature-major" = for each input
 * feature j a contiguous group of k values at columns j·k … j·k+k−1.
 */
import type { WeightSource } from '../../compiler/spec/params.js';
import type { ExpansionSpec } from '../../compiler/spec/types.js';
import { concatCols, map, zeros, type Mat } from './matrix.js';
import { applyProcessList, sigmoid } from './processing.js';
import { isCompressionFamily } from '../../compiler/spec/compression.js';
import { compressCore } from './compression.js';

const f32 = Math.fround;

export function expand(e: ExpansionSpec, xIn: Mat, ws: WeightSource): Mat {
  const x = applyProcessList(e.pre, xIn, ws);
  const out = isCompressionFamily(e.type) ? compressCore(e, x, ws) : expandCore(e, x, ws);
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
    case 'normal_expansion':
    case 'cauchy_expansion':
    case 'chi2_expansion':
    case 'gamma_expansion':
    case 'laplace_expansion':
    case 'exponential_expansion':
    case 'hybrid_probabilistic_expansion':
    case 'naive_normal_expansion':
    case 'naive_cauchy_expansion':
    case 'naive_chi2_expansion':
    case 'naive_gamma_expansion':
    case 'naive_laplace_expansion':
    case 'naive_exponential_expansion':
      return blockMajor(x, logDensityBlocks(e.type));
    case 'combinatorial_normal_expansion':
      return combinatorialNormal(x, num('d', 1));
    case 'harr_wavelet_expansion':
    case 'beta_wavelet_expansion':
    case 'shannon_wavelet_expansion':
    case 'ricker_wavelet_expansion':
    case 'dog_wavelet_expansion':
    case 'meyer_wavelet_expansion': {
      const w = waveletBase(e.type, o, x);
      const d = num('d', 1);
      return d > 1 ? taylor(w, d) : w;
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

// ---- probabilistic log-densities (§7.4) ----------------------------------------------------------

/** ln Γ(z), z > 0: shift to z ≥ 10 with ln Γ(z) = ln Γ(z+1) − ln z, then Stirling's series. */
export function lgamma(z: number): number {
  let shift = 0;
  while (z < 10) {
    shift -= Math.log(z);
    z += 1;
  }
  const z2 = 1 / (z * z);
  const series = (1 / z) * (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 * (1 / 1680 - z2 / 1188))));
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series;
}

const logNormal = (mu: number, sigma: number) => (v: number) => -((v - mu) ** 2) / (2 * sigma * sigma) - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
const logCauchy = (mu: number, g: number) => (v: number) => -Math.log(Math.PI) - Math.log(g) - Math.log1p(((v - mu) / g) ** 2);
const logLaplace = (mu: number, s: number) => (v: number) => -Math.log(2 * s) - Math.abs(v - mu) / s;
/** Gamma(α, rate β): α ln β + (α−1) ln v − βv − ln Γ(α). */
const logGamma = (alpha: number, rate: number) => (v: number) => alpha * Math.log(rate) + (alpha - 1) * Math.log(v) - rate * v - lgamma(alpha);
const logChi2 = (k: number) => logGamma(k / 2, 0.5);
const logExponential = (rate: number) => (v: number) => Math.log(rate) - rate * v;
/** u = 0.99·σ(x) + 0.001 and v = σ(x) + 0.001: the squashed inputs of the positive-support densities. */
const onU = (f: (v: number) => number) => (v: number) => f(0.99 * sigmoid(v) + 0.001);
const onV = (f: (v: number) => number) => (v: number) => f(sigmoid(v) + 0.001);

function logDensityBlocks(type: string): ((v: number) => number)[] {
  switch (type) {
    case 'normal_expansion':
      return [logNormal(0, 1), logNormal(1, 1), logNormal(-1, 1), logNormal(0, 0.1), logNormal(1, 0.1), logNormal(-1, 0.1)];
    case 'cauchy_expansion':
      return [logCauchy(0, 1), logCauchy(0, 0.5), logCauchy(1, 1), logCauchy(1, 0.5), logCauchy(-1, 1), logCauchy(-1, 0.5)];
    case 'chi2_expansion':
      return [onV(logChi2(1)), onV(logChi2(2))];
    case 'gamma_expansion':
      return [logGamma(0.5, 1), logGamma(0.5, 2), logGamma(1, 1), logGamma(1, 2), logGamma(2, 1), logGamma(2, 2)].map(onU);
    case 'laplace_expansion':
      return [logLaplace(0, 1), logLaplace(0, 2), logLaplace(1, 1), logLaplace(1, 2), logLaplace(-1, 1), logLaplace(-1, 2)];
    case 'exponential_expansion':
      return [0.5, 0.75, 1, 2, 3, 5].map((r) => onU(logExponential(r)));
    case 'hybrid_probabilistic_expansion':
      return [logNormal(0, 1), logCauchy(0, 1), onU(logChi2(1)), onU(logGamma(0.5, 1)), logLaplace(0, 1), onU(logExponential(1))];
    case 'naive_normal_expansion':
      return [logNormal(0, 1)];
    case 'naive_cauchy_expansion':
      return [logCauchy(0, 1)];
    case 'naive_chi2_expansion':
      return [onV(logChi2(1))];
    case 'naive_gamma_expansion':
      return [onU(logGamma(0.5, 1))];
    case 'naive_laplace_expansion':
      return [logLaplace(0, 1)];
    case 'naive_exponential_expansion':
      return [onU(logExponential(0.5))];
    default:
      throw new Error(`reference: probabilistic expansion '${type}' is not implemented`);
  }
}

// ---- combinatorial_normal_expansion (§7.5) -------------------------------------------------------

/** For r = 1..d, every r-subset c (lexicographic): −½(r·ln 2π + Σ_{i∈c} x_i²). */
function combinatorialNormal(x: Mat, d: number): Mat {
  const subsets: number[][] = [];
  const grow = (prefix: number[], r: number) => {
    if (prefix.length === r) return void subsets.push(prefix);
    for (let i = prefix.length ? prefix[prefix.length - 1] + 1 : 0; i < x.cols; i++) grow([...prefix, i], r);
  };
  for (let r = 1; r <= Math.min(d, x.cols); r++) grow([], r); // no r-subsets beyond r = m (torch.combinations gives none)
  const out = zeros(x.rows, subsets.length);
  for (let i = 0; i < x.rows; i++)
    subsets.forEach((c, col) => {
      let ss = 0;
      for (const j of c) ss += x.data[i * x.cols + j] ** 2;
      out.data[i * out.cols + col] = -0.5 * (c.length * Math.log(2 * Math.PI) + ss);
    });
  return out;
}

// ---- discrete wavelets (§7.6) --------------------------------------------------------------------

/**
 * The order-1 wavelet vector: out[i, j·(s·t) + s_i·t + t_i] = a^{−s_i/2}·ψ(x[i,j]/a^{s_i} − t_i·b).
 * ψ is applied to the whole (batch × m) block of one (s_i, t_i) at a time (beta's switch looks at all of it).
 */
function waveletBase(type: string, o: Record<string, unknown>, x: Mat): Mat {
  const S = (o.s as number | undefined) ?? 1;
  const T = (o.t as number | undefined) ?? 1;
  const a = (o.a as number | undefined) ?? 1;
  const b = (o.b as number | undefined) ?? 1;
  const out = zeros(x.rows, x.cols * S * T);
  for (let si = 0; si < S; si++)
    for (let ti = 0; ti < T; ti++) {
      const tau = map(x, (v) => v / a ** si - ti * b);
      const psi = motherWavelet(type, o, tau);
      for (let i = 0; i < x.rows; i++)
        for (let j = 0; j < x.cols; j++) out.data[i * out.cols + j * S * T + si * T + ti] = psi.data[i * x.cols + j] / Math.sqrt(a ** si);
    }
  return out;
}

function motherWavelet(type: string, o: Record<string, unknown>, tau: Mat): Mat {
  const num = (k: string, dflt: number) => (o[k] as number | undefined) ?? dflt;
  switch (type) {
    case 'harr_wavelet_expansion':
      return map(tau, (t) => (t >= 0 && t < 0.5 ? 1 : t >= 0.5 && t < 1 ? -1 : 0));
    case 'beta_wavelet_expansion': {
      const alpha = num('alpha', 1);
      const beta = num('beta', 1);
      let all = true;
      for (const t of tau.data) if (!(t >= 0 && t <= 1)) all = false;
      const tt = all ? tau : map(tau, sigmoid);
      const invB = Math.exp(lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta));
      return map(tt, (t) => invB * t ** (alpha - 1) * (1 - t) ** (beta - 1));
    }
    case 'shannon_wavelet_expansion':
      return map(tau, (t) => (Math.sin(2 * Math.PI * t) - Math.sin(Math.PI * t)) / (Math.PI * t));
    case 'ricker_wavelet_expansion': {
      const s = num('sigma', 1);
      return map(tau, (t) => ((2 * (1 - (t / s) ** 2)) / (Math.sqrt(3 * s) * Math.PI ** 0.25)) * Math.exp(-(t * t) / (2 * s * s)));
    }
    case 'dog_wavelet_expansion': {
      const g = (t: number, s: number) => Math.exp(-0.5 * (t / s) ** 2) / Math.sqrt(2 * Math.PI * s * s);
      const s1 = num('sigma1', 1);
      const s2 = num('sigma2', 2);
      return map(tau, (t) => g(t, s1) - g(t, s2));
    }
    case 'meyer_wavelet_expansion':
      return map(tau, (t) =>
        t === 0
          ? 2 / 3 + 4 / (3 * Math.PI)
          : (Math.sin(((2 * Math.PI) / 3) * t) + (4 / 3) * t * Math.cos(((4 * Math.PI) / 3) * t)) / (Math.PI * t - ((16 * Math.PI) / 9) * t ** 3),
      );
    default:
      throw new Error(`reference: wavelet '${type}' is not implemented`);
  }
}
