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
import type { ExpansionSpec } from '../spec/types.js';
import { lowerProcessList } from './processing.js';

export function lowerExpansion(b: GraphBuilder, x: Value, e: ExpansionSpec, ws: WeightSource): Value {
  x = lowerProcessList(b, x, e.pre, ws);
  const y = lowerCore(b, x, e, ws);
  return lowerProcessList(b, y, e.post, ws);
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
      const clampedPos = b.where(b.greaterOrEqual(x, 0), 1e-6, -1e-6);
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
      return bspline(b, x, e);
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

/** float32 linspace(lo, hi, K) as torch computes it. */
export function rbfCentres(lo: number, hi: number, K: number): number[] {
  if (K === 1) return [Math.fround(lo)];
  const step = (hi - lo) / (K - 1);
  return Array.from({ length: K }, (_, i) => Math.fround(i < K / 2 ? lo + i * step : hi - (K - 1 - i) * step));
}

/** tinybig's knots: g_i = fl32(fl32(i)·fl32(h)) + fl32(lo), i = −d … t+d. */
export function bsplineKnots(lo: number, hi: number, t: number, d: number): number[] {
  const h = Math.fround((hi - lo) / t);
  const out: number[] = [];
  for (let i = -d; i <= t + d; i++) out.push(Math.fround(Math.fround(Math.fround(i) * h) + Math.fround(lo)));
  return out;
}

function bspline(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const [lo, hi] = e.options.gridRange as number[];
  const t = e.options.t as number;
  const d = e.options.d as number;
  const g = bsplineKnots(lo, hi, t, d);
  const K = g.length; // t + 2d + 1
  const x3 = b.unsqueeze(x, [2]); // (batch, m, 1)
  // B⁰_i = 1[g_i ≤ x] − 1[g_{i+1} ≤ x] = 1[g_i ≤ x < g_{i+1}] (knots increase)
  const ge = b.cast(b.greaterOrEqual(x3, b.constant(float32s(g), `${e.prefix}grid`)), 'float32');
  let B = b.sub(b.slice(ge, [0], [K - 1], [2]), b.slice(ge, [1], [K], [2]));
  for (let k = 1; k <= d; k++) {
    const L = K - 1 - k; // number of bases of degree k
    const gi = g.slice(0, L);
    const leftDen = gi.map((_, i) => Math.fround(g[i + k] - g[i]));
    const gk1 = gi.map((_, i) => g[i + k + 1]);
    const rightDen = gi.map((_, i) => Math.fround(g[i + k + 1] - g[i + 1]));
    const left = b.mul(b.div(b.sub(x3, b.constant(float32s(gi))), b.constant(float32s(leftDen))), b.slice(B, [0], [L], [2]));
    const right = b.mul(b.div(b.sub(b.constant(float32s(gk1)), x3), b.constant(float32s(rightDen))), b.slice(B, [1], [L + 1], [2]));
    B = b.add(left, right);
  }
  return b.reshape(B, [-1, e.m * (t + d)]);
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
