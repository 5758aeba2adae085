/**
 * Data expansion functions κ (tinybig.expansion). One factory per tinybig class; options are
 * tinybig's parameter names in camelCase with tinybig's defaults. The math is in
 * `compiler/lower/expansion.ts` (compiled) and `runtime/reference/expansion.ts` (reference).
 */
import { type Component, is, make } from './component.js';
import type { ProcessingSlot } from './processing.js';

export type Expansion<T extends string = string, O = Record<string, unknown>> = Component<'expansion', T, O>;

/** Options every expansion accepts (tinybig's `transformation` base class). */
export interface ExpansionBase {
  /** tinybig's `name` (informational). */
  name?: string;
  /** Applied to x before the expansion (tinybig `preprocess_functions`). */
  preprocessFunctions?: ProcessingSlot | null;
  /** Applied to κ(x) after the expansion (tinybig `postprocess_functions`). */
  postprocessFunctions?: ProcessingSlot | null;
  /** tinybig's `device` (ignored: rpnc picks the device at run time). */
  device?: string;
}
const base = {
  name: [is.optional(is.string), undefined],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  device: [is.optional(is.string), undefined],
} as const satisfies Record<string, [unknown, unknown]>;
const sch = (extra: Record<string, [(v: unknown) => string | undefined, unknown]>) => ({ ...base, ...extra }) as Record<string, [(v: unknown) => string | undefined, unknown]>;

function simple<T extends string>(type: T) {
  return (options: ExpansionBase = {}): Expansion<T> => make('expansion', type, options, sch({}));
}

/** `identity_expansion`: κ(x) = x, D = m. */
export const identityExpansion = simple('identity_expansion');
/** `reciprocal_expansion`: 1/x with |x| clamped to ≥ 1e-6, D = m. */
export const reciprocalExpansion = simple('reciprocal_expansion');
/** `linear_expansion(c)`: c·x (only the scalar form is supported), D = m. */
export function linearExpansion(options: ExpansionBase & { c?: number } = {}): Expansion<'linear_expansion'> {
  return make('expansion', 'linear_expansion', options, sch({ c: [is.optional(is.number), undefined] }));
}
/** `taylor_expansion(d=2)`: all ordered products of degree 1..d, D = Σ_k m^k. */
export function taylorExpansion(options: ExpansionBase & { d?: number } = {}): Expansion<'taylor_expansion'> {
  return make('expansion', 'taylor_expansion', options, sch({ d: [is.posInt, 2] }));
}
/** `fourier_expansion(P=10, N=5)`: [cos(2πkx/P); sin(2πkx/P)] for k = 1..N, D = 2mN. */
export function fourierExpansion(options: ExpansionBase & { P?: number; N?: number } = {}): Expansion<'fourier_expansion'> {
  return make('expansion', 'fourier_expansion', options, sch({ P: [is.number, 10], N: [is.posInt, 5] }));
}
/** `hyperbolic_expansion`: [sinh x; cosh x; tanh x], D = 3m. */
export const hyperbolicExpansion = simple('hyperbolic_expansion');
/** `arc_hyperbolic_expansion`: on s = σ(x): [asinh s; acosh(s+1.01); atanh(0.99s)], D = 3m. */
export const arcHyperbolicExpansion = simple('arc_hyperbolic_expansion');
/** `trigonometric_expansion`: [sin x; cos x; tan x], D = 3m. */
export const trigonometricExpansion = simple('trigonometric_expansion');
/** `arc_trigonometric_expansion`: on s = σ(x): [asin(0.99s); acos(0.99s); atan s], D = 3m. */
export const arcTrigonometricExpansion = simple('arc_trigonometric_expansion');

interface RbfOptions extends ExpansionBase {
  /** Range of the centres (default [-1, 1]). */
  baseRange?: readonly [number, number] | readonly number[];
  /** Number of centres (default 10). */
  numInterval?: number;
  /** Shape parameter ε (default 1.0). */
  epsilon?: number;
}
const rbf = { baseRange: [is.pair, [-1, 1]], numInterval: [is.posInt, 10], epsilon: [is.number, 1.0] } as Record<string, [(v: unknown) => string | undefined, unknown]>;
/** `gaussian_rbf_expansion`: exp(−((x_j − c_q)·ε)²), feature-major, D = m·numInterval. */
export function gaussianRbfExpansion(options: RbfOptions = {}): Expansion<'gaussian_rbf_expansion'> {
  return make('expansion', 'gaussian_rbf_expansion', options, sch(rbf));
}
/** `inverse_quadratic_rbf_expansion`: 1/(1 + ((x_j − c_q)·ε)²), feature-major, D = m·numInterval. */
export function inverseQuadraticRbfExpansion(options: RbfOptions = {}): Expansion<'inverse_quadratic_rbf_expansion'> {
  return make('expansion', 'inverse_quadratic_rbf_expansion', options, sch(rbf));
}
/** `bspline_expansion(grid_range=(-1,1), t=5, d=3)`: Cox–de Boor B-splines, feature-major, D = m(t+d). */
export function bsplineExpansion(options: ExpansionBase & { gridRange?: readonly [number, number] | readonly number[]; t?: number; d?: number } = {}): Expansion<'bspline_expansion'> {
  return make('expansion', 'bspline_expansion', options, sch({ gridRange: [is.pair, [-1, 1]], t: [is.posInt, 5], d: [is.nonNegInt, 3] }));
}

function poly<T extends string>(type: T) {
  return (options: ExpansionBase & { d?: number } = {}): Expansion<T> => make('expansion', type, options, sch({ d: [is.posInt, 2] }));
}
/** `chebyshev_expansion(d=2)`: T_1..T_d per feature, D = m·d. */
export const chebyshevExpansion = poly('chebyshev_expansion');
/** `hermite_expansion(d=2)` (probabilists'): He_1..He_d per feature, D = m·d. */
export const hermiteExpansion = poly('hermite_expansion');
/** `legendre_expansion(d=2)`: P_1..P_d per feature, D = m·d. */
export const legendreExpansion = poly('legendre_expansion');
/** `bessel_expansion(d=2)`, D = m·d. */
export const besselExpansion = poly('bessel_expansion');
/** `reverse_bessel_expansion(d=2)`, D = m·d. */
export const reverseBesselExpansion = poly('reverse_bessel_expansion');
/** `fibonacci_expansion(d=2)` (P_1 = 1 is output as a constant column), D = m·d. */
export const fibonacciExpansion = poly('fibonacci_expansion');
/** `lucas_expansion(d=2)`, D = m·d. */
export const lucasExpansion = poly('lucas_expansion');
/** `laguerre_expansion(d=2, alpha=1.0)` (tinybig's P_1 = x + 1 + α), D = m·d. */
export function laguerreExpansion(options: ExpansionBase & { d?: number; alpha?: number } = {}): Expansion<'laguerre_expansion'> {
  return make('expansion', 'laguerre_expansion', options, sch({ d: [is.posInt, 2], alpha: [is.number, 1.0] }));
}
/** `gegenbauer_expansion(d=2, alpha=1.0)`, D = m·d. */
export function gegenbauerExpansion(options: ExpansionBase & { d?: number; alpha?: number } = {}): Expansion<'gegenbauer_expansion'> {
  return make('expansion', 'gegenbauer_expansion', options, sch({ d: [is.posInt, 2], alpha: [is.number, 1.0] }));
}
/** `jacobi_expansion(d=2, alpha=1.0, beta=1.0)`, D = m·d. */
export function jacobiExpansion(options: ExpansionBase & { d?: number; alpha?: number; beta?: number } = {}): Expansion<'jacobi_expansion'> {
  return make('expansion', 'jacobi_expansion', options, sch({ d: [is.posInt, 2], alpha: [is.number, 1.0], beta: [is.number, 1.0] }));
}
/** `nested_expansion`: f_k(…f_1(x)), D = D_fk(…D_f1(m)). */
export function nestedExpansion(options: ExpansionBase & { compositionFunctions: readonly Expansion[] }): Expansion<'nested_expansion'> {
  return make('expansion', 'nested_expansion', options, sch({ compositionFunctions: [is.array(is.component('expansion')), []] }));
}
/** `extended_expansion`: [f_1(x); …; f_k(x)], D = Σ D_fi(m). */
export function extendedExpansion(options: ExpansionBase & { compositionFunctions: readonly Expansion[] }): Expansion<'extended_expansion'> {
  return make('expansion', 'extended_expansion', options, sch({ compositionFunctions: [is.array(is.component('expansion')), []] }));
}
