import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

const h = (m: number, n: number) =>
  head({ m, n, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });

export default rpn({
  layers: [
    layer({ m: 5, n: 4, heads: [h(5, 4)] }),
    layer({
      m: 3,
      n: 2,
      heads: [h(3, 2)],
    }),
  ],
});
