// Two heads fused by random_matrix_adaption_parameterized_concatenation_fusion: its A (n, r) and
// B (Σdims, r) are side-cars under `layers.0.head_fusion.parameter_fabrication.{A,B}`.
import { rpn, layer, head, identityExpansion, chebyshevExpansion, identityReconciliation, zeroRemainder, randomMatrixAdaptionParameterizedConcatenationFusion } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({ m: 4, n: 3, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() }),
        head({ m: 4, n: 3, dataTransformation: chebyshevExpansion({ d: 2 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() }),
      ],
      headFusion: randomMatrixAdaptionParameterizedConcatenationFusion({ r: 2, n: 3, dims: [3, 3] }),
    }),
  ],
});
