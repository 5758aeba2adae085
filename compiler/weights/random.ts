/**
 * rpnc's own deterministic initialisation for `--seed N` (this is NOT torch's generator: the same
 * seed gives the same numbers on every platform and Node version, but not torch's numbers).
 *
 * Algorithm (all arithmetic on unsigned 32-bit integers):
 *   state  = seed (an integer 0 ≤ seed < 2^32)
 *   next() : state = (state + 0x6D2B79F5) mod 2^32
 *            t = state
 *            t = imul(t ^ (t >>> 15), t | 1)
 *            t = t ^ (t + imul(t ^ (t >>> 7), t | 61))
 *            return ((t ^ (t >>> 14)) >>> 0) / 2^32        — "mulberry32", a value in [0, 1)
 *   uniform(lo, hi) = lo + (hi - lo) · next()
 *   normal(mean, std): Box–Muller on a fresh pair u1 = 1 - next() ∈ (0, 1], u2 = next():
 *            r = sqrt(-2 ln u1); z0 = r cos(2π u2); z1 = r sin(2π u2)
 *            returns mean + std · z0 and caches z1 for the next normal() call (any uniform() call
 *            in between does not discard the cache).
 *   Tensors are filled in row-major order, one draw per element.
 *   xavierUniform(shape, gain) = uniform(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out))
 *   xavierNormal(shape, gain)  = normal(0, s)    with s = gain · sqrt(2 / (fan_in + fan_out))
 *   fans as in torch: for shape (rows, cols, ...rest), receptive = prod(rest),
 *   fan_in = cols · receptive, fan_out = rows · receptive.
 */
import { fail } from '../diagnostics.js';

export class SeededRandom {
  private state: number;
  private spare: number | undefined;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      fail('RPN3301', `seed ${seed} is not an integer between 0 and 4294967295`, { hint: 'pass a whole number, e.g. --seed 0' });
    }
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mean + std * r * Math.cos(2 * Math.PI * u2);
  }

  uniformTensor(shape: readonly number[], lo: number, hi: number): Float32Array {
    const out = new Float32Array(numel(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  normalTensor(shape: readonly number[], mean: number, std: number): Float32Array {
    const out = new Float32Array(numel(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  xavierUniform(shape: readonly number[], gain = 1): Float32Array {
    const { fanIn, fanOut } = fans(shape);
    const a = gain * Math.sqrt(6 / (fanIn + fanOut));
    return this.uniformTensor(shape, -a, a);
  }

  xavierNormal(shape: readonly number[], gain = 1): Float32Array {
    const { fanIn, fanOut } = fans(shape);
    return this.normalTensor(shape, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
  }
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** torch's `_calculate_fan_in_and_fan_out` for a tensor of at least 2 dimensions. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new Error(`xavier initialisation needs a tensor with at least 2 dimensions, got shape [${shape.join(',')}]`);
  }
  const receptive = numel(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}
