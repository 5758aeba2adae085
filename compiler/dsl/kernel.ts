/**
 * Data-dependent interdependences computed by a kernel of the data (tinybig.interdependence
 * numerical_kernel / statistical_kernel, spec rpn2-bilinear-kernel §4, §5): A is evaluated on Z = X0
 * (attribute type, A ∈ R^{m×m}, any batch) or Z = X0ᵀ (instance type, A ∈ R^{b×b}, tinybig asserts the
 * batch b) at run time, comparing the columns of Z. They have no parameters.
 * Math: `compiler/lower/kernel.ts` (compiled) and `runtime/reference/kernel.ts` (reference).
 */
import { is, make, required } from './component.js';
import { dataSchema } from './data-schema.js';
import type { Interdependence, InterdependenceType } from './interdependence.js';
import type { ProcessingSlot } from './processing.js';


/** Options every data-dependent interdependence accepts (tinybig's interdependence base class). */
export interface DataInterdependenceBase {
  /** Batch size b: the instance type of a kernel needs it (tinybig asserts A is b×b), the attribute type of a bilinear one (W is b×b). */
  b?: number | null;
  /** Input width m (default: the head's m). */
  m?: number;
  interdependenceType?: InterdependenceType;
  /** Applied to Z (the data the matrix is computed from) before A is built; the data multiplied by A is not changed. */
  preprocessFunctions?: ProcessingSlot | null;
  /** Applied to A (e.g. `softmax({ dim: 0 })`: columns sum to 1). */
  postprocessFunctions?: ProcessingSlot | null;
  /** false (with no parameters): tinybig computes A from the first batch it ever sees and keeps it; rpnc reads it from the side-car `…_interdependence.A`. */
  requireData?: boolean;
  requireParameters?: boolean;
  name?: string;
  device?: string;
}

const kernelSchema = dataSchema('attribute');

/** The kernels of tinybig.koala a `customHybridKernelInterdependence` or `numericalKernelBasedInterdependence` can name (their default hyper-parameters). */
export const KOALA_KERNELS = [
  'linear_kernel', 'polynomial_kernel', 'hyperbolic_tangent_kernel', 'exponential_kernel', 'cosine_similarity_kernel',
  'minkowski_distance_kernel', 'manhattan_distance_kernel', 'euclidean_distance_kernel', 'chebyshev_distance_kernel',
  'canberra_distance_kernel', 'gaussian_rbf_kernel', 'laplacian_kernel', 'anisotropic_rbf_kernel',
  'kl_divergence_kernel', 'pearson_correlation_kernel', 'rv_coefficient_kernel', 'mutual_information_kernel',
] as const;
/** The name of a tinybig.koala kernel function. */
export type KoalaKernel = (typeof KOALA_KERNELS)[number];

const kernelName = (v: unknown) => (typeof v === 'string' && (KOALA_KERNELS as readonly string[]).includes(v) ? undefined : `the name of a tinybig.koala kernel (${KOALA_KERNELS.join(', ')})`);
const minkowskiP = (v: unknown) =>
  (typeof v === 'number' && v > 0 && (Number.isFinite(v) || v === Infinity)) || v === 'fro' ? undefined : "a positive number, Infinity, or 'fro'";

/** `linear_kernel_interdependence`: A[i, j] = z_i·z_j (A = ZᵀZ). */
export function linearKernelInterdependence(options: DataInterdependenceBase = {}): Interdependence<'linear_kernel_interdependence'> {
  return make('interdependence', 'linear_kernel_interdependence', options, kernelSchema);
}
/** `polynomial_kernel_interdependence(c=0.0, d=1)`: A[i, j] = (z_i·z_j + c)^d. */
export function polynomialKernelInterdependence(options: DataInterdependenceBase & { c?: number; d?: number } = {}): Interdependence<'polynomial_kernel_interdependence'> {
  return make('interdependence', 'polynomial_kernel_interdependence', options, { ...kernelSchema, c: [is.number, 0.0], d: [is.number, 1] });
}
/** `hyperbolic_tangent_kernel_interdependence(c=0.0, alpha=1.0)`: A[i, j] = tanh(alpha·(z_i·z_j) + c). */
export function hyperbolicTangentKernelInterdependence(options: DataInterdependenceBase & { c?: number; alpha?: number } = {}): Interdependence<'hyperbolic_tangent_kernel_interdependence'> {
  return make('interdependence', 'hyperbolic_tangent_kernel_interdependence', options, { ...kernelSchema, c: [is.number, 0.0], alpha: [is.number, 1.0] });
}
/** `exponential_kernel_interdependence(gamma=1.0)`: A[i, j] = exp(−gamma·‖z_i − z_j‖²). */
export function exponentialKernelInterdependence(options: DataInterdependenceBase & { gamma?: number } = {}): Interdependence<'exponential_kernel_interdependence'> {
  return make('interdependence', 'exponential_kernel_interdependence', options, { ...kernelSchema, gamma: [is.number, 1.0] });
}
/** `cosine_similarity_interdependence`: A[i, j] = (z_i/‖z_i‖)·(z_j/‖z_j‖), a zero norm replaced by 1 (an all-zero column: 0 on the diagonal). */
export function cosineSimilarityInterdependence(options: DataInterdependenceBase = {}): Interdependence<'cosine_similarity_interdependence'> {
  return make('interdependence', 'cosine_similarity_interdependence', options, kernelSchema);
}
/** `minkowski_distance_interdependence(p)`: A[i, j] = exp(−‖z_i − z_j‖_p); p required (Infinity: the max norm; 'fro' = 2). */
export function minkowskiDistanceInterdependence(options: DataInterdependenceBase & { p: number | 'fro' }): Interdependence<'minkowski_distance_interdependence'> {
  return make('interdependence', 'minkowski_distance_interdependence', options, { ...kernelSchema, p: [minkowskiP, required] });
}
/** `manhattan_distance_interdependence`: A[i, j] = exp(−Σ_k |z_i[k] − z_j[k]|). */
export function manhattanDistanceInterdependence(options: DataInterdependenceBase = {}): Interdependence<'manhattan_distance_interdependence'> {
  return make('interdependence', 'manhattan_distance_interdependence', options, kernelSchema);
}
/** `euclidean_distance_interdependence`: A[i, j] = exp(−‖z_i − z_j‖₂). */
export function euclideanDistanceInterdependence(options: DataInterdependenceBase = {}): Interdependence<'euclidean_distance_interdependence'> {
  return make('interdependence', 'euclidean_distance_interdependence', options, kernelSchema);
}
/** `chebyshev_distance_interdependence`: A[i, j] = exp(−max_k |z_i[k] − z_j[k]|). */
export function chebyshevDistanceInterdependence(options: DataInterdependenceBase = {}): Interdependence<'chebyshev_distance_interdependence'> {
  return make('interdependence', 'chebyshev_distance_interdependence', options, kernelSchema);
}
/** `canberra_distance_interdependence`: A[i, j] = exp(−Σ_k |z_i[k] − z_j[k]| / (|z_i[k]| + |z_j[k]| + 1e-10)). */
export function canberraDistanceInterdependence(options: DataInterdependenceBase = {}): Interdependence<'canberra_distance_interdependence'> {
  return make('interdependence', 'canberra_distance_interdependence', options, kernelSchema);
}
/** `gaussian_rbf_kernel_interdependence(sigma=1.0)`: A[i, j] = exp(−‖z_i − z_j‖² / (2·sigma²)). */
export function gaussianRbfKernelInterdependence(options: DataInterdependenceBase & { sigma?: number } = {}): Interdependence<'gaussian_rbf_kernel_interdependence'> {
  return make('interdependence', 'gaussian_rbf_kernel_interdependence', options, { ...kernelSchema, sigma: [is.number, 1.0] });
}
/** `laplacian_kernel_interdependence(sigma=1.0)`: A[i, j] = exp(−Σ_k |z_i[k] − z_j[k]| / sigma). */
export function laplacianKernelInterdependence(options: DataInterdependenceBase & { sigma?: number } = {}): Interdependence<'laplacian_kernel_interdependence'> {
  return make('interdependence', 'laplacian_kernel_interdependence', options, { ...kernelSchema, sigma: [is.number, 1.0] });
}
/**
 * `anisotropic_rbf_kernel_interdependence(a_vector=None, a_scalar=1.0)`: A[i, j] = exp(−Σ_k a_k·(z_i[k] − z_j[k])²),
 * a = aVector (one weight per row of Z: for the attribute type its length is the batch size, which it fixes) or aScalar·1.
 */
export function anisotropicRbfKernelInterdependence(options: DataInterdependenceBase & { aVector?: readonly number[] | null; aScalar?: number } = {}): Interdependence<'anisotropic_rbf_kernel_interdependence'> {
  return make('interdependence', 'anisotropic_rbf_kernel_interdependence', options, { ...kernelSchema, aVector: [is.optional(is.array(is.number)), undefined], aScalar: [is.number, 1.0] });
}
/**
 * `custom_hybrid_kernel_interdependence(kernels, weights=None)`: A = Σ_q weights[q]·kernels[q](Z), each kernel with its
 * default hyper-parameters; `kernels` are tinybig.koala kernel names (tinybig takes the Python functions),
 * `weights` default 1/len(kernels).
 */
export function customHybridKernelInterdependence(options: DataInterdependenceBase & { kernels?: readonly KoalaKernel[]; weights?: readonly number[] | null }): Interdependence<'custom_hybrid_kernel_interdependence'> {
  return make('interdependence', 'custom_hybrid_kernel_interdependence', options, { ...kernelSchema, kernels: [is.optional(is.array(kernelName)), undefined], weights: [is.optional(is.array(is.number)), undefined] });
}
/** `numerical_kernel_based_interdependence(kernel)`: A = kernel(Z) with a tinybig.koala kernel named by `kernel` (tinybig takes any Python callable). */
export function numericalKernelBasedInterdependence(options: DataInterdependenceBase & { kernel?: KoalaKernel } = {}): Interdependence<'numerical_kernel_based_interdependence'> {
  return make('interdependence', 'numerical_kernel_based_interdependence', options, { ...kernelSchema, kernel: [is.optional(kernelName), undefined] });
}
/** `kl_divergence_interdependence`: A[i, j] = KL(P_i ‖ P_j), P = softmax of Z over its rows (not symmetric). */
export function klDivergenceInterdependence(options: DataInterdependenceBase = {}): Interdependence<'kl_divergence_interdependence'> {
  return make('interdependence', 'kl_divergence_interdependence', options, kernelSchema);
}
/** `pearson_correlation_interdependence`: the correlation of the columns of Z (NaN for a constant column). */
export function pearsonCorrelationInterdependence(options: DataInterdependenceBase = {}): Interdependence<'pearson_correlation_interdependence'> {
  return make('interdependence', 'pearson_correlation_interdependence', options, kernelSchema);
}
/** `rv_coefficient_interdependence`: clamp(correlation, 0, 1) off the diagonal, 0 on it. */
export function rvCoefficientInterdependence(options: DataInterdependenceBase = {}): Interdependence<'rv_coefficient_interdependence'> {
  return make('interdependence', 'rv_coefficient_interdependence', options, kernelSchema);
}
/** `mutual_information_interdependence`: ½·ln(v_i·v_j / det C_ij) off the diagonal (Gaussian mutual information, clamps 1e-10), 0 on it. */
export function mutualInformationInterdependence(options: DataInterdependenceBase = {}): Interdependence<'mutual_information_interdependence'> {
  return make('interdependence', 'mutual_information_interdependence', options, kernelSchema);
}
