// custom_hybrid calls each kernel with its defaults: minkowski_distance_kernel has p = None (ValueError in tinybig).
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, customHybridKernelInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          attributeInterdependence: customHybridKernelInterdependence({ kernels: ['linear_kernel', 'minkowski_distance_kernel'] }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
