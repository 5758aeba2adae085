/**
 * Data expansion functions κ (tinybig.expansion). One factory per tinybig class; options are
 * tinybig's parameter names in camelCase with tinybig's defaults. The math is in
 * `compiler/lower/expansion.ts` (compiled) and `runtime/reference/expansion.ts` (reference).
 */
import { type Component, is, make } from './component.js';
import type { ProcessingSlot } from './processing.js';

/** A data expansion κ: x ∈ R^m -> κ(x) ∈ R^D (tinybig.expansion). */
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
  return make('expansion', 'fourier_expansion', options, sch({ P: [is.nonZero, 10], N: [is.posInt, 5] }));
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
  return make('expansion', 'bspline_expansion', options, sch({ gridRange: [is.range, [-1, 1]], t: [is.posInt, 5], d: [is.nonNegInt, 3] }));
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

// ---- probabilistic expansions (§7.4): log-densities (PyTorch `log_prob`) ----------------------
// u = 0.99·σ(x) + 0.001 (gamma, exponential; the hybrid's chi2/gamma/exponential), v = σ(x) + 0.001 (chi2).

/** `normal_expansion`: log N(x; μ, σ) for (μ, σ) = (0,1), (1,1), (−1,1), (0,0.1), (1,0.1), (−1,0.1), block-major, D = 6m. */
export const normalExpansion = simple('normal_expansion');
/** `cauchy_expansion`: log Cauchy(x; μ, γ) for (0,1), (0,0.5), (1,1), (1,0.5), (−1,1), (−1,0.5), block-major, D = 6m. */
export const cauchyExpansion = simple('cauchy_expansion');
/** `chi2_expansion`: log Chi2(v; k) for k = 1, 2 on v = σ(x) + 0.001, block-major, D = 2m. */
export const chi2Expansion = simple('chi2_expansion');
/** `gamma_expansion`: log Gamma(u; α, rate) for (0.5,1), (0.5,2), (1,1), (1,2), (2,1), (2,2) on u = 0.99σ(x) + 0.001, D = 6m. */
export const gammaExpansion = simple('gamma_expansion');
/** `laplace_expansion`: log Laplace(x; μ, s) for (0,1), (0,2), (1,1), (1,2), (−1,1), (−1,2), block-major, D = 6m. */
export const laplaceExpansion = simple('laplace_expansion');
/** `exponential_expansion`: log Exp(u; λ) for λ = 0.5, 0.75, 1, 2, 3, 5 on u = 0.99σ(x) + 0.001, D = 6m. */
export const exponentialExpansion = simple('exponential_expansion');
/** `hybrid_probabilistic_expansion`: [N(0,1)(x); C(0,1)(x); Chi2(1)(u); Gamma(0.5,1)(u); Laplace(0,1)(x); Exp(1)(u)], D = 6m. */
export const hybridProbabilisticExpansion = simple('hybrid_probabilistic_expansion');
/** `naive_normal_expansion`: log N(x; 0, 1), D = m. */
export const naiveNormalExpansion = simple('naive_normal_expansion');
/** `naive_cauchy_expansion`: log Cauchy(x; 0, 1), D = m. */
export const naiveCauchyExpansion = simple('naive_cauchy_expansion');
/** `naive_chi2_expansion`: log Chi2(v; 1) on v = σ(x) + 0.001, D = m. */
export const naiveChi2Expansion = simple('naive_chi2_expansion');
/** `naive_gamma_expansion`: log Gamma(u; 0.5, 1) on u = 0.99σ(x) + 0.001, D = m. */
export const naiveGammaExpansion = simple('naive_gamma_expansion');
/** `naive_laplace_expansion`: log Laplace(x; 0, 1), D = m. */
export const naiveLaplaceExpansion = simple('naive_laplace_expansion');
/** `naive_exponential_expansion`: log Exp(u; 0.5) on u = 0.99σ(x) + 0.001, D = m. */
export const naiveExponentialExpansion = simple('naive_exponential_expansion');

// ---- combinatorial expansions (§7.5) ------------------------------------------------------------

/**
 * `combinatorial_normal_expansion(d=1, with_replacement=False)`: for r = 1..d and every r-subset c of
 * the features (lexicographic order), −½(r·ln 2π + Σ_{i∈c} x_i²); D = Σ_{r=1..d} C(m, r).
 * `withReplacement` is accepted but has no effect (tinybig's forward always uses False).
 */
export function combinatorialNormalExpansion(options: ExpansionBase & { d?: number; withReplacement?: boolean } = {}): Expansion<'combinatorial_normal_expansion'> {
  return make('expansion', 'combinatorial_normal_expansion', options, sch({ d: [is.posInt, 1], withReplacement: [is.bool, false] }));
}
/**
 * `combinatorial_expansion(d=2, with_replacement=False)`: in tinybig its forward returns a Python list
 * of tensors, so it cannot be a head's expansion; rpnc rejects it (RPN2002).
 */
export function combinatorialExpansion(options: ExpansionBase & { d?: number; withReplacement?: boolean } = {}): Expansion<'combinatorial_expansion'> {
  return make('expansion', 'combinatorial_expansion', options, sch({ d: [is.posInt, 2], withReplacement: [is.bool, false] }));
}

// ---- discrete wavelet expansions (§7.6) ---------------------------------------------------------

/** Options of every `*_wavelet_expansion` (tinybig's `discrete_wavelet_expansion` + `discrete_wavelet`). */
export interface WaveletOptions extends ExpansionBase {
  /** Order of the Taylor-style products of the wavelet vector (default 1). */
  d?: number;
  /** Number of scales s_i = 0..s−1 (default 1). */
  s?: number;
  /** Number of translations t_i = 0..t−1 (default 1). */
  t?: number;
  /** Scale base a ≥ 1 (default 1.0). */
  a?: number;
  /** Translation step b ≥ 0 (default 1.0). */
  b?: number;
}
const wavelet = { d: [is.posInt, 1], s: [is.posInt, 1], t: [is.posInt, 1], a: [is.nonZero, 1.0], b: [is.number, 1.0] } as Record<string, [(v: unknown) => string | undefined, unknown]>;
/**
 * `harr_wavelet_expansion(d=1, s=1, t=1, a=1.0, b=1.0)`: ψ(τ) = 1 on [0, ½), −1 on [½, 1), else 0, with
 * τ = x/a^{s_i} − t_i·b and scale a^{−s_i/2}; feature-major (index j·s·t + s_i·t + t_i); D = Σ_{k=1..d} (m·s·t)^k.
 */
export function harrWaveletExpansion(options: WaveletOptions = {}): Expansion<'harr_wavelet_expansion'> {
  return make('expansion', 'harr_wavelet_expansion', options, sch(wavelet));
}
/**
 * `beta_wavelet_expansion(…, alpha=1.0, beta=1.0)`: ψ(τ) = τ^{α−1}(1−τ)^{β−1}/B(α, β); if any τ of a
 * (batch × m) block is outside [0, 1], the whole block is passed through sigmoid first (batch dependent).
 */
export function betaWaveletExpansion(options: WaveletOptions & { alpha?: number; beta?: number } = {}): Expansion<'beta_wavelet_expansion'> {
  return make('expansion', 'beta_wavelet_expansion', options, sch({ ...wavelet, alpha: [is.number, 1.0], beta: [is.number, 1.0] }));
}
/** `shannon_wavelet_expansion(…)`: ψ(τ) = (sin 2πτ − sin πτ)/(πτ) (NaN at τ = 0, as in tinybig). */
export function shannonWaveletExpansion(options: WaveletOptions = {}): Expansion<'shannon_wavelet_expansion'> {
  return make('expansion', 'shannon_wavelet_expansion', options, sch(wavelet));
}
/** `ricker_wavelet_expansion(…, sigma=1.0)`: ψ(τ) = 2(1 − (τ/σ)²)/(√(3σ)·π^¼)·exp(−τ²/(2σ²)). */
export function rickerWaveletExpansion(options: WaveletOptions & { sigma?: number } = {}): Expansion<'ricker_wavelet_expansion'> {
  return make('expansion', 'ricker_wavelet_expansion', options, sch({ ...wavelet, sigma: [is.nonZero, 1.0] }));
}
/** `dog_wavelet_expansion(…, sigma_1=1.0, sigma_2=2.0)`: ψ(τ) = N(τ; 0, σ₁) − N(τ; 0, σ₂) (densities). */
export function dogWaveletExpansion(options: WaveletOptions & { sigma1?: number; sigma2?: number } = {}): Expansion<'dog_wavelet_expansion'> {
  return make('expansion', 'dog_wavelet_expansion', options, sch({ ...wavelet, sigma1: [is.nonZero, 1.0], sigma2: [is.nonZero, 2.0] }));
}
/** `meyer_wavelet_expansion(…)`: ψ(0) = 2/3 + 4/(3π), else (sin(2πτ/3) + (4/3)τ·cos(4πτ/3)) / (πτ − (16π/9)τ³). */
export function meyerWaveletExpansion(options: WaveletOptions = {}): Expansion<'meyer_wavelet_expansion'> {
  return make('expansion', 'meyer_wavelet_expansion', options, sch(wavelet));
}
