// duplicated_diagonal_padding_reconciliation with p = q = n = 3, D = 6: W = I_3 ⊗ w, w of length 2.
import { rpn, layer, head, identityExpansion, duplicatedDiagonalPaddingReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 6,
      n: 3,
      heads: [head({ m: 6, n: 3, dataTransformation: identityExpansion(), parameterFabrication: duplicatedDiagonalPaddingReconciliation({ p: 3, q: 3 }), remainder: zeroRemainder() })],
    }),
  ],
});
