// An attribute-type kernel in the instance slot multiplies κ(x) (D = 6 after taylor) by its m×m A (m = 2): tinybig needs D = m.
import { rpn, layer, head, taylorExpansion, identityReconciliation, zeroRemainder, gaussianRbfKernelInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 2,
      n: 3,
      heads: [
        head({
          instanceInterdependence: gaussianRbfKernelInterdependence({ interdependenceType: 'attribute' }),
          dataTransformation: taylorExpansion({ d: 2 }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
