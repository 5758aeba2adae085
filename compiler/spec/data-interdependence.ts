/**
 * Validation of the data-dependent interdependences (issue 13, spec rpn2-bilinear-kernel): kernels (numerical and
 * statistical), the bilinear family, hybrid_interdependence and parameterized_rpn_interdependence, and the
 * bilinear_interdependence_head / _layer / transformer expansions. Their A is computed from X0 at run time:
 *   attribute axis: Z = X0 (A ∈ R^{m×m'}; the bilinear one fixes the batch to b, W being b×b);
 *   instance axis:  Z = X0ᵀ (A ∈ R^{b×b'}; kernels, hybrids and rpn-interdependence fix the batch to b as tinybig
 *                   asserts; the bilinear one runs on any batch).
 */
import type { Component } from '../dsl/component.js';
import { diag, fail, type Diagnostic } from '../diagnostics.js';
import type { WeightSource } from './params.js';
import { getSpan } from '../spans.js';
import type { ExpansionSpec, FusionSpec, InterdependenceSpec, ModelSpec, ProcessSpec, ReconciliationSpec } from './types.js';

type Opts = Record<string, unknown>;

/** What build.ts lends this file (its context's builders). */
export interface DataBuildHelpers {
  error(code: 'RPN2002' | 'RPN2104' | 'RPN2109' | 'RPN2150' | 'RPN2151', message: string, at: Component, option?: string, hint?: string): void;
  reconciliation(c: Component, n: number, D: number, prefix: string): ReconciliationSpec | undefined;
  expansion(c: Component, m: number, prefix: string): ExpansionSpec | undefined;
  fusion(c: Component, dims: number[], prefix: string): FusionSpec | undefined;
  /** A processing list; Softmax / LogSoftmax may take dim 0 (A's columns) as well. */
  process(slot: unknown, prefix: string, width: number): ProcessSpec[] | undefined;
  derived(from: Component, c: Component): Component;
}

const INSTANCE_TYPES = ['instance', 'instance_interdependence', 'left'];

/** Class → koala kernel (numerical §4 and statistical §5). */
export const KERNEL_CLASSES: Record<string, string> = {
  linear_kernel_interdependence: 'linear_kernel',
  polynomial_kernel_interdependence: 'polynomial_kernel',
  hyperbolic_tangent_kernel_interdependence: 'hyperbolic_tangent_kernel',
  exponential_kernel_interdependence: 'exponential_kernel',
  cosine_similarity_interdependence: 'cosine_similarity_kernel',
  minkowski_distance_interdependence: 'minkowski_distance_kernel',
  manhattan_distance_interdependence: 'manhattan_distance_kernel',
  euclidean_distance_interdependence: 'euclidean_distance_kernel',
  chebyshev_distance_interdependence: 'chebyshev_distance_kernel',
  canberra_distance_interdependence: 'canberra_distance_kernel',
  gaussian_rbf_kernel_interdependence: 'gaussian_rbf_kernel',
  laplacian_kernel_interdependence: 'laplacian_kernel',
  anisotropic_rbf_kernel_interdependence: 'anisotropic_rbf_kernel',
  kl_divergence_interdependence: 'kl_divergence_kernel',
  pearson_correlation_interdependence: 'pearson_correlation_kernel',
  rv_coefficient_interdependence: 'rv_coefficient_kernel',
  mutual_information_interdependence: 'mutual_information_kernel',
};
/** Bilinear class → the reconciliation that fabricates W (n = D = d). */
export const BILINEAR_CLASSES: Record<string, string> = {
  parameterized_bilinear_interdependence: 'identity_reconciliation',
  lowrank_parameterized_bilinear_interdependence: 'lorr_reconciliation',
  hm_parameterized_bilinear_interdependence: 'hm_reconciliation',
  lphm_parameterized_bilinear_interdependence: 'lphm_reconciliation',
  dual_lphm_parameterized_bilinear_interdependence: 'dual_lphm_reconciliation',
  random_matrix_adaption_parameterized_bilinear_interdependence: 'random_matrix_adaption_reconciliation',
};
export const DATA_INTERDEPENDENCES = new Set([
  ...Object.keys(KERNEL_CLASSES), ...Object.keys(BILINEAR_CLASSES),
  'custom_hybrid_kernel_interdependence', 'numerical_kernel_based_interdependence', 'hybrid_interdependence', 'parameterized_rpn_interdependence',
]);

/** Hyper-parameters of a koala kernel called with its defaults (custom_hybrid calls each kernel with Z only). */
const KERNEL_DEFAULTS: Record<string, Opts> = {
  polynomial_kernel: { c: 0, d: 1 },
  hyperbolic_tangent_kernel: { c: 0, alpha: 1 },
  exponential_kernel: { gamma: 1 },
  gaussian_rbf_kernel: { sigma: 1 },
  laplacian_kernel: { sigma: 1 },
  anisotropic_rbf_kernel: { aScalar: 1 },
};

/**
 * A data-dependent interdependence in a head's `slot`; `at` overrides (hybrid members take the hybrid's b, m and type).
 * `prefix` is the module path of the function (`<head>.attribute_interdependence.`).
 */
export function buildDataInterdependence(hp: DataBuildHelpers, v: Component, m: number, headPrefix: string, slot: 'attribute' | 'instance', at: { prefix?: string; kind?: string; b?: number } = {}): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  const kind = at.kind ?? ((o.interdependenceType as string | undefined) ?? 'attribute');
  const instance = INSTANCE_TYPES.includes(kind);
  const prefix = at.prefix ?? `${headPrefix}${slot}_interdependence.`;
  const b = at.b ?? (o.b as number | undefined);
  if (o.m !== undefined && o.m !== m && at.prefix === undefined) return void hp.error('RPN2109', `${v.type} has m = ${o.m} but the head's input width is m = ${m}`, v, 'm', `set m: ${m} or omit it`);
  if (!instance && slot === 'instance' && (v.type === 'hybrid_interdependence' || v.type === 'parameterized_rpn_interdependence')) {
    return void hp.error('RPN2002', `${v.type} in the instanceInterdependence slot has interdependenceType '${kind}': tinybig would multiply κ(x) by an m×m' matrix there, which rpnc does not support`, v, 'interdependenceType', "set interdependenceType: 'instance' (A ∈ R^{b×b} mixes the rows), or move it to attributeInterdependence");
  }
  // an attribute-type function in the instance slot: Xi = κ(x)·A with A (m×m) from X0 — tinybig runs it only when D = m (checked by the head)
  const zCols = instance ? b : m; // columns of Z = sides of A
  const pre = hp.process(o.preprocessFunctions, `${prefix}preprocess_functions`, instance ? (b ?? 0) : m);
  const post = hp.process(o.postprocessFunctions, `${prefix}postprocess_functions`, zCols ?? 0);
  if (!pre || !post) return undefined;
  const spec: InterdependenceSpec = { type: v.type, options: o, m, mPrime: m, l: 0, source: v, data: { family: 'kernel', pre, post } };
  if (instance) spec.axis = 'instance';
  const needB = (why: string): boolean => {
    if (b !== undefined) return true;
    hp.error('RPN2151', `${v.type} of the ${instance ? 'instance' : 'attribute'} type needs the batch size b: ${why}`, v, undefined, 'add b: <batch size>; the compiled model then only runs with that batch');
    return false;
  };
  const fix = (rows: number, rowsOut = rows) => {
    spec.b = rows;
    if (instance) spec.bPrime = rowsOut;
  };

  if (v.type === 'hybrid_interdependence') return hybrid(hp, v, spec, m, headPrefix, slot, prefix, instance, b, kind);
  if (v.type === 'parameterized_rpn_interdependence') {
    if (!needB('tinybig asserts the shape of A, and (attribute type) κ\' expands the columns of X0 as rows of length b')) return undefined;
    const d = instance ? m : b!;
    const dPrime = instance ? ((o.bPrime as number | undefined) ?? b!) : ((o.mPrime as number | undefined) ?? m);
    for (const k of ['dataTransformation', 'parameterFabrication']) {
      if (!o[k]) return void hp.error('RPN2109', `parameterized_rpn_interdependence needs ${k} (its κ' / ψ')`, v, undefined, `add ${k}: ${k === 'dataTransformation' ? 'identityExpansion()' : 'identityReconciliation()'}`);
    }
    const exp = hp.expansion(o.dataTransformation as Component, d, `${prefix}data_transformation.`);
    if (!exp) return undefined;
    const rc = o.parameterFabrication as Component;
    const rec = hp.reconciliation(hp.derived(v, { kind: 'reconciliation', type: rc.type, options: { ...(rc.options as Opts), enableBias: false } }), dPrime, exp.D, `${prefix}parameter_fabrication.`);
    if (!rec) return undefined;
    rec.source = rc;
    Object.assign(spec, { reconciliation: rec, l: rec.l, paramKey: `${headPrefix}w_${slot}_interdependence` });
    spec.data = { family: 'rpn', pre, post, expansion: exp };
    if (instance) fix(b!, dPrime);
    else {
      fix(b!);
      spec.mPrime = dPrime;
    }
    return spec;
  }
  const recType = BILINEAR_CLASSES[v.type];
  if (recType) {
    // A = Zᵀ·W·Z, W = ψ(w; d, d): d = b (attribute: W is b×b, tinybig runs only batch b) or m (instance: any batch)
    if (!instance && !needB('W is b×b (A = X0ᵀ·W·X0), so tinybig runs it only on batches of b rows')) return undefined;
    const d = instance ? m : b!;
    const ropts: Opts = { enableBias: false };
    if (o.r !== undefined) ropts.r = o.r;
    if (o.p !== undefined) Object.assign(ropts, { p: o.p, q: o.q ?? o.p });
    const rec = hp.reconciliation(hp.derived(v, { kind: 'reconciliation', type: recType, options: ropts }), d, d, `${prefix}parameter_fabrication.`);
    if (!rec) return undefined;
    rec.source = v;
    Object.assign(spec, { reconciliation: rec, l: rec.l, paramKey: `${headPrefix}w_${slot}_interdependence` });
    spec.data = { family: 'bilinear', pre, post };
    if (typeof o.attention === 'number') spec.data.attention = { rescale: o.attention, maskZeros: true }; // the bilinear head's post-process (§8.2)
    if (!instance) fix(b!);
    return spec;
  }
  // kernels: no parameters
  const data = spec.data!;
  let kernel = KERNEL_CLASSES[v.type];
  const kernelOptions: Opts = {};
  for (const k of ['c', 'd', 'alpha', 'gamma', 'sigma', 'p', 'aVector', 'aScalar']) if (o[k] !== undefined && o[k] !== null) kernelOptions[k] = o[k];
  if (kernelOptions.p === 'fro') kernelOptions.p = 2;
  if (v.type === 'numerical_kernel_based_interdependence') {
    kernel = o.kernel as string;
    if (!KERNEL_DEFAULTS[kernel] && !Object.values(KERNEL_CLASSES).includes(kernel)) {
      return void hp.error('RPN2150', `numerical_kernel_based_interdependence needs kernel: the name of a tinybig.koala kernel${kernel === undefined ? '' : ` (got ${JSON.stringify(kernel)})`}; tinybig takes any Python callable there, which a model file cannot express`, v, kernel === undefined ? undefined : 'kernel', "e.g. kernel: 'gaussian_rbf_kernel', or use the kernel's own factory (gaussianRbfKernelInterdependence)");
    }
    Object.assign(kernelOptions, KERNEL_DEFAULTS[kernel] ?? {});
  }
  if (v.type === 'custom_hybrid_kernel_interdependence') {
    const names = (o.kernels as string[] | undefined) ?? [];
    if (!names.length) return void hp.error('RPN2109', 'custom_hybrid_kernel_interdependence needs at least one kernel', v, 'kernels');
    const weights = (o.weights as number[] | undefined) ?? names.map(() => 1 / names.length);
    if (weights.length !== names.length) return void hp.error('RPN2109', `custom_hybrid_kernel_interdependence has ${names.length} kernels but ${weights.length} weights`, v, 'weights', `give ${names.length} weights, or omit them (1/${names.length} each)`);
    data.kernels = names.map((k, i) => ({ kernel: k, weight: weights[i] }));
    kernel = 'custom_hybrid_kernel';
  }
  for (const k of data.kernels?.map((x) => x.kernel) ?? [kernel]) {
    if (k === 'minkowski_distance_kernel' && (v.type !== 'minkowski_distance_interdependence')) {
      return void hp.error('RPN2150', `${v.type} calls minkowski_distance_kernel with its default p = None, which raises ValueError in tinybig`, v, v.type === 'custom_hybrid_kernel_interdependence' ? 'kernels' : 'kernel', 'use minkowskiDistanceInterdependence({ p }) or another kernel');
    }
  }
  data.kernel = kernel;
  data.kernelOptions = kernelOptions;
  const aVector = kernelOptions.aVector as number[] | undefined;
  if (instance) {
    if (!needB('tinybig asserts that A is b×b')) return undefined;
    if (aVector && aVector.length !== m) return void hp.error('RPN2151', `anisotropic_rbf_kernel_interdependence: aVector has ${aVector.length} entries, but Z = X0ᵀ has m = ${m} rows (one weight per row)`, v, 'aVector', `give ${m} weights`);
    fix(b!);
  } else if (aVector) {
    if (b !== undefined && b !== aVector.length) return void hp.error('RPN2151', `anisotropic_rbf_kernel_interdependence: aVector has ${aVector.length} entries, but b = ${b} (Z = X0 has one row per sample)`, v, 'aVector', `give ${b} weights`);
    fix(aVector.length); // one weight per row of Z = X0: the batch is fixed to its length
  }
  if (o.requireData === false && o.requireParameters !== true) {
    // tinybig caches the first A it computes (from the first batch it ever saw): a constant side-car
    data.frozenKey = `${prefix}A`;
  }
  return spec;
}

function hybrid(hp: DataBuildHelpers, v: Component, spec: InterdependenceSpec, m: number, headPrefix: string, slot: 'attribute' | 'instance', prefix: string, instance: boolean, b: number | undefined, kind: string): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  if (!instance) {
    return void hp.error('RPN2150', "hybrid_interdependence of the attribute type cannot run in tinybig 0.2.1: its calculate_m_prime calls calculate_b_prime(m=…) on the members, a TypeError at the head's construction", v, 'interdependenceType', "use interdependenceType: 'instance'");
  }
  if (b === undefined) return void hp.error('RPN2151', 'hybrid_interdependence needs the batch size b: tinybig asserts that A is b×b', v, undefined, 'add b: <batch size>; the compiled model then only runs with that batch');
  const members: InterdependenceSpec[] = [];
  const comps = (o.interdependenceFunctions as Component[] | undefined) ?? [];
  if (!o.fusionFunction) return void hp.error('RPN2109', 'hybrid_interdependence needs fusionFunction (how the members\' matrices are combined)', v, undefined, 'add fusionFunction: meanFusion()');
  if (!comps.length) return void hp.error('RPN2109', 'hybrid_interdependence needs at least one interdependence function', v, 'interdependenceFunctions');
  for (let q = 0; q < comps.length; q++) {
    const c = comps[q];
    if (!DATA_INTERDEPENDENCES.has(c.type) || c.type === 'hybrid_interdependence' || c.type === 'parameterized_rpn_interdependence') {
      return void hp.error('RPN2002', `hybrid_interdependence member '${c.type}' is not supported (members: the kernels and the bilinear interdependences)`, c);
    }
    const s = buildDataInterdependence(hp, c, m, headPrefix, slot, { prefix: `${prefix}interdependence_functions.${q}.`, kind, b });
    if (!s) return undefined;
    members.push(s);
  }
  const fusion = hp.fusion(o.fusionFunction as Component, members.map(() => b), `${prefix}fusion_function.`);
  if (!fusion) return undefined;
  if (fusion.n !== b) return void hp.error('RPN2151', `hybrid_interdependence: the fusion outputs ${fusion.n} columns, but A must be b×b = ${b}×${b}`, o.fusionFunction as Component, undefined, `make the fusion output ${b}`);
  const l = members.reduce((s, x) => s + x.l, 0) + fusion.l;
  if (l === 0) {
    return void hp.error('RPN2150', "hybrid_interdependence whose members and fusion have no parameters cannot run in a tinybig 0.2.1 head: the head passes w=None and calculate_A evaluates w.numel(), an AttributeError", v, 'interdependenceFunctions', 'add a parameterized member (e.g. parameterizedBilinearInterdependence()) or use one of the kernels on its own');
  }
  spec.data = { family: 'hybrid', pre: spec.data!.pre, post: spec.data!.post, members, fusion };
  Object.assign(spec, { l, paramKey: `${headPrefix}w_${slot}_interdependence`, b, bPrime: b });
  return spec;
}

/** The side-car keys a data-dependent interdependence reads (frozen A, RMA matrices), for the parameter manifest. */
export function dataSideCars(s: InterdependenceSpec | undefined): { key: string; shape: number[] }[] {
  if (!s?.data) return [];
  const out: { key: string; shape: number[] }[] = [];
  const d = s.axis === 'instance' ? s.b! : s.m;
  if (s.data.frozenKey) out.push({ key: s.data.frozenKey, shape: [d, d] });
  for (const mem of s.data.members ?? []) out.push(...dataSideCars(mem));
  return out;
}

/** Every interdependence of the model with A computed from the batch makes an output row depend on other rows. */
export function rowCoupled(s: InterdependenceSpec | undefined): boolean {
  if (!s?.data) return false; // data-independent instance mixing is marked by its fixed batch already
  return s.axis === 'instance' || !s.data.frozenKey;
}

/**
 * Q1: tinybig 0.2.1's bilinear_interdependence_head passes `mask_zero=True` to operator_based_normalize_matrix, whose
 * keyword is `mask_zeros`: every bilinear head, layer and transformer raises TypeError at its first forward. rpnc
 * compiles the evident intent (mask_zeros=True, as tinybig's graph-bilinear head spells it) and says so once.
 */
export function bilinearHeadWarnings(spec: ModelSpec): Diagnostic[] {
  const heads = spec.layers.flatMap((l) => l.heads).filter((h) => h.type === 'bilinear_interdependence_head');
  if (!heads.length) return [];
  const what = spec.root === 'model' ? `this ${spec.type} model` : spec.root === 'layer' ? `this ${spec.type}` : 'this bilinear_interdependence_head';
  return [
    diag('RPN2401', `tinybig 0.2.1 itself cannot run ${what}: bilinear_interdependence_head passes mask_zero=True to operator_based_normalize_matrix, whose parameter is mask_zeros, so its first forward raises TypeError. rpnc compiles the evident intent: the attention with mask_zeros=True (the √n-scaled, zero-masked column softmax of tinybig's graph bilinear head)`, {
      severity: 'warning',
      span: getSpan(heads[0].source) ?? getSpan(spec.source), // the bilinear head (for transformer / layer: their call)
      hint: "golden data for this model must come from tinybig with the keyword renamed to mask_zeros (the oracle's fix_mask_zero_keyword)",
    }),
  ];
}

/**
 * The frozen A of a `requireData: false` interdependence (tinybig keeps the matrix of the first batch it ever saw,
 * in no state_dict): a side-car tensor `…_interdependence.A`; a missing one is RPN3106 at the function.
 */
export function frozenA(s: InterdependenceSpec, ws: WeightSource): { k: number; data: Float32Array } {
  const key = s.data!.frozenKey!;
  const k = s.axis === 'instance' ? s.b! : s.m;
  if (!ws.has(key)) {
    fail('RPN3106', `${s.type} with requireData: false needs its frozen matrix '${key}' [${k},${k}], missing from ${(ws as { source?: string }).source ?? 'the weights'}: tinybig computes A from the first batch it ever sees and keeps it outside the state_dict, so the checkpoint alone does not determine the model`, {
      span: getSpan(s.source),
      hint: `export it from the live tinybig model after its first forward (the oracle's extras.safetensors names it '${key}') and pass that file as another --weights`,
    });
  }
  return { k, data: ws.get(key, [k, k], { requiredBy: `${s.type} (requireData: false)` }) };
}
