import { rpn, layer, head, taylorExpansion, lorrReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          m: 4,
          n: 3,
          dataTransformation: taylorExpansion({ d: 2 }),
          parameterFabrication: lorrReconciliation({ r: 2 }),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
