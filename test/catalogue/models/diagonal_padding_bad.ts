// duplicated_diagonal_padding_reconciliation only runs in tinybig for p = q = n (here n = 3, p = 2): RPN2104.
import { rpn, layer, head, identityExpansion, duplicatedDiagonalPaddingReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 6,
      n: 3,
      heads: [head({ m: 6, n: 3, dataTransformation: identityExpansion(), parameterFabrication: duplicatedDiagonalPaddingReconciliation({ p: 2 }), remainder: zeroRemainder() })],
    }),
  ],
});
