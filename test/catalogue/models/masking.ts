// masking_reconciliation (fixed mask): the mask is a side-car tensor `layers.0.heads.0.parameter_fabrication.mask_matrix`.
import { rpn, layer, head, taylorExpansion, maskingReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 2,
      heads: [
        head({
          m: 3,
          n: 2,
          channelNum: 2,
          dataTransformation: taylorExpansion({ d: 2 }),
          parameterFabrication: maskingReconciliation({ p: 0.3, enableBias: true }),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
