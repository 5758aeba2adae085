/**
 * Sizes of components: D of an expansion, l of a reconciliation, widths of fusions.
 * These are tinybig's `calculate_D` / `calculate_l` / `calculate_n`, written from the spec.
 */

/** tinybig's find_close_factors: the largest divisor of k that is ≤ isqrt(k). */
export function fcf(k: number): number {
  for (let f = Math.floor(Math.sqrt(k)); f >= 1; f--) if (k % f === 0) return f;
  return 1;
}

/** D = expansion width for input width m, for expansions without children. */
export function expansionD(type: string, o: Record<string, unknown>, m: number): number | undefined {
  const num = (k: string) => o[k] as number;
  switch (type) {
    case 'identity_expansion':
    case 'reciprocal_expansion':
    case 'linear_expansion':
      return m;
    case 'taylor_expansion': {
      let D = 0;
      for (let k = 1; k <= num('d'); k++) D += m ** k;
      return D;
    }
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
    default:
      return undefined;
  }
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
    default:
      return `unsupported reconciliation ${type}`;
  }
}

/** Reconciliations that create no parameters (never get `w` nor `b`). */
export function reconciliationHasParameters(type: string): boolean {
  return !['constant_reconciliation', 'zero_reconciliation', 'one_reconciliation', 'constant_eye_reconciliation'].includes(type);
}
