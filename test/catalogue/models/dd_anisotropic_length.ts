// anisotropic aVector for the instance type has one weight per attribute (Z = X0ᵀ has m rows): 3 ≠ m = 4.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, anisotropicRbfKernelInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          instanceInterdependence: anisotropicRbfKernelInterdependence({ b: 4, aVector: [1, 2, 3], interdependenceType: 'instance' }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
