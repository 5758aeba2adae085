/**
 * The golden cases of fixtures/golden (a_*, b_*, m_* families) written with the rpnc DSL, each exactly
 * like its tinybig constructor in /work/shared/oracle/cases_smoke.py (names: snake_case → camelCase).
 */
import type { Component } from '../../compiler/dsl/component.js';
import {
  batchNorm1d, bsplineExpansion, chebyshevExpansion, concatenationFusion, dualLphmReconciliation, duplicatedPaddingReconciliation,
  extendedExpansion, fourierExpansion, gaussianRbfExpansion, head, hermiteExpansion, hmParameterizedConcatenationFusion,
  hmReconciliation, identityExpansion, identityReconciliation, identityRemainder, inverseQuadraticRbfExpansion, kan, layer,
  legendreExpansion, linearRemainder, lorrReconciliation, lowrankParameterizedConcatenationFusion, lphmParameterizedConcatenationFusion,
  lphmReconciliation, maxFusion, meanFusion, mlp, nestedExpansion, parameterizedConcatenationFusion, perceptronLayer, relu, rpn,
  sigmoid, silu, sumFusion, summationFusion, taylorExpansion, zeroRemainder,
  hypernetReconciliation, randomMatrixAdaptionReconciliation, randomMatrixHypernetReconciliation, svm,
  type Expansion, type Fusion, type HeadOptions, type Reconciliation, type Remainder,
} from '../../compiler/dsl/index.js';

type HOpts = { exp?: Expansion; rec?: Reconciliation; rem?: Remainder } & Partial<Omit<HeadOptions, 'm' | 'n' | 'dataTransformation' | 'parameterFabrication' | 'remainder'>>;

/** cases_smoke.py's H(): identity expansion, identity reconciliation, zero remainder by default. */
function H(m: number, n: number, o: HOpts = {}) {
  const { exp, rec, rem, ...rest } = o;
  return head({ m, n, dataTransformation: exp ?? identityExpansion(), parameterFabrication: rec ?? identityReconciliation(), remainder: rem ?? zeroRemainder(), ...rest });
}
/** cases_smoke.py's single(): an rpn with one layer holding one head. */
function single(m: number, n: number, o: HOpts = {}) {
  return rpn({ layers: [layer({ m, n, heads: [H(m, n, o)] })] });
}
function width(m: number, n: number, heads: Component<'head'>[], headFusion?: Fusion) {
  return rpn({ layers: [layer({ m, n, heads, headFusion })] });
}

const twoLayers = () =>
  rpn({
    layers: [
      layer({ m: 5, n: 4, heads: [H(5, 4, { exp: taylorExpansion({ d: 2 }), rec: lorrReconciliation({ r: 2 }), rem: linearRemainder({ enableBias: true }), outputProcessFunctions: [batchNorm1d({ numFeatures: 4 }), relu()] })] }),
      layer({ m: 4, n: 3, heads: [H(4, 3, { rec: identityReconciliation({ enableBias: true }), outputProcessFunctions: [sigmoid()] })] }),
    ],
  });
const sharedHeads = () =>
  rpn({ layers: [perceptronLayer({ m: 5, n: 3, width: 2, withLorr: true, r: 2, enableBias: true, withResidual: true, withBatchNorm: true, withRelu: true, withDropout: true, withSoftmax: false })] });

/** case name → the DSL value of its model. */
export const CASES: Record<string, () => Component> = {
  a_identity_identity_zero: () => single(5, 3),
  a_identity_bias: () => single(5, 3, { rec: identityReconciliation({ enableBias: true }) }),
  a_taylor_d2: () => single(4, 3, { exp: taylorExpansion({ d: 2 }) }),
  a_taylor_d3_lorr: () => single(3, 2, { exp: taylorExpansion({ d: 3 }), rec: lorrReconciliation({ r: 2 }) }),
  a_bspline: () => single(4, 3, { exp: bsplineExpansion({ gridRange: [-1, 1], t: 5, d: 3 }) }),
  a_chebyshev_d3: () => single(4, 3, { exp: chebyshevExpansion({ d: 3 }) }),
  a_gaussian_rbf: () => single(4, 3, { exp: gaussianRbfExpansion({ baseRange: [-1, 1], numInterval: 5, epsilon: 1.5 }) }),
  a_inverse_quadratic_rbf: () => single(4, 3, { exp: inverseQuadraticRbfExpansion({ baseRange: [-1, 1], numInterval: 4, epsilon: 1.0 }) }),
  a_fourier: () => single(4, 3, { exp: fourierExpansion({ P: 4, N: 3 }) }),
  a_hermite_d3: () => single(4, 3, { exp: hermiteExpansion({ d: 3 }) }),
  a_legendre_d3: () => single(4, 3, { exp: legendreExpansion({ d: 3 }) }),
  a_extended_taylor_bspline: () =>
    single(3, 2, { exp: extendedExpansion({ compositionFunctions: [taylorExpansion({ d: 2 }), bsplineExpansion({ t: 3, d: 2 })] }), rec: lorrReconciliation({ r: 1 }) }),
  a_nested_bspline_taylor: () =>
    single(2, 2, { exp: nestedExpansion({ compositionFunctions: [bsplineExpansion({ t: 3, d: 2 }), taylorExpansion({ d: 2 })] }), rec: lorrReconciliation({ r: 1 }) }),
  a_lorr_r2: () => single(5, 4, { rec: lorrReconciliation({ r: 2 }) }),
  a_hm: () => single(4, 6, { rec: hmReconciliation({ p: 3, q: 2 }) }),
  a_hm_default_pq: () => single(6, 4, { rec: hmReconciliation() }),
  a_lphm: () => single(4, 6, { rec: lphmReconciliation({ p: 3, q: 2, r: 1 }) }),
  a_dual_lphm: () => single(4, 6, { rec: dualLphmReconciliation({ p: 3, q: 2, r: 1 }) }),
  a_duplicated_padding: () => single(4, 6, { rec: duplicatedPaddingReconciliation({ p: 2, q: 2 }) }),
  // random A, B / P, Q, S, T come from extras.safetensors; hypernet's MLP from the state_dict (net.*)
  a_random_matrix_adaption: () => single(5, 3, { rec: randomMatrixAdaptionReconciliation({ r: 2 }) }),
  a_random_matrix_hypernet: () => single(4, 3, { rec: randomMatrixHypernetReconciliation({ r: 2, l: 6, hiddenDim: 5 }) }),
  a_hypernet: () => single(4, 3, { rec: hypernetReconciliation({ l: 6, hiddenDim: 5, static: true }) }),
  a_identity_remainder: () => single(4, 4, { exp: chebyshevExpansion({ d: 2 }), rem: identityRemainder() }),
  a_linear_remainder: () => single(5, 3, { exp: taylorExpansion({ d: 2 }), rec: lorrReconciliation({ r: 1 }), rem: linearRemainder() }),
  a_linear_remainder_bias: () => single(5, 3, { rec: identityReconciliation({ enableBias: true }), rem: linearRemainder({ enableBias: true }) }),
  a_linear_remainder_silu: () => single(4, 3, { exp: bsplineExpansion({ t: 3, d: 2 }), rem: linearRemainder({ activationFunctions: [silu()] }) }),
  a_two_layers_output_process: twoLayers,
  a_two_layers_output_process__bnbatch: twoLayers,
  b_width2_mean_fusion: () => width(4, 3, [H(4, 3), H(4, 3, { exp: taylorExpansion({ d: 2 }), rec: lorrReconciliation({ r: 1 }) })], meanFusion({ dims: [3, 3] })),
  b_width2_default_fusion: () => width(4, 3, [H(4, 3), H(4, 3, { exp: chebyshevExpansion({ d: 2 }) })]),
  b_width3_sum_fusion: () =>
    width(4, 3, [H(4, 3), H(4, 3, { exp: chebyshevExpansion({ d: 2 }) }), H(4, 3, { rec: lorrReconciliation({ r: 1 }), rem: linearRemainder() })], sumFusion({ dims: [3, 3, 3] })),
  b_width2_summation_fusion: () => width(4, 3, [H(4, 3), H(4, 3, { exp: taylorExpansion({ d: 2 }) })], summationFusion({ dims: [3, 3] })),
  b_width2_max_fusion: () => width(4, 3, [H(4, 3), H(4, 3, { exp: taylorExpansion({ d: 2 }) })], maxFusion({ dims: [3, 3] })),
  b_width2_concat_fusion: () =>
    rpn({
      layers: [
        layer({ m: 4, n: 3, heads: [H(4, 3), H(4, 3, { exp: taylorExpansion({ d: 2 }) })], headFusion: concatenationFusion({ dims: [3, 3] }) }),
        layer({ m: 6, n: 2, heads: [H(6, 2)] }),
      ],
    }),
  b_width2_param_concat_fusion: () => width(4, 3, [H(4, 3), H(4, 3, { exp: chebyshevExpansion({ d: 2 }) })], parameterizedConcatenationFusion({ n: 3, dims: [3, 3] })),
  b_width2_hm_param_concat_fusion: () =>
    width(4, 4, [H(4, 4), H(4, 4, { exp: taylorExpansion({ d: 2 }), rec: lorrReconciliation({ r: 1 }) })], hmParameterizedConcatenationFusion({ p: 2, n: 4, dims: [4, 4] })),
  b_width2_lphm_param_concat_fusion: () =>
    width(4, 4, [H(4, 4), H(4, 4, { exp: chebyshevExpansion({ d: 2 }) })], lphmParameterizedConcatenationFusion({ r: 1, p: 2, n: 4, dims: [4, 4] })),
  b_width2_lorr_param_concat_fusion: () =>
    width(4, 3, [H(4, 3), H(4, 3, { exp: chebyshevExpansion({ d: 2 }) })], lowrankParameterizedConcatenationFusion({ r: 1, n: 3, dims: [3, 3] })),
  b_channels2_default_mean: () => single(4, 3, { exp: taylorExpansion({ d: 2 }), channelNum: 2 }),
  b_channels2_hm_param_concat: () =>
    single(4, 4, { rec: lorrReconciliation({ r: 1 }), channelNum: 2, channelFusion: hmParameterizedConcatenationFusion({ p: 2, n: 4, dims: [4, 4] }) }),
  b_channels2_concat_standalone_head: () => H(4, 3, { exp: chebyshevExpansion({ d: 2 }), channelNum: 2, channelFusion: concatenationFusion({ dims: [3, 3] }) }),
  b_perceptron_layer_width2_shared_heads: sharedHeads,
  b_perceptron_layer_width2_shared_heads__bnbatch: sharedHeads,
  m_mlp_taylor_lorr: () => mlp({ dims: [5, 4, 3], withTaylor: true, d: 2, withLorr: true, r: 2, withResidual: true, enableBias: true }),
  m_kan: () => kan({ dims: [3, 4, 2], gridRange: [-1, 1], t: 3, d: 2 }),
  m_svm_rbf: () => svm({ dims: [4, 2], kernel: 'gaussian_rbf', numInterval: 4, epsilon: 1.0 }),
  // rpn(layer_configs=[…]) built from config dicts: the same layers written directly.
  m_config_composite: () =>
    rpn({
      layers: [
        layer({ m: 3, n: 2, heads: [H(3, 2, { exp: nestedExpansion({ compositionFunctions: [bsplineExpansion({ t: 3, d: 2 }), taylorExpansion({ d: 2 })] }), rec: lorrReconciliation({ r: 1 }) })] }),
        layer({ m: 2, n: 1, heads: [H(2, 1, { exp: taylorExpansion({ d: 2 }), rec: identityReconciliation({ enableBias: true }), rem: linearRemainder() })] }),
      ],
    }),
};
