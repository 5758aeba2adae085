// The model the bad weight files are paired with: one head, identity κ (D = m = 3), identity ψ with bias.
// Its checkpoint holds layers.0.heads.0.w [1, 6] and layers.0.heads.0.b [2].
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 2,
      heads: [head({ m: 3, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation({ enableBias: true }), remainder: zeroRemainder() })],
    }),
  ],
});
