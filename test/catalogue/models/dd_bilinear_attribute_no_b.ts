// An attribute-type bilinear interdependence without b: W is b×b.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, parameterizedBilinearInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          attributeInterdependence: parameterizedBilinearInterdependence({ interdependenceType: 'attribute' }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
