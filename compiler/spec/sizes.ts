/**
 * Sizes of components: D of an expansion, l of a reconciliation, widths of fusions.
 * These are tinybig's `calculate_D` / `calculate_l` / `calculate_n`, written from the spec.
 */

/** tinybig's find_close_factors: the largest divisor of k that is ≤ isqrt(k). */
export function fcf(k: number): number {
  for (let f = Math.floor(Math.sqrt(k)); f >= 1; f--) if (k % f === 0) return f;
  return 1;
}

/** m + m² + … + m^d in closed form (exact in doubles below 2^53; rounded). */
export function powerSum(base: number, d: number): number {
  if (base === 1) return d;
  return Math.round((base * (base ** d - 1)) / (base - 1));
}

/**
 * D = expansion width for input width m, for expansions without children: the one place widths are computed
 * (limits.ts's `expansionWidth` checks this value against the size limits). `cap`: the combinatorial sum stops once
 * past it (a lower bound is enough to refuse a huge width without summing d terms).
 */
export function expansionD(type: string, o: Record<string, unknown>, m: number, cap = Infinity): number | undefined {
  const num = (k: string) => o[k] as number;
  switch (type) {
    case 'identity_expansion':
    case 'reciprocal_expansion':
    case 'linear_expansion':
      return m;
    case 'taylor_expansion':
      return powerSum(m, num('d'));
    case 'fourier_expansion':
      return 2 * m * num('N');
    case 'hyperbolic_expansion':
    case 'arc_hyperbolic_expansion':
    case 'trigonometric_expansion':
    case 'arc_trigonometric_expansion':
      return 3 * m;
    case 'gaussian_rbf_expansion':
    case 'inverse_quadratic_rbf_expansion':
      return m * num('numInterval');
    case 'bspline_expansion':
      return m * (num('t') + num('d'));
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
      return m * num('d');
    case 'normal_expansion':
    case 'cauchy_expansion':
    case 'gamma_expansion':
    case 'laplace_expansion':
    case 'exponential_expansion':
    case 'hybrid_probabilistic_expansion':
      return 6 * m;
    case 'chi2_expansion':
      return 2 * m;
    case 'naive_normal_expansion':
    case 'naive_cauchy_expansion':
    case 'naive_chi2_expansion':
    case 'naive_gamma_expansion':
    case 'naive_laplace_expansion':
    case 'naive_exponential_expansion':
      return m;
    case 'combinatorial_normal_expansion': {
      let D = 0;
      let c = 1;
      for (let r = 1; r <= Math.min(num('d'), m) && D <= cap; r++) {
        c = (c * (m - r + 1)) / r;
        D += Math.round(c);
      }
      return D;
    }
    case 'harr_wavelet_expansion':
    case 'beta_wavelet_expansion':
    case 'shannon_wavelet_expansion':
    case 'ricker_wavelet_expansion':
    case 'dog_wavelet_expansion':
    case 'meyer_wavelet_expansion': {
      return powerSum(m * num('s') * num('t'), num('d'));
    }
    default:
      return undefined;
  }
}

/** C(n, r) (0 when r > n), exact for the small values used as widths. */
export function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i;
  return Math.round(c);
}

export interface ReconSizes {
  l: number;
  /** Resolved options (hm family: p, q filled in). */
  options: Record<string, unknown>;
}

/**
 * l = calculate_l(n, D) and resolved options; throws a string describing the problem when the
 * dimensions do not fit the reconciliation's structure.
 */
export function reconciliationSizes(type: string, o: Record<string, unknown>, n: number, D: number): ReconSizes | string {
  const r = o.r as number;
  switch (type) {
    case 'identity_reconciliation':
      return { l: n * D, options: o };
    case 'lorr_reconciliation':
      return { l: r * (n + D), options: o };
    case 'constant_reconciliation':
    case 'zero_reconciliation':
    case 'one_reconciliation':
    case 'constant_eye_reconciliation':
      return { l: 0, options: o };
    case 'duplicated_padding_reconciliation': {
      const p = o.p as number;
      const q = (o.q as number | undefined) ?? p;
      const s = Math.floor(n / p);
      const t = Math.floor(D / q);
      if (p * q * s * t !== n * D) return `duplicated_padding needs p | n and q | D (n=${n}, D=${D}, p=${p}, q=${q})`;
      return { l: s * t, options: { ...o, q } };
    }
    case 'hm_reconciliation':
    case 'lphm_reconciliation':
    case 'dual_lphm_reconciliation': {
      const p = (o.p as number | undefined) ?? fcf(n);
      const q = (o.q as number | undefined) ?? fcf(D);
      if (n % p !== 0) return `p=${p} must divide n=${n}`;
      if (D % q !== 0) return `q=${q} must divide D=${D}`;
      const s = n / p;
      const t = D / q;
      const l = type === 'hm_reconciliation' ? p * q + s * t : type === 'lphm_reconciliation' ? p * q + r * (s + t) : r * (p + q + s + t);
      return { l, options: { ...o, p, q } };
    }
    case 'masking_reconciliation':
      return { l: n * D, options: o };
    case 'duplicated_diagonal_padding_reconciliation': {
      // tinybig: calculate_l is duplicated_padding's (s·t); forward asserts p = n and q·l = D, and
      // block_diag(w × p).view(n, D) only fits for q = n as well.
      const p = o.p as number;
      const q = (o.q as number | undefined) ?? p;
      if (p !== n) return `p=${p} must equal n=${n} (tinybig only runs duplicated_diagonal_padding for p = q = n)`;
      if (q !== n) return `q=${q} must equal n=${n} (tinybig only runs duplicated_diagonal_padding for p = q = n)`;
      if (D % q !== 0) return `q=${q} must divide D=${D}`;
      return { l: D / q, options: { ...o, q } };
    }
    case 'random_matrix_adaption_reconciliation':
      return { l: n + r, options: o };
    case 'random_matrix_hypernet_reconciliation':
    case 'hypernet_reconciliation':
      return { l: o.l as number, options: o };
    default:
      return `unsupported reconciliation ${type}`;
  }
}

/** Reconciliations that create no parameters (never get `w` nor `b`). */
export function reconciliationHasParameters(type: string): boolean {
  return !['constant_reconciliation', 'zero_reconciliation', 'one_reconciliation', 'constant_eye_reconciliation'].includes(type);
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
