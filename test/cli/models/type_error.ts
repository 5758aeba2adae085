import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 2,
      heads: [
        head({
          m: 'three',
          n: 2,
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
