// masking_reconciliation with fixedMask: false — non-deterministic in tinybig, refused (RPN2110).
import { rpn, layer, head, identityExpansion, maskingReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [head({ m: 4, n: 3, dataTransformation: identityExpansion(), parameterFabrication: maskingReconciliation({ p: 0.5, fixedMask: false }), remainder: zeroRemainder() })],
    }),
  ],
});
