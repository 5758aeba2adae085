/**
 * fast-check arbitraries of VALID rpnc models (fuzz/describe.ts describes the AST): random layers and
 * heads (expansions — nested / extended sometimes —, reconciliations, remainders, channel numbers,
 * processing functions, channel and head fusions, attribute interdependences), tinybig's built-in
 * layers and models, grid heads with random grid shapes, patch shapes, packings and strides, and chain / graph
 * models on random chains and graphs.
 *
 * Every choice is made so that the model is valid by construction (widths chain, p | n, q | D, …) and
 * numerically tame, so that float32 tolerances mean something:
 *   - dimensions are small (m, n ≤ 12, grids ≤ 8×8×3, channels ≤ 3, D ≤ ~200);
 *   - the model input is in [-1, 1); between layers the values stay bounded: a non-final `layer` ends
 *     every head with a squashing function (tanh, sigmoid, softmax) and fuses with a bound-preserving
 *     fusion (or one with a tanh post-processing);
 *   - expansions that are explosive or ill-conditioned off the unit interval (tan, sinh/cosh, the
 *     orthogonal polynomials of high degree, 1/x, the wavelets) are drawn only where their input is in
 *     [-1, 1]; 1/x, Meyer and Shannon get a sigmoid pre-processing that keeps them off their poles
 *     (Meyer's removable 0/0 at |τ| = 3/4 is ill-conditioned in float32) and t = 1;
 *   - LayerNorm and BatchNorm1d (batch statistics: seeded weights have no running statistics) come
 *     first in their list (never right after a squashing function, whose output can be nearly
 *     constant) with eps ∈ {0.01, 0.1}: they divide by √(var + eps), so on nearly constant features
 *     float32 rounding of the input (≈ 1e-7·|x|) is amplified by up to 1/√eps (316 for the default
 *     1e-5) — noise, not a bug; the default eps is covered by the golden and unit tests. For the same
 *     reason the grid layers' own BatchNorm (eps 1e-5) is off, and no norm is drawn where all features
 *     are equal by construction (after a constant / one / zero ψ, in fusion pre-processing).
 */
import fc from 'fast-check';
import { type Call, type FuzzCase, type Value, call } from './describe.js';

type Arb<T> = fc.Arbitrary<T>;
const int = (min: number, max: number): Arb<number> => fc.integer({ min, max });
const pick = <T>(...xs: T[]): Arb<T> => fc.constantFrom(...xs);
/** `a` or undefined (the option left out), undefined with weight `nil` against 1. */
const maybe = <T>(a: Arb<T>, nil = 1): Arb<T | undefined> => fc.oneof({ weight: nil, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

export function divisors(k: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= k; d++) if (k % d === 0) out.push(d);
  return out;
}
const sumPowers = (w: number, d: number): number => Array.from({ length: d }, (_, k) => w ** (k + 1)).reduce((a, b) => a + b, 0);
const binom = (n: number, r: number): number => (r > n ? 0 : r === 0 ? 1 : (binom(n - 1, r - 1) * n) / r);

/** An expansion drawn for input width m: its call and its output width D. */
export interface Exp {
  call: Call;
  D: number;
}
/**
 * Where an expansion's input lives: 'input' = the model input, uniform in (-1, 1); 'unit' = [-1, 1]
 * after squashing functions, which saturate to exactly ±1 in float32 (tanh(9) = 1) but not in float64;
 * 'moderate' = bounded by a few tens. Discontinuous expansions (B-splines of degree 0, Haar, the beta
 * wavelet's sigmoid switch at τ ∉ [0, 1]) jump at ±1: they are drawn only on 'input'.
 */
export type Range = 'input' | 'unit' | 'moderate';
export const MAX_D = 200;

// ---- processing functions ------------------------------------------------------------------------

/** Element-wise functions that keep values in a moderate range. */
function elementwise(): Arb<Call> {
  return fc.oneof(
    pick(call('relu'), call('sigmoid'), call('tanh'), call('silu'), call('identity')),
    fc.record({ negativeSlope: pick(0.01, 0.2) }).map((o) => call('leakyRelu', o)),
    pick('none', 'tanh').map((a) => call('gelu', a === 'none' ? {} : { approximate: a })),
    pick(0.5, 1, 2).map((alpha) => call('elu', { alpha })),
    pick(0.5, 1.5).map((alpha) => call('celu', { alpha })),
    fc.record({ beta: pick(1, 2), threshold: pick(20, 2) }).map((o) => call('softplus', o)),
    pick(0.1, 0.5).map((p) => call('dropout', { p })),
  );
}
/** Functions that end in a bounded range (used before a layer boundary). */
const squash = (): Arb<Call> => pick(call('tanh'), call('sigmoid'), call('softmax'), call('softmax', { dim: -1 }));

const NORMS = new Set(['layerNorm', 'batchNorm1d']);
/** Reconciliations whose W has identical rows (every output feature, every channel equal). */
const EQUAL_ROWS = new Set(['constantReconciliation', 'oneReconciliation', 'zeroReconciliation']);
/** A processing list for `width` features (0–2 functions); `final` allows exp and log-softmax. */
function processing(width: number, opts: { final?: boolean; max?: number; norms?: boolean } = {}): Arb<Call[]> {
  const item = fc.oneof(
    { weight: 6, arbitrary: elementwise() },
    { weight: 1, arbitrary: squash() },
    {
      weight: opts.norms === false ? 0 : 1,
      arbitrary: fc.record({ affine: fc.boolean(), eps: pick(0.01, 0.1) }).map(({ affine, eps }) => call('layerNorm', { normalizedShape: width, eps, elementwiseAffine: affine ? undefined : false })),
    },
    { weight: opts.norms === false ? 0 : 1, arbitrary: pick(0.01, 0.1).map((eps) => call('batchNorm1d', { numFeatures: width, eps })) },
    { weight: opts.final ? 1 : 0, arbitrary: pick(call('exp'), call('logSoftmax')) },
  );
  // LayerNorm / BatchNorm only first: after a squashing function their input can be nearly constant (see above)
  // exp only on squashed values (else float32 overflows where float64 does not)
  const tamed = (l: Call[]): Call[] => l.flatMap((f, i) => (f.fn === 'exp' && !(i > 0 && ['tanh', 'sigmoid', 'softmax'].includes(l[i - 1].fn)) ? [call('tanh'), f] : [f]));
  return fc.array(item, { minLength: 0, maxLength: opts.max ?? 2 }).map((l) => tamed(l.filter((f, i) => !NORMS.has(f.fn) || i === 0)));
}
/** A processing slot value: a single function or a list. */
const slot = (fs: Call[]): Value | undefined => (fs.length === 0 ? undefined : fs.length === 1 ? fs[0] : fs);

// ---- expansions ------------------------------------------------------------------------------------

function expansionCandidates(m: number, range: Range, depth: number): Arb<Exp>[] {
  const unit = range !== 'moderate';
  const E = (fn: string, D: number, opts?: Record<string, Value | undefined>): Exp => ({ call: call(fn, opts), D });
  const out: Arb<Exp>[] = [];
  out.push(fc.constant(E('identityExpansion', m)));
  out.push(maybe(pick(0.5, 2, -1.5)).map((c) => E('linearExpansion', m, { c })));
  const maxTaylor = [3, 2, 1].find((d) => sumPowers(m, d) <= MAX_D && (unit || d <= 2)) ?? 0;
  if (maxTaylor) out.push(int(1, maxTaylor).map((d) => E('taylorExpansion', sumPowers(m, d), { d })));
  if (2 * m <= MAX_D) out.push(fc.record({ P: pick(2, 5, 10), N: int(1, Math.min(3, Math.floor(MAX_D / (2 * m)))) }).map((o) => E('fourierExpansion', 2 * m * o.N, o)));
  if (3 * m <= MAX_D) {
    out.push(pick('arcHyperbolicExpansion', 'arcTrigonometricExpansion').map((fn) => E(fn, 3 * m)));
    if (unit) out.push(pick('hyperbolicExpansion', 'trigonometricExpansion').map((fn) => E(fn, 3 * m)));
  }
  const maxK = Math.min(5, Math.floor(MAX_D / m));
  if (maxK >= 2) {
    out.push(
      fc.record({ fn: pick('gaussianRbfExpansion', 'inverseQuadraticRbfExpansion'), numInterval: int(2, maxK), baseRange: pick([-1, 1], [-2, 2]), epsilon: pick(0.5, 1, 2) })
        .map(({ fn, ...o }) => E(fn, m * o.numInterval, o)),
    );
    out.push(fc.record({ t: int(1, 4), d: int(range === 'input' ? 0 : 1, 3), gridRange: pick([-1, 1], [-2, 2]) }).filter((o) => m * (o.t + o.d) <= MAX_D && o.t + o.d > 0).map((o) => E('bsplineExpansion', m * (o.t + o.d), o)));
    const maxD = Math.min(unit ? 4 : 2, maxK);
    out.push(
      fc.record({ fn: pick('chebyshevExpansion', 'hermiteExpansion', 'legendreExpansion', 'besselExpansion', 'reverseBesselExpansion', 'fibonacciExpansion', 'lucasExpansion'), d: int(1, maxD) })
        .map(({ fn, d }) => E(fn, m * d, { d })),
    );
    out.push(fc.record({ d: int(1, maxD), alpha: pick(0.5, 1, 2) }).map((o) => E('laguerreExpansion', m * o.d, o)));
    out.push(fc.record({ d: int(1, maxD), alpha: pick(0.5, 1, 2) }).map((o) => E('gegenbauerExpansion', m * o.d, o)));
    out.push(fc.record({ d: int(1, maxD), alpha: pick(0.5, 1, 2), beta: pick(0.5, 1, 2) }).map((o) => E('jacobiExpansion', m * o.d, o)));
  }
  if (6 * m <= MAX_D) out.push(pick('normalExpansion', 'cauchyExpansion', 'gammaExpansion', 'laplaceExpansion', 'exponentialExpansion', 'hybridProbabilisticExpansion').map((fn) => E(fn, 6 * m)));
  out.push(fc.constant(E('chi2Expansion', 2 * m)));
  out.push(pick('naiveNormalExpansion', 'naiveCauchyExpansion', 'naiveChi2Expansion', 'naiveGammaExpansion', 'naiveLaplaceExpansion', 'naiveExponentialExpansion').map((fn) => E(fn, m)));
  const maxComb = [3, 2, 1].find((d) => Array.from({ length: d }, (_, r) => binom(m, r + 1)).reduce((a, b) => a + b, 0) <= MAX_D && d <= m) ?? 1;
  out.push(
    int(1, maxComb).map((d) => E('combinatorialNormalExpansion', Array.from({ length: d }, (_, r) => binom(m, r + 1)).reduce((a, b) => a + b, 0), { d })),
  );
  if (unit) {
    out.push(fc.constant(E('reciprocalExpansion', m, { preprocessFunctions: call('sigmoid') })));
    const wav = fc.record({ s: int(1, 2), t: int(1, 2), d: int(1, 2), a: pick(1, 2), b: pick(0.5, 1) }).filter((o) => sumPowers(m * o.s * o.t, o.d) <= MAX_D);
    const D = (o: { s: number; t: number; d: number }) => sumPowers(m * o.s * o.t, o.d);
    const opts = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !(['d', 's', 't', 'a', 'b'].includes(k) && v === 1)));
    if (range === 'input') {
      out.push(fc.tuple(wav, pick('harrWaveletExpansion')).map(([o, fn]) => E(fn, D(o), opts(o))));
      out.push(fc.tuple(wav, pick(1, 2, 3), pick(1, 2)).map(([o, alpha, beta]) => E('betaWaveletExpansion', D(o), { ...opts(o), alpha, beta })));
    }
    out.push(fc.tuple(wav, pick(0.5, 1, 2)).map(([o, sigma]) => E('rickerWaveletExpansion', D(o), { ...opts(o), sigma })));
    out.push(fc.tuple(wav, pick(0.5, 1), pick(2, 3)).map(([o, sigma1, sigma2]) => E('dogWaveletExpansion', D(o), { ...opts(o), sigma1, sigma2 })));
    // Meyer (removable 0/0 at |τ| = 3/4) and Shannon: τ = σ(x)/a^s ∈ (0.26, 0.74), t = 1.
    out.push(
      fc.tuple(wav.map((o) => ({ ...o, t: 1 })).filter((o) => sumPowers(m * o.s, o.d) <= MAX_D), pick('meyerWaveletExpansion', 'shannonWaveletExpansion'))
        .map(([o, fn]) => E(fn, D(o), { ...opts(o), preprocessFunctions: call('sigmoid') })),
    );
  }
  out.push(...compressionCandidates(m, range, depth));
  if (depth === 0 && m <= 12) {
    // nested: f2(f1(x)); f1's output is moderate, f2 sees it as such.
    out.push(
      expansion(m, range, 1).chain((f1) =>
        f1.D > 40 ? fc.constant(f1) : expansion(f1.D, 'moderate', 1).map((f2) => ({ call: call('nestedExpansion', { compositionFunctions: [f1.call, f2.call] }), D: f2.D })),
      ),
    );
    out.push(
      fc.array(expansion(m, range, 1), { minLength: 1, maxLength: 3 })
        .filter((fs) => fs.reduce((a, f) => a + f.D, 0) <= MAX_D)
        .map((fs) => ({ call: call('extendedExpansion', { compositionFunctions: fs.map((f) => f.call) }), D: fs.reduce((a, f) => a + f.D, 0) })),
    );
  }
  return out;
}

/** A 2-D cuboid patch on an h×w grid (one universe) and its sizes: S cells per patch, P patches (issue 14's geometric classes). */
function flatPatch(m: number): Arb<{ opts: Record<string, Value | undefined>; patch: Call; S: number; P: number; N: number }> {
  return fc.record({ h: pick(...divisors(m)), pH: int(0, 1), pW: int(0, 1), packing: pick('densest_packing', 'complete_square', 'sparse_square') }).map(({ h, pH, pW, packing }) => {
    const w = m / h;
    const [oh, ow] = outGrid({ h, w, d: 1, C: 1 }, { pH, pW, packingStrategy: packing });
    return { opts: { h, w, d: 1, packingStrategy: packing }, patch: call('cuboid', { pH, pW }), S: (2 * pH + 1) * (2 * pW + 1), P: oh * ow, N: m };
  });
}

/** Compressions (tinybig.compression) and standalone geometric expansions for width m (issue 14). */
function compressionCandidates(m: number, range: Range, depth: number): Arb<Exp>[] {
  const unit = range !== 'moderate';
  const E = (fn: string, D: number, opts?: Record<string, Value | undefined>): Exp => ({ call: call(fn, opts), D });
  const out: Arb<Exp>[] = [
    fc.constant(E('identityCompression', m)),
    pick(0.5, -1.5).map((c) => E('linearCompression', m, { c })),
    pick('maxCompression', 'minCompression', 'sumCompression', 'meanCompression', 'medianCompression').map((fn) => E(fn, 1)),
    pick('batch_max', 'batch_l1_norm', 'batch_l2_norm', 'batch_median', ...(m > 1 ? ['batch_std', 'batch_variance'] : [])).map((metric) => E('metricCompression', 1, { metric })),
    // deterministic corner of the sampling compressions: k = m
    pick('naiveNormalProbabilisticCompression', 'naiveLaplaceProbabilisticCompression', 'naiveCauchyProbabilisticCompression', 'naiveExponentialProbabilisticCompression')
      .map((fn) => E(fn, m, { k: m, simplySampling: false, logProb: true })),
  ];
  if (unit) out.push(fc.constant(E('prodCompression', 1)), fc.constant(E('reciprocalCompression', m, { preprocessFunctions: call('sigmoid') })));
  out.push(
    fc.tuple(flatPatch(m), fc.boolean(), pick('batch_max', 'batch_min', 'batch_mean', 'batch_sum'))
      .filter(([g, expand]) => (expand ? g.P * g.S : g.P) <= MAX_D)
      .map(([g, expand, metric]) => (expand ? E('geometricExpansion', g.P * g.S, { ...g.opts, patch: g.patch }) : E('geometricCompression', g.P, { ...g.opts, patch: g.patch, metric }))),
  );
  if (depth === 0 && m <= 12) {
    out.push(
      fc.array(expansion(m, range, 1), { minLength: 1, maxLength: 3 })
        .filter((fs) => fs.reduce((a, f) => a + f.D, 0) <= MAX_D)
        .map((fs) => ({ call: call('extendedCompression', { compositionFunctions: fs.map((f) => f.call) }), D: fs.reduce((a, f) => a + f.D, 0) })),
    );
  }
  return out;
}

/** An expansion for input width m (pre/post-processing sometimes). */
export function expansion(m: number, range: Range, depth = 0): Arb<Exp> {
  const base = fc.oneof(...expansionCandidates(m, range, depth));
  if (depth > 0) return base;
  return fc.tuple(base, fc.integer({ min: 0, max: 9 })).chain(([e, r]) => {
    if (r > 1 || e.call.opts?.preprocessFunctions || e.call.fn.endsWith('edExpansion')) return fc.constant(e);
    // sometimes: a bounded pre-processing or a post-processing over the D features
    const extra = r === 0
      ? pick(call('tanh'), call('relu'), call('sigmoid')).map((p) => ({ preprocessFunctions: p as Value }))
      : processing(e.D, { max: 1 }).filter((l) => l.length > 0).map((l) => ({ postprocessFunctions: slot(l)! }));
    return extra.map((o) => ({ ...e, call: { fn: e.call.fn, opts: { ...(e.call.opts ?? {}), ...o } } }));
  });
}

// ---- reconciliations, remainders, interdependences, fusions --------------------------------------

/** A reconciliation fabricating W ∈ R^{n×D} (all of tinybig's, with p | n, q | D where needed). */
export function reconciliation(n: number, D: number): Arb<Call> {
  const bias = fc.boolean().map((b) => (b ? true : undefined));
  const dn = divisors(n);
  const dD = divisors(D);
  const hmFamily = (fn: string, withR: boolean) =>
    fc.record({ p: maybe(pick(...dn)), q: maybe(pick(...dD)), r: withR ? maybe(int(1, 3)) : fc.constant(undefined), enableBias: bias }).map((o) => call(fn, o));
  const cands: Arb<Call>[] = [
    bias.map((enableBias) => call('identityReconciliation', { enableBias })),
    fc.record({ r: maybe(int(1, 3)), enableBias: bias }).map((o) => call('lorrReconciliation', o)),
    maybe(pick(0.5, -1, 2)).map((c) => call('constantReconciliation', { c })),
    pick(call('zeroReconciliation'), call('oneReconciliation'), call('constantEyeReconciliation')),
    fc.record({ p: pick(...dn), q: maybe(pick(...dD)), enableBias: bias }).filter((o) => D % (o.q ?? o.p) === 0).map((o) => call('duplicatedPaddingReconciliation', o)),
    hmFamily('hmReconciliation', false),
    hmFamily('lphmReconciliation', true),
    hmFamily('dualLphmReconciliation', true),
    fc.record({ p: maybe(pick(0.3, 0.8)), enableBias: bias }).map((o) => call('maskingReconciliation', o)),
    fc.record({ r: maybe(int(1, 3)), enableBias: bias }).map((o) => call('randomMatrixAdaptionReconciliation', o)),
    fc.record({ r: maybe(int(1, 3)), l: int(2, 8), hiddenDim: int(2, 8), enableBias: bias }).map((o) => call('randomMatrixHypernetReconciliation', o)),
    fc.record({ l: int(2, 8), hiddenDim: int(2, 8), enableBias: bias }).map((o) => call('hypernetReconciliation', o)),
  ];
  if (D % n === 0) cands.push(fc.record({ q: pick(n, undefined), enableBias: bias }).map((o) => call('duplicatedDiagonalPaddingReconciliation', { p: n, ...o })));
  return fc.oneof(...cands);
}

/** A remainder for a head m → n ('none' = omitted, only for m = n). */
export function remainder(m: number, n: number): Arb<Call | 'none'> {
  const act = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: elementwise().map((f) => f as Value) });
  const cands: Arb<Call | 'none'>[] = [
    fc.constant(call('zeroRemainder')),
    fc.record({ enableBias: maybe(fc.constant(true)), activationFunctions: act }).map((o) => call('linearRemainder', o)),
    fc.record({ c: maybe(pick(0.5, -2)), activationFunctions: act }).map((o) => call('constantRemainder', o)),
    act.map((a) => call('oneRemainder', { activationFunctions: a })),
  ];
  if (m === n) {
    cands.push(fc.constant('none' as const));
    cands.push(act.map((a) => call('identityRemainder', { activationFunctions: a })));
    cands.push(act.map((a) => call('linearRemainder', { requireParameters: false, activationFunctions: a })));
  }
  return fc.oneof(...cands);
}

/** A data-independent attribute interdependence on width m: its call and m'. */
export function interdependence(m: number): Arb<{ call: Call; mPrime: number }> {
  const mp = int(1, 8);
  const I = (fn: string, mPrime: number, opts?: Record<string, Value | undefined>) => ({ call: call(fn, opts), mPrime });
  return fc.oneof(
    mp.map((mPrime) => I('parameterizedInterdependence', mPrime, { mPrime })),
    fc.record({ mPrime: mp, r: maybe(int(1, 3)) }).map((o) => I('lowrankParameterizedInterdependence', o.mPrime, o)),
    fc.record({ mPrime: mp, p: pick(...divisors(m)) }).chain((o) =>
      pick(...divisors(o.mPrime)).map((q) => I('hmParameterizedInterdependence', o.mPrime, { mPrime: o.mPrime, p: o.p, q: q === o.p ? undefined : q })).filter((x) => x.mPrime % ((x.call.opts!.q as number | undefined) ?? o.p) === 0),
    ),
    fc.record({ mPrime: mp, p: pick(...divisors(m)), r: int(1, 3), fn: pick('lphmParameterizedInterdependence', 'dualLphmParameterizedInterdependence') }).chain(({ fn, ...o }) =>
      pick(...divisors(o.mPrime)).map((q) => I(fn, o.mPrime, { ...o, q })),
    ),
    int(1, 6).chain((mPrime) =>
      fc.array(fc.array(int(-4, 4).map((v) => v / 4), { minLength: mPrime, maxLength: mPrime }), { minLength: m, maxLength: m }).map((A) => I('constantInterdependence', mPrime, { A })),
    ),
    fc.record({ mPrime: mp, c: maybe(pick(0.5, -0.25)) }).map((o) => I('constantCInterdependence', o.mPrime, o)),
    fc.record({ mPrime: mp, fn: pick('zeroInterdependence', 'oneInterdependence', 'identityInterdependence', 'eyeInterdependence') }).map(({ fn, mPrime }) => I(fn, mPrime, { mPrime })),
    fc.constant(I('identityInterdependence', m)),
    // geometric interdependence on an h×w grid: padding (m' = P·S) or aggregation (densest, m' = m), normalised or not
    fc.tuple(flatPatch(m), pick('padding', 'aggregation'), maybe(pick('row', 'column', 'row_column')))
      .filter(([g, mode]) => (mode === 'padding' ? g.P * g.S <= 60 : g.P === g.N))
      .map(([g, mode, norm]) => I('geometricInterdependence', mode === 'padding' ? g.P * g.S : m, {
        ...g.opts, patch: g.patch, interdependenceMatrixMode: mode === 'padding' ? undefined : mode, normalization: norm ? true : undefined, normalizationMode: norm,
      })),
  );
}

const METRIC_FUSIONS = ['meanFusion', 'sumFusion', 'maxFusion', 'minFusion', 'prodFusion', 'medianFusion', 'summationFusion', 'averageFusion'];
/** Fusions whose output stays within the range of their inputs. */
const BOUNDED_FUSIONS = new Set(['meanFusion', 'maxFusion', 'minFusion', 'medianFusion', 'averageFusion']);

/**
 * A fusion of `dims` inputs to `nOut` features. Metric fusions need equal widths = nOut; the
 * parameterized concatenations map Σdims → nOut; plain concatenation gives Σdims.
 * `bounded`: the output must stay bounded when the inputs are (else a tanh post-processing is added).
 */
export function fusion(dims: number[], nOut: number, bounded: boolean): Arb<Call> {
  const sum = dims.reduce((a, b) => a + b, 0);
  const equal = dims.every((d) => d === nOut);
  const explicitDims = fc.boolean().map((b) => (b ? (dims.length === 1 ? dims[0] : dims) : undefined));
  const cands: Arb<Call>[] = [];
  if (equal) {
    cands.push(fc.record({ fn: pick(...METRIC_FUSIONS), dims: explicitDims }).map(({ fn, dims }) => call(fn, { dims })));
    cands.push(fc.array(pick(0.5, 1, -1, 2), { minLength: dims.length, maxLength: dims.length }).map((weights) => call('weightedSummationFusion', { weights })));
    if (dims.length === 1) cands.push(fc.constant(call('parameterizedWeightedSummationFusion'))); // tinybig runs it with one input only
  }
  if (sum === nOut) cands.push(fc.constant(call('concatenationFusion')));
  const n = nOut === dims[0] ? maybe(fc.constant(nOut)) : fc.constant(nOut);
  const dn = divisors(nOut);
  const dS = divisors(sum);
  cands.push(
    fc.record({ n }).map((o) => call('parameterizedConcatenationFusion', o)),
    fc.record({ n, r: maybe(int(1, 3)) }).map((o) => call('lowrankParameterizedConcatenationFusion', o)),
    fc.record({ n, r: maybe(int(1, 3)) }).map((o) => call('randomMatrixAdaptionParameterizedConcatenationFusion', o)),
    // hm family: p | n, q (default p) | Σdims
    fc.record({ n, p: pick(...dn), q: pick(...dS), fn: pick('hmParameterizedConcatenationFusion', 'lphmParameterizedConcatenationFusion', 'dualLphmParameterizedConcatenationFusion'), r: int(1, 3) })
      .map(({ fn, r, ...o }) => call(fn, { ...o, q: o.q === o.p ? undefined : o.q, r: fn.startsWith('hm') ? undefined : r })),
  );
  return fc.tuple(fc.oneof(...cands), processing(dims[0], { max: 1, norms: false }), int(0, 4)).map(([f, pre, r]) => {
    const opts = { ...(f.opts ?? {}) };
    if (r === 0 && pre.length && equal) opts.preprocessFunctions = slot(pre)!;
    if (bounded && !BOUNDED_FUSIONS.has(f.fn) && f.fn !== 'concatenationFusion') opts.postprocessFunctions = call('tanh');
    else if (r === 1) opts.postprocessFunctions = call('relu');
    return { fn: f.fn, opts };
  });
}

// ---- heads and layers ------------------------------------------------------------------------------

export interface HeadCtx {
  /** Input range of the head. */
  range: Range;
  /** The head's output must be bounded (the layer is not the last). */
  bounded: boolean;
  /** The layer is the model's last (exp / log-softmax allowed). */
  final: boolean;
  /** Write m and n on the head (inside a layer they may be omitted). */
  explicit: boolean;
}

/** A generic `head` m → n. */
export function headArb(m: number, n: number, ctx: HeadCtx): Arb<Call> {
  const attr = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: interdependence(m) });
  return fc.record({ attr, channelNum: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: int(2, 3) }) }).chain(({ attr, channelNum }) => {
    const mk = attr ? attr.mPrime : m;
    // after an interdependence the values are linear mixes of the input: moderate
    const range: Range = attr && ctx.range !== 'moderate' && !['identityInterdependence', 'eyeInterdependence', 'zeroInterdependence'].includes(attr.call.fn) ? 'moderate' : ctx.range;
    return expansion(mk, range).chain((exp) =>
      fc.record({
        rec: exp.D === n ? fc.oneof({ weight: 4, arbitrary: reconciliation(n, exp.D) }, { weight: 1, arbitrary: fc.constant(undefined) }) : reconciliation(n, exp.D),
        rem: remainder(m, n),
        cf: channelNum > 1 ? fc.oneof(fc.constant(undefined), fusion(Array(channelNum).fill(n), n, false)) : fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fusion([n], n, false) }),
        inp: fc.oneof({ weight: 4, arbitrary: fc.constant([] as Call[]) }, { weight: 1, arbitrary: fc.array(pick(call('relu'), call('tanh'), call('sigmoid'), call('silu'), call('identity')), { minLength: 1, maxLength: 1 }) }),
        out: processing(n, { final: ctx.final }),
        end: squash(),
      }).map(({ rec, rem, cf, inp, out, end }) => {
        // no norm over features that are all equal (W with identical rows, e.g. constant ψ): see NORMS
        const equalRows = rec && EQUAL_ROWS.has(rec.fn);
        const outs = ctx.bounded ? [...out.filter((f) => !NORMS.has(f.fn)), end] : equalRows ? out.filter((f) => !NORMS.has(f.fn)) : out;
        return call('head', {
          m: ctx.explicit ? m : undefined,
          n: ctx.explicit ? n : undefined,
          channelNum: channelNum > 1 ? channelNum : undefined,
          attributeInterdependence: attr?.call,
          inputProcessFunctions: slot(inp),
          dataTransformation: exp.call,
          parameterFabrication: rec,
          remainder: rem === 'none' ? undefined : rem,
          channelFusion: cf,
          outputProcessFunctions: slot(outs),
        });
      }),
    );
  });
}

/** A layer: its call, output width and whether its output is bounded. */
export interface LayerDesc {
  call: Call;
  n: number;
  bounded: boolean;
}

/** A generic `layer` m → n with 1–3 heads. */
function rpnLayer(m: number, range: Range, final: boolean): Arb<LayerDesc> {
  const bounded = !final;
  return fc.record({ n: int(1, 12), width: fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: int(2, 3) }), kind: int(0, 5), explicit: fc.boolean() }).chain(({ n, width, kind, explicit }) => {
    // kind 0: parameterized concatenation of heads of their own widths; 1: concatenation (widths sum to n); else equal widths.
    const widthsArb: Arb<number[]> =
      width > 1 && kind === 0 ? fc.array(int(1, 8), { minLength: width, maxLength: width })
      : width > 1 && kind === 1 && n >= width ? fc.constant(Array.from({ length: width }, (_, j) => Math.floor(n / width) + (j < n % width ? 1 : 0)))
      : fc.constant(Array(width).fill(n));
    return widthsArb.chain((ws) => {
      const heads = fc.tuple(...ws.map((w) => headArb(m, w, { range, bounded, final, explicit: explicit || w !== n })));
      const fusionArb: Arb<Call | undefined> =
        width === 1 ? fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fusion(ws, n, bounded) })
        : kind === 1 && ws.reduce((a, b) => a + b, 0) === n && ws.some((w) => w !== n) ? fc.constant(call('concatenationFusion'))
        : ws.every((w) => w === n) ? fc.oneof(fc.constant(undefined), fusion(ws, n, bounded))
        : fusion(ws, n, bounded).filter((f) => f.fn.endsWith('ConcatenationFusion') && f.fn !== 'concatenationFusion');
      return fc.record({ heads, headFusion: fusionArb, withWidth: fc.boolean() }).map(({ heads, headFusion, withWidth }) => ({
        call: call('layer', { m, n, width: withWidth && width > 1 ? width : undefined, heads, headFusion }),
        n,
        bounded,
      }));
    });
  });
}

/** tinybig's built-in layers (perceptron, kan, svm, naive Bayes, pgm). */
function builtinLayer(m: number, range: Range, final: boolean): Arb<LayerDesc> {
  const common = { channelNum: maybe(int(2, 3), 3), width: maybe(int(2, 3), 3), enableBias: maybe(fc.boolean()), withLorr: maybe(fc.boolean()), r: maybe(int(1, 3)) };
  const n = int(1, 12);
  const cands: Arb<LayerDesc>[] = [
    fc.record({
      n, ...common,
      withTaylor: maybe(fc.constant(m <= 8 && range !== 'moderate')), d: maybe(int(1, 2)),
      withBspline: maybe(fc.boolean()), withDualLphm: maybe(fc.boolean()), withResidual: maybe(fc.boolean()),
      withRelu: maybe(fc.boolean()), withDropout: maybe(fc.boolean()), withSoftmax: final ? maybe(fc.boolean()) : fc.constant(undefined),
    }).map((o) => ({ call: call('perceptronLayer', { m, ...o }), n: o.n, bounded: o.withSoftmax !== false })),
  ];
  if (final || range !== 'moderate') {
    cands.push(
      fc.record({ n, ...common, gridRange: maybe(pick([-2, 2])), t: maybe(int(1, 4)), d: maybe(int(range === 'input' ? 0 : 1, 3)) }).map((o) => ({ call: call('kanLayer', { m, ...o }), n: o.n, bounded: false })),
      // kanHead as a head of a generic layer (next to a plain identity head, mean fusion)
      fc.record({ n, enableBias: maybe(fc.boolean()), withLorr: maybe(fc.boolean()), t: maybe(int(1, 4)), d: maybe(int(range === 'input' ? 0 : 1, 3)), withSoftmax: maybe(fc.boolean()) }).map((o) => ({
        call: call('layer', { m, n: o.n, heads: [call('kanHead', { m, ...o }), call('head', { m, n: o.n, dataTransformation: call('identityExpansion'), parameterFabrication: call('identityReconciliation'), remainder: call('zeroRemainder') })] }),
        n: o.n,
        bounded: false,
      })),
      fc.record({ n, ...common, kernel: maybe(pick('gaussian_rbf', 'inverse_quadratic_rbf')), numInterval: maybe(int(2, 4)), withResidual: maybe(fc.boolean()) })
        .map((o) => ({ call: call('svmLayer', { m, ...o }), n: o.n, bounded: false })),
    );
  }
  if (final) {
    cands.push(
      fc.record({ n, ...common, distribution: maybe(pick('cauchy', 'chi2', 'gamma', 'laplace', 'exponential')), withResidual: maybe(fc.boolean()) })
        .map((o) => ({ call: call('naiveBayesLayer', { m, ...o }), n: o.n, bounded: false })),
      fc.record({ n, ...common, d: maybe(int(1, Math.min(2, m))) }).map((o) => ({ call: call('pgmLayer', { m, ...o }), n: o.n, bounded: false })),
    );
  }
  return fc.oneof(...cands);
}

export function layerArb(m: number, range: Range, final: boolean): Arb<LayerDesc> {
  return fc.oneof({ weight: 3, arbitrary: rpnLayer(m, range, final) }, { weight: 1, arbitrary: builtinLayer(m, range, final) });
}

/** k dense layers starting at width m. */
function denseLayers(m: number, range: Range, k: number): Arb<LayerDesc[]> {
  return layerArb(m, range, k === 1).chain((l) =>
    k === 1 ? fc.constant([l]) : denseLayers(l.n, l.bounded ? 'unit' : 'moderate', k - 1).map((rest) => [l, ...rest]),
  );
}

// ---- grid layers -------------------------------------------------------------------------------------

interface Grid {
  h: number;
  w: number;
  d: number;
  C: number;
}

const CYLINDER_PACKINGS = ['sparse_square', 'complete_square', 'sparse_hexagonal', 'complete_hexagonal', 'dense_hexagonal', 'denser_hexagonal', 'densest_packing'];
const SPHERE_PACKINGS = ['sparse_simple_cubic', 'complete_simple_cubic', 'dense_simple_cubic', 'sparse_face_centered_cubic', 'complete_face_centered_cubic', 'dense_face_centered_cubic', 'sparse_hexagonal', 'complete_hexagonal', 'dense_hexagonal', 'densest_packing'];
const CUBOID_PACKINGS = ['sparse_square', 'complete_square', 'dense_square', 'densest_packing'];

/** Patch options (shape, sizes, packing or explicit strides) and their (tinybig) geometry. */
function patchArb(g: Grid): Arb<Record<string, Value | undefined>> {
  const pd = g.d > 1 ? int(0, 1) : fc.constant(0);
  const cd = fc.record({ cdH: int(1, 3), cdW: int(1, 3), cdD: int(1, 2) });
  const packing = (list: string[]) => fc.oneof({ weight: 3, arbitrary: fc.record({ packingStrategy: maybe(pick(...list)) }) }, { weight: 1, arbitrary: cd });
  return fc.oneof(
    fc.record({ patchShape: maybe(fc.constant('cuboid')), pH: int(0, 2), pHPrime: maybe(int(0, 2)), pW: maybe(int(0, 2)), pWPrime: maybe(int(0, 2)), pD: pd, pDPrime: maybe(pd) })
      .chain((o) => packing(CUBOID_PACKINGS).map((p) => ({ ...o, pD: o.pD || undefined, ...p }))),
    fc.record({ patchShape: fc.constant('cylinder'), pR: int(1, 2), pD: pd }).chain((o) => packing(CYLINDER_PACKINGS).map((p) => ({ ...o, pD: o.pD || undefined, ...p }))),
    fc.record({ patchShape: fc.constant('sphere'), pR: int(1, 2) }).chain((o) => packing(SPHERE_PACKINGS).map((p) => ({ ...o, ...p }))),
  );
}

/** Output grid of a patch configuration (tinybig: ⌈size / centre distance⌉ per axis). */
export function outGrid(g: Grid, o: Record<string, Value | undefined>): [number, number, number] {
  const num = (k: string) => o[k] as number | undefined;
  const shape = (o.patchShape as string | undefined) ?? 'cuboid';
  let cd: number[];
  if (num('cdH') !== undefined && num('cdW') !== undefined && num('cdD') !== undefined) cd = [num('cdH')!, num('cdW')!, num('cdD')!];
  else {
    const s = o.packingStrategy as string | undefined;
    const s2 = Math.sqrt(2), s3 = Math.sqrt(3), s6 = Math.sqrt(6);
    let v = [1, 1, 1];
    if (shape === 'cuboid') {
      const pH = num('pH') ?? 0, pW = num('pW') ?? pH, pD = num('pD') ?? 0;
      v = s === 'sparse_square' ? [3 * pH, 3 * pW, 3 * pD] : s === 'complete_square' ? [2 * pH, 2 * pW, 2 * pD] : s === 'dense_square' ? [pH, pW, pD] : v;
    } else if (shape === 'cylinder') {
      const r = num('pR')!, pD = num('pD') ?? 0;
      const t: Record<string, number[]> = {
        sparse_square: [2 * r, 2 * r, 2 * pD], complete_square: [s2 * r, s2 * r, 2 * pD], sparse_hexagonal: [s3 * r, 2 * r, 2 * pD],
        complete_hexagonal: [1.5 * r, s3 * r, 2 * pD], dense_hexagonal: [0.5 * s6 * r, s2 * r, pD], denser_hexagonal: [0.5 * s3 * r, r, pD],
      };
      v = (s && t[s]) || v;
    } else {
      const r = num('pR')!;
      const t: Record<string, number[]> = {
        sparse_simple_cubic: [2 * r, 2 * r, 2 * r], complete_simple_cubic: [0.6667 * s3 * r, 0.6667 * s3 * r, 0.6667 * s3 * r], dense_simple_cubic: [r, r, r],
        sparse_face_centered_cubic: [2 * r, s3 * r, 0.6667 * s6 * r], complete_face_centered_cubic: [s2 * r, 0.6667 * s6 * r, 1.3333 * r], dense_face_centered_cubic: [r, r, r],
        sparse_hexagonal: [2 * r, 2 * r, s6 * r], complete_hexagonal: [0.6667 * s3 * r, 0.6667 * s3 * r, r], dense_hexagonal: [r, r, r],
      };
      v = (s && t[s]) || v;
    }
    cd = v.map((x) => Math.max(Math.trunc(x), 1));
  }
  return [Math.ceil(g.h / cd[0]), Math.ceil(g.w / cd[1]), Math.ceil(g.d / cd[2])];
}

const GEOMETRIC = { cuboid: 'cuboid', cylinder: 'cylinder', sphere: 'sphere' } as const;

/** One grid layer on grid g: interdependence (a patch "convolution") or compression (pooling). */
function gridLayer(g: Grid): Arb<{ call: Call; out: Grid }> {
  const size = { h: g.h, w: g.w, d: g.d > 1 ? g.d : undefined };
  const inter = fc.record({
    patch: patchArb(g),
    outChannel: int(1, 3),
    withRelu: maybe(fc.boolean()),
    withResidual: maybe(fc.boolean()),
    rec: int(0, 3),
    r: maybe(int(1, 3)),
    enableBias: maybe(fc.boolean()),
    width: maybe(int(2, 3), 4),
  }).map(({ patch, outChannel, rec, r, ...o }) => {
    const [h, w, d] = outGrid(g, patch);
    return {
      call: call('gridInterdependenceLayer', {
        ...size, inChannel: g.C, outChannel, ...patch, withBatchNorm: false, ...o,
        withLorr: rec === 1 ? true : undefined, withDualLphm: rec === 2 ? true : undefined, r: rec === 1 || rec === 2 ? r : undefined,
      }),
      out: { h, w, d, C: outChannel },
    };
  });
  const comp = fc.record({
    patch: patchArb(g),
    metric: pick('batch_max', 'batch_min', 'batch_sum', 'batch_prod', 'batch_l1_norm', 'batch_l2_norm', 'geometric_max', 'geometric_min', 'geometric_mean', undefined),
    withDropout: maybe(fc.boolean()),
  }).map(({ patch, metric, withDropout }) => {
    const [h, w, d] = outGrid(g, patch);
    const shape = GEOMETRIC[((patch.patchShape as string | undefined) ?? 'cuboid') as keyof typeof GEOMETRIC];
    const geometric = metric?.startsWith('geometric_') ? call(`${shape}${metric.slice(10)[0].toUpperCase()}${metric.slice(11)}BasedGeometricCompression`) : undefined;
    return {
      call: call('gridCompressionLayer', { ...size, channelNum: g.C, ...patch, poolingMetric: geometric ? undefined : metric, dataTransformation: geometric, withDropout }),
      out: { h, w, d, C: g.C },
    };
  });
  return fc.oneof({ weight: 3, arbitrary: inter }, { weight: 2, arbitrary: comp });
}

function gridLayers(g: Grid, k: number): Arb<{ calls: Call[]; out: Grid }> {
  return gridLayer(g).chain((l) =>
    k === 1 ? fc.constant({ calls: [l.call], out: l.out }) : gridLayers(l.out, k - 1).map((rest) => ({ calls: [l.call, ...rest.calls], out: rest.out })),
  );
}

// ---- models --------------------------------------------------------------------------------------

const rows = int(1, 5);
const seed = int(0, 2 ** 31 - 1);

/** rpn({ layers }) of 1–3 dense layers (or a bare layer / head as the default export). */
function denseModel(): Arb<Call> {
  return fc.record({ m: int(1, 12), k: fc.oneof({ weight: 3, arbitrary: int(1, 2) }, { weight: 1, arbitrary: fc.constant(3) }), bare: int(0, 5) }).chain(({ m, k, bare }) =>
    denseLayers(m, 'input', k).map((ls) => {
      if (k === 1 && bare === 0) return ls[0].call;
      const l0 = ls[0].call;
      if (k === 1 && bare === 1 && l0.fn === 'layer' && (l0.opts!.heads as Call[]).length === 1 && !l0.opts!.headFusion) {
        const h = (l0.opts!.heads as Call[])[0];
        return { fn: 'head', opts: { m: l0.opts!.m, n: l0.opts!.n, ...h.opts } };
      }
      return call('rpn', { layers: ls.map((l) => l.call) });
    }),
  );
}

/** A standalone head whose channel fusion may change its width (concatenation of C channels). */
function standaloneConcatHead(): Arb<Call> {
  return fc.record({ m: int(1, 8), n: int(1, 6), C: int(2, 3) }).chain(({ m, n, C }) =>
    fc.tuple(expansion(m, 'input'), processing(C * n, { final: true, max: 1 })).chain(([exp, out]) =>
      reconciliation(n, exp.D).map((rec) =>
        call('head', {
          m, n, channelNum: C, dataTransformation: exp.call, parameterFabrication: rec, remainder: call('zeroRemainder'), channelFusion: call('concatenationFusion'),
          // no norm over features equal by construction (see NORMS)
          outputProcessFunctions: slot(EQUAL_ROWS.has(rec.fn) ? out.filter((f) => !NORMS.has(f.fn)) : out),
        }),
      ),
    ),
  );
}

/** tinybig's built-in heads as the default export (perceptron, svm, naive Bayes, pgm). */
function builtinHead(): Arb<Call> {
  const common = { channelNum: maybe(int(2, 3), 2), enableBias: maybe(fc.boolean()), withLorr: maybe(fc.boolean()), r: maybe(int(1, 3)), withResidual: maybe(fc.boolean()) };
  return fc.record({ m: int(1, 8), n: int(1, 8) }).chain(({ m, n }) =>
    fc.oneof(
      fc.record({ ...common, withTaylor: maybe(fc.boolean()), withBspline: maybe(fc.boolean()), withDualLphm: maybe(fc.boolean()), withRelu: maybe(fc.boolean()), withSoftmax: maybe(fc.boolean()) })
        .map((o) => call('perceptronHead', { m, n, ...o })),
      fc.record({ ...common, kernel: maybe(pick('gaussian_rbf', 'inverse_quadratic_rbf')), numInterval: maybe(int(2, 4)), withSoftmax: maybe(fc.boolean()) }).map((o) => call('svmHead', { m, n, ...o })),
      fc.record({ ...common, distribution: maybe(pick('cauchy', 'chi2', 'gamma', 'laplace', 'exponential')) }).map((o) => call('naiveBayesHead', { m, n, ...o })),
      fc.record({ ...common, d: maybe(int(1, Math.min(2, m))) }).map((o) => call('pgmHead', { m, n, ...o })),
    ),
  );
}

/** 1–2 grid layers on a random grid, then sometimes a dense layer over the flattened map. */
function gridModel(): Arb<Call> {
  return fc.record({ h: int(1, 8), w: int(1, 8), d: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: int(2, 3) }), C: int(1, 3), k: int(1, 2), dense: int(0, 2) }).chain(({ k, dense, ...g }) =>
    gridLayers(g, k).chain(({ calls, out }) => {
      const n = out.C * out.h * out.w * out.d;
      if (calls.length === 1 && dense === 1) {
        // the grid head itself as the default export (a head has no `width`)
        const { width: _w, ...opts } = calls[0].opts!;
        return fc.constant({ fn: calls[0].fn.replace(/Layer$/, 'Head'), opts });
      }
      if (dense !== 0 || n > 200) return fc.constant(calls.length === 1 ? calls[0] : call('rpn', { layers: calls }));
      return layerArb(n, 'moderate', true).map((l) => call('rpn', { layers: [...calls, l.call] }));
    }),
  );
}

/** tinybig's model classes: mlp, kan, svm, naive_bayes, pgm, cnn / resnet. */
function builtinModel(): Arb<Call> {
  const dims = fc.array(int(1, 8), { minLength: 2, maxLength: 3 });
  const common = { channelNum: maybe(int(2, 3), 3), width: maybe(int(2, 3), 3), enableBias: maybe(fc.boolean()), withLorr: maybe(fc.boolean()), r: maybe(int(1, 3)) };
  return fc.oneof(
    fc.record({ dims, ...common, withTaylor: maybe(fc.boolean()), d: maybe(int(1, 2)), withResidual: maybe(fc.boolean()) }).map((o) => call('mlp', o)),
    fc.record({ dims, ...common, t: maybe(int(1, 4)), d: maybe(int(0, 3)) }).map((o) => call('kan', o)),
    fc.record({ dims: fc.array(int(1, 8), { minLength: 2, maxLength: 2 }), ...common, kernel: maybe(pick('gaussian_rbf', 'inverse_quadratic_rbf')), numInterval: maybe(int(2, 4)) }).map((o) => call('svm', o)),
    fc.record({ dims: fc.array(int(1, 8), { minLength: 2, maxLength: 2 }), ...common, distribution: maybe(pick('cauchy', 'laplace', 'gamma')) }).map((o) => call('naiveBayes', o)),
    fc.record({ dims: fc.array(int(1, 6), { minLength: 2, maxLength: 2 }), ...common, d: maybe(int(1, 2)) }).map((o) => call('pgm', o)),
    fc.record({
      fn: pick('cnn', 'resnet'), h: int(2, 6), w: int(2, 6), channelNums: fc.array(int(1, 3), { minLength: 2, maxLength: 3 }), fcDims: fc.array(int(1, 6), { minLength: 1, maxLength: 2 }),
      pH: int(0, 1), poolingPH: maybe(fc.constant(0)), poolingPHPrime: maybe(fc.constant(1)), poolingLayerGaps: maybe(int(1, 2)),
      packingStrategy: maybe(pick('complete_square', 'dense_square')), withRelu: maybe(fc.boolean()), enableBias: maybe(fc.boolean()),
      poolingMetric: maybe(pick('batch_min', 'batch_sum', 'batch_l2_norm')), withSoftmax: maybe(fc.boolean()), withLorr: maybe(fc.boolean()), r: maybe(int(1, 3)),
    }).map(({ fn, ...o }) => call(fn, { ...o, poolingPHPrime: o.poolingPH !== undefined ? o.poolingPHPrime : undefined, withBatchNorm: false })),
  );
}

/**
 * A one-layer model whose head has an instance interdependence (A' ∈ R^{b×b'} mixes the rows of κ(x)):
 * the compiled model runs with exactly b rows, so the case's batch is b (= b', the remainder keeps b rows; b ≥ 2
 * as a BatchNorm may be drawn).
 */
function instanceCase(): Arb<FuzzCase> {
  return fc.record({ b: int(2, 4), m: int(1, 6), n: int(1, 6), seed, inputSeed: seed }).chain(({ b, m, n, ...seeds }) => {
    const it = { b: fc.constant(b), bPrime: fc.constant(b), interdependenceType: pick('instance', 'left', undefined) };
    const inst = fc.oneof(
      fc.record(it).map((o) => call('parameterizedInterdependence', { ...o, interdependenceType: o.interdependenceType ?? 'instance' })),
      fc.record({ ...it, r: maybe(int(1, 2)) }).map((o) => call('lowrankParameterizedInterdependence', { ...o, interdependenceType: o.interdependenceType ?? 'instance' })),
      fc.record({ ...it, fn: pick('identityInterdependence', 'oneInterdependence', 'constantCInterdependence') }).map(({ fn, ...o }) => call(fn, { ...o, interdependenceType: o.interdependenceType ?? 'instance' })),
    );
    return fc.tuple(inst, headArb(m, n, { range: 'input', bounded: false, final: true, explicit: true })).map(([ii, h]) => ({
      model: call('rpn', { layers: [call('layer', { m, n, heads: [{ fn: h.fn, opts: { ...h.opts, instanceInterdependence: ii } }] })] }),
      rows: b,
      ...seeds,
    }));
  });
}

/**
 * Chain and graph models (rpn2-topological): chain heads / layers and rnn on 2–6 steps (any batch), graph heads,
 * graph-bilinear (GAT) heads, gcn and gat on random graphs of 2–7 nodes (the batch is the node count).
 */
export function topologyCase(): Arb<FuzzCase> {
  const chainFlags = {
    biDirectional: maybe(fc.boolean()), withMultihop: maybe(fc.boolean()), h: maybe(int(0, 3)), accumulative: maybe(fc.boolean()),
    withInverseApprox: maybe(fc.boolean(), 3), withExponentialApprox: maybe(fc.boolean(), 3), selfDependence: maybe(fc.boolean()), selfScaling: maybe(pick(0.5, 2)),
    withLorr: maybe(fc.boolean()), withDualLphm: maybe(fc.boolean(), 3), r: maybe(int(1, 2)), enableBias: maybe(fc.boolean()), withResidual: maybe(fc.boolean()),
    withRelu: maybe(fc.boolean()), withSoftmax: maybe(fc.boolean()),
  };
  const chain = fc.record({ L: int(2, 6), m: int(1, 5), n: int(1, 5), kind: int(0, 2), rnnKind: pick('rnn', 'regressionRnn'), width: maybe(int(2, 3), 3), dims: fc.array(int(1, 5), { minLength: 2, maxLength: 3 }), rows, seed, inputSeed: seed, o: fc.record(chainFlags) })
    .map(({ L, m, n, kind, rnnKind, width, dims, o, ...c }) => ({
      model: kind === 0 ? call('chainInterdependenceHead', { m, n, chainLength: L, ...o })
        : kind === 1 ? call('chainInterdependenceLayer', { m, n, chainLength: L, width, ...o })
        : call(rnnKind, { chainLength: L, dims, ...o }),
      ...c,
    }));
  const graphArb = int(2, 7).chain((N) =>
    fc.record({
      N: fc.constant(N),
      links: fc.uniqueArray(fc.tuple(int(0, N - 1), int(0, N - 1)), { minLength: 1, maxLength: 2 * N, selector: ([a, b]) => `${a},${b}` }),
      strings: fc.boolean(),
    }),
  );
  const graphFlags = {
    directed: maybe(fc.boolean()), withMultihop: maybe(fc.boolean()), h: maybe(int(1, 3)), accumulative: maybe(fc.boolean()), withPagerank: maybe(fc.boolean(), 3), c: maybe(pick(0.15, 0.5)),
    normalization: maybe(fc.boolean()), normalizationMode: maybe(pick('row', 'column', 'row_column')), selfDependence: maybe(fc.boolean()),
    withLorr: maybe(fc.boolean()), withDualLphm: maybe(fc.boolean(), 3), r: maybe(int(1, 2)), enableBias: maybe(fc.boolean()), withResidual: maybe(fc.boolean()),
    withRelu: maybe(fc.boolean()), withSoftmax: maybe(fc.boolean()), withDropout: maybe(fc.boolean()), channelNum: maybe(int(2, 3), 3),
    withLorrInterdependence: maybe(fc.boolean()), withDualLphmInterdependence: maybe(fc.boolean(), 3), rInterdependence: maybe(int(1, 2)),
  };
  const graph = fc.record({ g: graphArb, kind: int(0, 3), m: int(1, 5), n: int(1, 5), dims: fc.array(int(1, 5), { minLength: 2, maxLength: 3 }), seed, inputSeed: seed, o: fc.record(graphFlags) })
    .map(({ g, kind, m, n, dims, o, ...c }) => {
      const id = (i: number) => (g.strings ? `v${i}` : i);
      const nodes = Array.from({ length: g.N }, (_, i) => id(i));
      const links = g.links.map(([a, b]) => [id(a), id(b)]);
      const { withLorrInterdependence, withDualLphmInterdependence, rInterdependence, ...flags } = o;
      // PageRank inverts I − (1−c)·A: only a normalized A keeps it well-conditioned (an unnormalized one can be singular)
      const plain = flags.withPagerank ? { ...flags, normalization: true, normalizationMode: flags.normalizationMode === 'row_column' ? 'column' : flags.normalizationMode } : flags;
      const bilinear = { withLorrInterdependence, withDualLphmInterdependence, rInterdependence };
      const model = kind === 0 ? call('graphInterdependenceHead', { m, n, nodes, links, ...plain })
        : kind === 1 ? call('graphBilinearInterdependenceHead', { m, n, nodes, links, ...plain, ...bilinear })
        : kind === 2 ? call('gcn', { dims, nodes, links, ...plain })
        : call('gat', { dims, nodes, links, ...plain, ...bilinear });
      return { model, rows: g.N, ...c };
    });
  return fc.oneof(chain, graph);
}

/**
 * A one-layer model whose head has a data-dependent interdependence (issue 13: A computed from the batch at run
 * time) in its attribute or instance slot: bounded kernels (distances, gaussian, cosine, tanh, rv, KL) and the
 * bilinear family (with a column softmax on A, or the attention of bilinearInterdependenceHead). Row-coupled, so
 * the case's batch is the whole batch (b ≥ 3: statistical kernels need several rows); fixed-b kinds get b = rows.
 */
export function dataCase(): Arb<FuzzCase> {
  return fc.record({ b: int(3, 5), m: int(2, 6), n: int(1, 6), seed, inputSeed: seed, slot: pick('attribute', 'instance') }).chain(({ b, m, n, slot, ...seeds }) => {
    const KERNELS = ['gaussianRbfKernelInterdependence', 'laplacianKernelInterdependence', 'manhattanDistanceInterdependence', 'euclideanDistanceInterdependence', 'chebyshevDistanceInterdependence', 'canberraDistanceInterdependence', 'exponentialKernelInterdependence', 'cosineSimilarityInterdependence', 'hyperbolicTangentKernelInterdependence', 'rvCoefficientInterdependence', 'klDivergenceInterdependence'];
    const BILINEAR = ['parameterizedBilinearInterdependence', 'lowrankParameterizedBilinearInterdependence', 'randomMatrixAdaptionParameterizedBilinearInterdependence'];
    // instance slot: always instance type; attribute slot: either type
    const type = slot === 'instance' ? fc.constant('instance') : pick('attribute', 'instance');
    const kernel = fc.record({ fn: pick(...KERNELS), type, p: fc.constant(undefined) }).map(({ fn, type: t }) => call(fn, { b: t === 'instance' ? b : undefined, interdependenceType: t, postprocessFunctions: undefined }));
    const minkowski = fc.record({ type, p: pick(1, 1.5, 2, 3) }).map(({ type: t, p }) => call('minkowskiDistanceInterdependence', { b: t === 'instance' ? b : undefined, p, interdependenceType: t }));
    const bilinear = fc.record({ fn: pick(...BILINEAR), type, r: maybe(int(1, 2)) }).map(({ fn, type: t, r }) =>
      call(fn, { b: t === 'attribute' ? b : undefined, r: fn === 'parameterizedBilinearInterdependence' ? undefined : r, interdependenceType: t, postprocessFunctions: [call('softmax', { dim: 0 })] }));
    const inter = fc.oneof({ weight: 3, arbitrary: kernel }, { weight: 1, arbitrary: minkowski }, { weight: 2, arbitrary: bilinear });
    const attention = fc.record({ withLorrInterdependence: maybe(fc.boolean()), withDualLphmInterdependence: maybe(fc.constant(true)), withTaylor: maybe(fc.boolean()), withResidual: maybe(fc.boolean()), enableBias: maybe(fc.boolean()), channelNum: maybe(int(2, 3), 3) })
      .map((o) => ({ model: call('rpn', { layers: [call('layer', { m, n, heads: [call('bilinearInterdependenceHead', { m, n, ...o, rInterdependence: 2 })] })] }), rows: b, ...seeds }));
    const generic = fc.tuple(inter, headArb(m, n, { range: 'moderate', bounded: false, final: true, explicit: true }).filter((h) => !h.opts?.attributeInterdependence)).map(([ii, h]) => ({
      model: call('rpn', { layers: [call('layer', { m, n, heads: [{ fn: h.fn, opts: { ...h.opts, [`${slot}Interdependence`]: ii } }] })] }),
      rows: b,
      ...seeds,
    }));
    return fc.oneof({ weight: 3, arbitrary: generic }, { weight: 1, arbitrary: attention });
  });
}

/** A full fuzz case: a valid model, a batch size and the seeds of weights and input. */
export function fuzzCase(): Arb<FuzzCase> {
  const model = fc.oneof(
    { weight: 6, arbitrary: denseModel() },
    { weight: 2, arbitrary: gridModel() },
    { weight: 1, arbitrary: builtinModel() },
    { weight: 1, arbitrary: standaloneConcatHead() },
    { weight: 1, arbitrary: builtinHead() },
  );
  // BatchNorm with batch statistics needs two rows (torch raises on one; the reference interpreter too)
  const plain = fc.record({ model, rows, seed, inputSeed: seed });
  return fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: instanceCase() }, { weight: 2, arbitrary: topologyCase() }, { weight: 2, arbitrary: dataCase() })
    .map((c) => (c.rows < 2 && JSON.stringify(c.model).includes('"batchNorm1d"') ? { ...c, rows: 2 } : c));
}
