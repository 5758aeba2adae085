// lorr r=2 on 20 -> 20 behind an instance interdependence fixing the batch at b = 64: dense W stores
// 400 floats, the factors 2·(20+20) = 80. Speed cost (cost.ts): dense wins at batch 1, the factors at 64.
import { rpn, layer, head, identityExpansion, lorrReconciliation, zeroRemainder, parameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 20,
      n: 20,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: parameterizedInterdependence({ b: 64, m: 20, interdependenceType: 'instance' }),
          parameterFabrication: lorrReconciliation({ r: 2 }),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
