/**
 * Lowering of data expansions κ (tinybig.expansion) to IR: x (batch, m) -> κ(x) (batch, D).
 * Layouts follow the spec (§7): block-major for taylor/fourier/hyperbolic/trigonometric,
 * feature-major (index j·k + q) for RBFs, B-splines and recursive polynomials.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import type { WeightSource } from '../spec/params.js';
import { bsplineKnots, rbfCentres } from '../spec/sizes.js';
import type { ExpansionSpec } from '../spec/types.js';
import { expansionForm, lowerOptionsOf } from './cost.js';
import { lowerProcessList } from './processing.js';
import { isCompressionFamily } from '../spec/compression.js';
import { lowerCompressionCore } from './compression.js';
import { pushAll } from '../../ir/arrays.js';

export function lowerExpansion(b: GraphBuilder, x: Value, e: ExpansionSpec, ws: WeightSource): Value {
  return b.scoped(`expansion[${e.type}]`, () => {
    x = lowerProcessList(b, x, e.pre, ws);
    const y = isCompressionFamily(e.type) ? lowerCompressionCore(b, x, e, ws) : lowerCore(b, x, e, ws);
    return lowerProcessList(b, y, e.post, ws);
  });
}

function lowerCore(b: GraphBuilder, x: Value, e: ExpansionSpec, ws: WeightSource): Value {
  const o = e.options;
  const m = e.m;
  const num = (k: string) => o[k] as number;
  switch (e.type) {
    case 'identity_expansion':
      return x;
    case 'linear_expansion':
      return o.c === undefined ? x : b.mul(x, num('c'));
    case 'reciprocal_expansion': {
      // values in [0, 1e-6] -> 1e-6, in [-1e-6, 0) -> -1e-6, then 1/x
      const small = b.less(b.abs(x), 1e-6);
      const clampedPos = b.where(b.greaterOrEqual(x, 0), b.constant(float32s([1e-6], [])), -1e-6);
      const isEdge = b.where(small, clampedPos, x);
      // |x| == 1e-6 exactly is also clamped to ±1e-6 (the same value), so `less` is enough.
      return b.div(1, isEdge);
    }
    case 'taylor_expansion': {
      const blocks: Value[] = [x];
      let cur = x;
      let width = m;
      for (let k = 2; k <= num('d'); k++) {
        width *= m;
        // index (prev)·m + i_k : outer product of the previous block with x
        cur = b.reshape(b.mul(b.unsqueeze(cur, [2]), b.unsqueeze(x, [1])), [-1, width]);
        blocks.push(cur);
      }
      return blocks.length === 1 ? x : b.concat(blocks, 1);
    }
    case 'fourier_expansion': {
      const blocks: Value[] = [];
      for (let k = 1; k <= num('N'); k++) {
        const arg = b.mul(x, (2 * Math.PI * k) / num('P'));
        blocks.push(b.cos(arg), b.sin(arg));
      }
      return b.concat(blocks, 1);
    }
    case 'hyperbolic_expansion':
      return b.concat([b.sinh(x), b.cosh(x), b.tanh(x)], 1);
    case 'trigonometric_expansion':
      return b.concat([b.sin(x), b.cos(x), b.tan(x)], 1);
    case 'arc_hyperbolic_expansion': {
      const s = b.sigmoid(x);
      return b.concat([b.asinh(s), b.acosh(b.add(s, 1.01)), b.atanh(b.mul(s, 0.99))], 1);
    }
    case 'arc_trigonometric_expansion': {
      const s = b.sigmoid(x);
      return b.concat([b.asin(b.mul(s, 0.99)), b.acos(b.mul(s, 0.99)), b.atan(s)], 1);
    }
    case 'gaussian_rbf_expansion':
    case 'inverse_quadratic_rbf_expansion': {
      const [lo, hi] = o.baseRange as number[];
      const K = num('numInterval');
      const centres = rbfCentres(lo, hi, K);
      const diff = b.mul(b.sub(b.unsqueeze(x, [2]), b.constant(float32s(centres), `${e.prefix}base`)), num('epsilon'));
      const sq = b.mul(diff, diff);
      const phi = e.type === 'gaussian_rbf_expansion' ? b.exp(b.neg(sq)) : b.div(1, b.add(sq, 1));
      return b.reshape(phi, [-1, m * K]);
    }
    case 'bspline_expansion':
      return expansionForm(e, lowerOptionsOf(b)) === 'bspline-cardinal' ? bsplineCardinal(b, x, e) : bspline(b, x, e);
    case 'chebyshev_expansion':
    case 'hermite_expansion':
    case 'legendre_expansion':
    case 'laguerre_expansion':
    case 'gegenbauer_expansion':
    case 'jacobi_expansion':
    case 'bessel_expansion':
    case 'reverse_bessel_expansion':
    case 'fibonacci_expansion':
    case 'lucas_expansion':
      return polynomial(b, x, e);
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
      return probabilistic(b, x, e);
    case 'combinatorial_normal_expansion':
      return combinatorialNormal(b, x, e);
    case 'harr_wavelet_expansion':
    case 'beta_wavelet_expansion':
    case 'shannon_wavelet_expansion':
    case 'ricker_wavelet_expansion':
    case 'dog_wavelet_expansion':
    case 'meyer_wavelet_expansion':
      return waveletExpansion(b, x, e);
    case 'nested_expansion': {
      let y = x;
      for (const c of e.children) y = lowerExpansion(b, y, c, ws);
      return y;
    }
    case 'extended_expansion':
      return b.concat(e.children.map((c) => lowerExpansion(b, x, c, ws)), 1);
    default:
      return fail('RPN4101', `no lowering for expansion ${e.type}`);
  }
}

/**
 * B-spline bases (§7.3), evaluated knot-major: every tensor is (knots, batch, m), so each op
 * broadcasts a (knots, 1, 1) constant over one long contiguous batch·m row and every Slice cuts
 * whole rows; one Transpose at the end gives the feature-major layout (index j·(t+d) + i).
 * Degree k: T_i = (x − g_i)/(g_{i+k} − g_i) for i = 0..L (L = number of degree-k bases) and
 * Bᵏ_i = T_i·Bᵏ⁻¹_i + (1 − T_{i+1})·Bᵏ⁻¹_{i+1} = P_i + (Bᵏ⁻¹ − P)_{i+1} with P = T ⊙ Bᵏ⁻¹
 * ((g_{i+k+1} − x)/(g_{i+k+1} − g_{i+1}) = 1 − T_{i+1}: same numbers up to rounding).
 * (A piecewise-polynomial form with a Gather by knot interval was tried: ORT's Gather made it slower.)
 */
function bspline(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const [lo, hi] = e.options.gridRange as number[];
  const t = e.options.t as number;
  const d = e.options.d as number;
  const g = bsplineKnots(lo, hi, t, d);
  const K = g.length; // t + 2d + 1
  const col = (v: number[], name?: string) => b.constant(float32s(v, [v.length, 1, 1]), name);
  const xk = b.unsqueeze(x, [0]); // (1, batch, m)
  // B⁰_i = 1[g_i ≤ x] − 1[g_{i+1} ≤ x] = 1[g_i ≤ x < g_{i+1}] (knots increase)
  const ge = b.cast(b.greaterOrEqual(xk, col(g, `${e.prefix}grid`)), 'float32');
  let B = b.sub(b.slice(ge, [0], [K - 1], [0]), b.slice(ge, [1], [K], [0]));
  for (let k = 1; k <= d; k++) {
    const L = K - 1 - k; // number of bases of degree k; B has L + 1
    const gi = g.slice(0, L + 1);
    const den = gi.map((_, i) => Math.fround(g[i + k] - g[i]));
    const T = b.div(b.sub(xk, col(gi)), col(den));
    const P = b.mul(T, B);
    B = b.add(b.slice(P, [0], [L], [0]), b.slice(b.sub(B, P), [1], [L + 1], [0]));
  }
  return b.reshape(b.transpose(B, [1, 2, 0]), [-1, e.m * (t + d)]);
}

/**
 * B-spline bases on tinybig's uniform knots (g_i = g_0 + i·h) in closed form, the `bspline-cardinal`
 * expansion form: B_i(x) = N_d((x − g_i)/h) with N_d the cardinal B-spline on [0, d+1], symmetric about
 * c = (d+1)/2, so with r = |(x − g_i)/h − c|
 *   N_d = (1/d!) Σ_{j < c} (−1)^j C(d+1, j) (c − j − r)_+^d          (d = 3: ((2 − r)_+³ − 4(1 − r)_+³)/6)
 * (the truncated-power form, evaluated from the centre outwards: every term is at most c^d/d!, so no
 * cancellation of large terms). The factor 1/d! is folded into the scale: r' = k·r with k = (1/d!)^{1/d}.
 * Every op works on one (batch, m, t+d) tensor, already in the feature-major layout (index j·(t+d) + i):
 * 10 ops for d = 3 against the recursion's ~29 on (t+2d+1, batch, m) plus a transpose.
 * Outside [g_0, g_{t+2d}] every basis is 0 (r ≥ c), as in the recursion; at a knot both give the same
 * value (the bases are continuous for d ≥ 1). The knots are float32 and uniform only up to rounding: the
 * difference to the recursion on the float32 knots is ~1e-7 (test/lower/bspline-forms.test.ts).
 */
function bsplineCardinal(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const [lo, hi] = e.options.gridRange as number[];
  const t = e.options.t as number;
  const d = e.options.d as number;
  const g = bsplineKnots(lo, hi, t, d);
  const B = t + d;
  const h = (g[g.length - 1] - g[0]) / (g.length - 1);
  const c = (d + 1) / 2;
  let fact = 1;
  for (let i = 2; i <= d; i++) fact *= i;
  const k = Math.pow(1 / fact, 1 / d);
  // r' = k·|x/h − (g_i/h + c)|, with the centres from the float32 knots themselves
  const centre = Array.from({ length: B }, (_, i) => (k * (g[i] + g[i + d + 1])) / 2 / h);
  // one Gemm (K = 1) makes x·k/h − centre_i as a (batch·m, t+d) matrix: ORT broadcasts a (batch, m, 1) −
  // (t+d) Sub one 8-wide span at a time (6× slower), and every later op has a scalar operand
  const xcol = b.reshape(x, [-1, 1]);
  const scale = b.constant(float32s(new Array(B).fill(k / h), [1, B]), `${e.prefix}bspline_scale`);
  const r = b.abs(b.gemm(xcol, scale, b.constant(float32s(centre.map((v) => -v)), `${e.prefix}bspline_centres`)));
  const binom = (n: number, j: number) => { let v = 1; for (let i = 1; i <= j; i++) v = (v * (n - i + 1)) / i; return v; };
  let y: Value | undefined;
  for (let j = 0; j < c; j++) {
    const a = b.relu(b.sub(k * (c - j), r)); // k·(c − j − r)_+
    let p = d === 1 ? a : b.pow(a, d);
    const coef = (j % 2 === 0 ? 1 : -1) * binom(d + 1, j);
    if (y === undefined) {
      y = coef === 1 ? p : b.mul(p, coef);
      continue;
    }
    if (Math.abs(coef) !== 1) p = b.mul(p, Math.abs(coef));
    y = coef > 0 ? b.add(y, p) : b.sub(y, p);
  }
  return b.reshape(y!, [-1, e.m * B]);
}

/** Recursive polynomials P_1..P_d per feature (§7.2), feature-major. */
function polynomial(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const d = e.options.d as number;
  const alpha = (e.options.alpha as number | undefined) ?? 1;
  const beta = (e.options.beta as number | undefined) ?? 1;
  const one = () => b.add(b.mul(x, 0), 1); // a (batch, m) matrix of ones
  let P0: Value | number;
  let P1: Value;
  switch (e.type) {
    case 'chebyshev_expansion':
    case 'hermite_expansion':
    case 'legendre_expansion':
      P0 = 1;
      P1 = x;
      break;
    case 'laguerre_expansion':
      P0 = 1;
      P1 = b.add(x, 1 + alpha);
      break;
    case 'gegenbauer_expansion':
      P0 = 1;
      P1 = b.mul(x, 2 * alpha);
      break;
    case 'bessel_expansion':
    case 'reverse_bessel_expansion':
      P0 = 1;
      P1 = b.add(x, 1);
      break;
    case 'fibonacci_expansion':
      P0 = 0;
      P1 = one();
      break;
    case 'lucas_expansion':
      P0 = 2;
      P1 = x;
      break;
    case 'jacobi_expansion':
      P0 = 1;
      P1 = b.add(b.mul(x, (alpha + beta + 2) / 2), (alpha - beta) / 2);
      break;
    default:
      return fail('RPN4101', `no lowering for ${e.type}`);
  }
  const Ps: Value[] = [P1];
  let prev2: Value | number = P0;
  let prev: Value = P1;
  const scaled = (v: Value | number, c: number): Value | number => (typeof v === 'number' ? v * c : b.mul(v, c));
  const plus = (a: Value, v: Value | number): Value => (typeof v === 'number' ? (v === 0 ? a : b.add(a, v)) : b.add(a, v));
  const minus = (a: Value, v: Value | number): Value => (typeof v === 'number' ? (v === 0 ? a : b.sub(a, v)) : b.sub(a, v));
  for (let k = 2; k <= d; k++) {
    let next: Value;
    switch (e.type) {
      case 'chebyshev_expansion':
        next = minus(b.mul(b.mul(x, 2), prev), prev2);
        break;
      case 'hermite_expansion':
        next = minus(b.mul(x, prev), scaled(prev2, k - 1));
        break;
      case 'legendre_expansion':
        next = minus(b.mul(b.mul(x, prev), (2 * k - 1) / k), scaled(prev2, (k - 1) / k));
        break;
      case 'laguerre_expansion':
        next = minus(b.mul(b.div(b.sub(2 * k - 1 + alpha, x), k), prev), scaled(prev2, (k - 1 + alpha) / k));
        break;
      case 'gegenbauer_expansion':
        next = minus(b.mul(b.mul(x, (2 * (k - 1 + alpha)) / k), prev), scaled(prev2, (k - 2 + 2 * alpha) / k));
        break;
      case 'bessel_expansion':
        next = plus(b.mul(b.mul(x, 2 * k - 1), prev), prev2);
        break;
      case 'reverse_bessel_expansion':
        next = plus(b.mul(prev, 2 * k - 1), typeof prev2 === 'number' ? b.mul(b.mul(x, x), prev2) : b.mul(b.mul(x, x), prev2));
        break;
      case 'fibonacci_expansion':
      case 'lucas_expansion':
        next = plus(b.mul(x, prev), prev2);
        break;
      default: {
        // jacobi
        const ab = alpha + beta;
        const c1 = 2 * k * (k + ab) * (2 * k + ab - 2);
        const c2 = (2 * k + ab - 1) * (2 * k + ab) * (2 * k + ab - 2);
        const c3 = (2 * k + ab - 1) * (alpha * alpha - beta * beta);
        const c4 = 2 * (k + alpha - 1) * (k + beta - 1) * (2 * k + ab);
        next = minus(b.mul(b.add(b.mul(x, c2 / c1), c3 / c1), prev), scaled(prev2, c4 / c1));
      }
    }
    Ps.push(next);
    prev2 = prev;
    prev = next;
  }
  if (Ps.length === 1) return Ps[0];
  return b.reshape(b.concat(Ps.map((p) => b.unsqueeze(p, [2])), 2), [-1, e.m * d]);
}

// ---- probabilistic expansions (§7.4) -------------------------------------------------------------

/** One log-density block: which distribution, its parameters, and on which input (x, u or v). */
type Density =
  | { kind: 'normal'; mu: number; sigma: number }
  | { kind: 'cauchy'; mu: number; gamma: number }
  | { kind: 'laplace'; mu: number; s: number }
  | { kind: 'exponential'; rate: number; on: 'u' }
  | { kind: 'gamma'; alpha: number; rate: number; on: 'u' | 'v' };

const N = (mu: number, sigma: number): Density => ({ kind: 'normal', mu, sigma });
const C = (mu: number, gamma: number): Density => ({ kind: 'cauchy', mu, gamma });
const L = (mu: number, s: number): Density => ({ kind: 'laplace', mu, s });
const E = (rate: number): Density => ({ kind: 'exponential', rate, on: 'u' });
const G = (alpha: number, rate: number, on: 'u' | 'v' = 'u'): Density => ({ kind: 'gamma', alpha, rate, on });
/** Chi2(k) = Gamma(k/2, rate ½). */
const X2 = (k: number, on: 'u' | 'v'): Density => G(k / 2, 0.5, on);

/** The blocks of every probabilistic expansion, in tinybig's order (each m wide). */
const DENSITIES: Record<string, Density[]> = {
  normal_expansion: [N(0, 1), N(1, 1), N(-1, 1), N(0, 0.1), N(1, 0.1), N(-1, 0.1)],
  cauchy_expansion: [C(0, 1), C(0, 0.5), C(1, 1), C(1, 0.5), C(-1, 1), C(-1, 0.5)],
  chi2_expansion: [X2(1, 'v'), X2(2, 'v')],
  gamma_expansion: [G(0.5, 1), G(0.5, 2), G(1, 1), G(1, 2), G(2, 1), G(2, 2)],
  laplace_expansion: [L(0, 1), L(0, 2), L(1, 1), L(1, 2), L(-1, 1), L(-1, 2)],
  exponential_expansion: [E(0.5), E(0.75), E(1), E(2), E(3), E(5)],
  hybrid_probabilistic_expansion: [N(0, 1), C(0, 1), X2(1, 'u'), G(0.5, 1), L(0, 1), E(1)],
  naive_normal_expansion: [N(0, 1)],
  naive_cauchy_expansion: [C(0, 1)],
  naive_chi2_expansion: [X2(1, 'v')],
  naive_gamma_expansion: [G(0.5, 1)],
  naive_laplace_expansion: [L(0, 1)],
  naive_exponential_expansion: [E(0.5)],
};

/** lgamma of the shape parameters that occur (α ∈ {0.5, 1, 2}). */
function lgammaConst(alpha: number): number {
  if (alpha === 0.5) return 0.5 * Math.log(Math.PI); // Γ(½) = √π
  if (alpha === 1 || alpha === 2) return 0;
  return lanczosLgamma(alpha);
}

function probabilistic(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const blocks = DENSITIES[e.type];
  if (!blocks) return fail('RPN4101', `no lowering for expansion ${e.type}`);
  let u: Value | undefined;
  let v: Value | undefined;
  const getU = () => (u ??= b.add(b.mul(b.sigmoid(x), 0.99), 0.001)); // 0.99·σ(x) + 0.001
  const getV = () => (v ??= b.add(b.sigmoid(x), 0.001)); // σ(x) + 0.001
  const shifted = (mu: number) => (mu === 0 ? x : b.sub(x, mu));
  const out = blocks.map((d): Value => {
    switch (d.kind) {
      case 'normal': {
        // −(x−μ)²/(2σ²) − ln σ − ln √(2π)
        const z = shifted(d.mu);
        return b.add(b.mul(b.mul(z, z), -1 / (2 * d.sigma * d.sigma)), -Math.log(d.sigma) - Math.log(Math.sqrt(2 * Math.PI)));
      }
      case 'cauchy': {
        // −ln π − ln γ − log1p(((x−μ)/γ)²)
        const z = b.div(shifted(d.mu), d.gamma);
        return b.sub(-Math.log(Math.PI) - Math.log(d.gamma), b.log(b.add(b.mul(z, z), 1)));
      }
      case 'laplace':
        // −ln(2s) − |x−μ|/s
        return b.sub(-Math.log(2 * d.s), b.div(b.abs(shifted(d.mu)), d.s));
      case 'exponential':
        // ln λ − λ·u
        return b.sub(Math.log(d.rate), b.mul(getU(), d.rate));
      case 'gamma': {
        // α ln β + (α−1) ln t − β t − lgamma(α)
        const t = d.on === 'u' ? getU() : getV();
        const c = d.alpha * Math.log(d.rate) - lgammaConst(d.alpha);
        const lin = b.sub(c, b.mul(t, d.rate));
        return d.alpha === 1 ? lin : b.add(lin, b.mul(b.log(t), d.alpha - 1));
      }
    }
  });
  return out.length === 1 ? out[0] : b.concat(out, 1);
}

// ---- combinatorial_normal_expansion (§7.5) -------------------------------------------------------

/** The r-subsets of {0..m−1} in lexicographic order (itertools.combinations order). */
export function combinations(m: number, r: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === r) return void out.push([...cur]);
    for (let i = start; i < m; i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

function combinatorialNormal(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  // value = −½(r·ln 2π + Σ_{i∈c} x_i²) = x² · S + c with S[i, col] = −½ for i ∈ subset(col)
  const m = e.m;
  const subsets: number[][] = [];
  for (let r = 1; r <= Math.min(e.options.d as number, m); r++) pushAll(subsets, combinations(m, r)); // none beyond r = m (sizes.ts stops there too)
  const D = subsets.length;
  const S = new Array<number>(m * D).fill(0);
  subsets.forEach((c, col) => c.forEach((i) => (S[i * D + col] = -0.5)));
  const bias = subsets.map((c) => -0.5 * c.length * Math.log(2 * Math.PI));
  const sq = b.mul(x, x);
  const y = b.matmul(sq, b.constant(float32s(S, [m, D]), `${e.prefix}combinations`));
  return b.add(y, b.constant(float32s(bias), `${e.prefix}log_normaliser`));
}

// ---- discrete wavelet expansions (§7.6) ----------------------------------------------------------

function waveletExpansion(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const o = e.options;
  const [d, S, T, a, bb] = ['d', 's', 't', 'a', 'b'].map((k) => o[k] as number);
  const m = e.m;
  const combos: Value[] = [];
  for (let si = 0; si < S; si++)
    for (let ti = 0; ti < T; ti++) {
      // τ = x / a^{s_i} − t_i·b ;  ψ_{s_i,t_i}(x) = a^{−s_i/2}·ψ(τ)
      const as = a ** si;
      let tau = as === 1 ? x : b.div(x, as);
      if (ti * bb !== 0) tau = b.sub(tau, ti * bb);
      const psi = motherWavelet(b, tau, e);
      const scale = 1 / Math.sqrt(as);
      combos.push(scale === 1 ? psi : b.mul(psi, scale));
    }
  const W = m * S * T;
  // feature-major: index j·(s·t) + s_i·t + t_i
  const w = combos.length === 1 ? combos[0] : b.reshape(b.concat(combos.map((c) => b.unsqueeze(c, [2])), 2), [-1, W]);
  if (d <= 1) return w;
  // degree blocks 1..d of ordered products (index (prev)·W + i_k), as taylor_expansion
  const blocks: Value[] = [w];
  let cur = w;
  let width = W;
  for (let k = 2; k <= d; k++) {
    width *= W;
    cur = b.reshape(b.mul(b.unsqueeze(cur, [2]), b.unsqueeze(w, [1])), [-1, width]);
    blocks.push(cur);
  }
  return b.concat(blocks, 1);
}

function motherWavelet(b: GraphBuilder, tau: Value, e: ExpansionSpec): Value {
  const o = e.options;
  const sq = (v: Value) => b.mul(v, v);
  switch (e.type) {
    case 'harr_wavelet_expansion': {
      // 1 on [0, ½), −1 on [½, 1), 0 elsewhere = 1[τ≥0] − 2·1[τ≥½] + 1[τ≥1]
      const ge = (c: number) => b.cast(b.greaterOrEqual(tau, c), 'float32');
      return b.add(b.sub(ge(0), b.mul(ge(0.5), 2)), ge(1));
    }
    case 'beta_wavelet_expansion': {
      const alpha = o.alpha as number;
      const beta = o.beta as number;
      // if any τ of the whole (batch × m) tensor is outside [0, 1], τ := sigmoid(τ) for all of it
      const lo = b.reduceMin(tau, [], true);
      const hi = b.reduceMax(tau, [], true);
      const sig = b.sigmoid(tau);
      const t = b.where(b.less(1, hi), sig, b.where(b.greaterOrEqual(lo, 0), tau, sig));
      const coeff = Math.exp(lanczosLgamma(alpha + beta) - lanczosLgamma(alpha) - lanczosLgamma(beta)); // 1/B(α, β)
      const power = (v: Value, p: number): Value | undefined => (p === 0 ? undefined : p === 1 ? v : b.pow(v, p));
      const f1 = power(t, alpha - 1);
      const f2 = power(b.sub(1, t), beta - 1);
      const prod = f1 && f2 ? b.mul(f1, f2) : f1 ?? f2;
      // α = β = 1: ψ ≡ 1/B(1,1) = 1 (torch's τ⁰ is 1 everywhere)
      return prod ? b.mul(prod, coeff) : b.add(b.mul(t, 0), coeff);
    }
    case 'shannon_wavelet_expansion':
      // (sin 2πτ − sin πτ)/(πτ); NaN at τ = 0 as in tinybig
      return b.div(b.sub(b.sin(b.mul(tau, 2 * Math.PI)), b.sin(b.mul(tau, Math.PI))), b.mul(tau, Math.PI));
    case 'ricker_wavelet_expansion': {
      const sigma = o.sigma as number;
      const term1 = b.mul(b.sub(1, sq(b.div(tau, sigma))), 2 / (Math.sqrt(3 * sigma) * Math.PI ** 0.25));
      const term2 = b.exp(b.div(b.neg(sq(tau)), 2 * sigma * sigma));
      return b.mul(term1, term2);
    }
    case 'dog_wavelet_expansion': {
      const gauss = (s: number) => b.mul(b.exp(b.mul(sq(b.div(tau, s)), -0.5)), 1 / Math.sqrt(2 * Math.PI * s * s));
      return b.sub(gauss(o.sigma1 as number), gauss(o.sigma2 as number));
    }
    case 'meyer_wavelet_expansion': {
      // τ = 0: 2/3 + 4/(3π); else (sin(2πτ/3) + (4/3)τ cos(4πτ/3)) / (πτ − (16π/9)τ³)
      const num = b.add(b.sin(b.mul(tau, (2 * Math.PI) / 3)), b.mul(b.mul(tau, 4 / 3), b.cos(b.mul(tau, (4 * Math.PI) / 3))));
      const den = b.sub(b.mul(tau, Math.PI), b.mul(b.mul(sq(tau), tau), (16 * Math.PI) / 9));
      const f = b.div(num, den);
      const atZero = 2 / 3 + 4 / (3 * Math.PI);
      return b.where(b.less(tau, 0), f, b.where(b.less(0, tau), f, atZero));
    }
    default:
      return fail('RPN4101', `no lowering for expansion ${e.type}`);
  }
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative), used for constant parameters only. */
export function lanczosLgamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lanczosLgamma(1 - z);
  z -= 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
