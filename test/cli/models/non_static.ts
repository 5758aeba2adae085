import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

const width = Math.random() > 2 ? 3 : 4;

export default rpn({
  layers: [
    layer({
      m: 3,
      n: width,
      heads: [head({ m: 3, n: width, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })],
    }),
  ],
});
