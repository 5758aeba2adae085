// Data-dependent interdependences without golden data (ORT vs reference): pearson and rv (NaN on a constant
// column), minkowski p = Infinity / 'fro' / 1.5, KL and mutual information on the attribute axis (any batch),
// a lowrank attention head.
import {
  rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, linearRemainder, taylorExpansion,
  pearsonCorrelationInterdependence, rvCoefficientInterdependence, minkowskiDistanceInterdependence, chebyshevDistanceInterdependence,
  euclideanDistanceInterdependence, cosineSimilarityInterdependence, klDivergenceInterdependence, mutualInformationInterdependence, bilinearInterdependenceHead, type Interdependence,
} from 'rpnc';

const h = (attributeInterdependence: Interdependence) =>
  head({ attributeInterdependence, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });

export default rpn({
  layers: [
    layer({ m: 4, n: 3, heads: [h(pearsonCorrelationInterdependence()), h(rvCoefficientInterdependence())] }),
    layer({ m: 3, n: 3, heads: [h(minkowskiDistanceInterdependence({ p: Infinity })), h(minkowskiDistanceInterdependence({ p: 'fro' })), h(minkowskiDistanceInterdependence({ p: 1.5 }))] }),
    layer({ m: 3, n: 3, heads: [h(klDivergenceInterdependence()), h(mutualInformationInterdependence()), h(chebyshevDistanceInterdependence()), h(euclideanDistanceInterdependence())] }),
    layer({ m: 3, n: 2, heads: [bilinearInterdependenceHead({ m: 3, n: 2, withLorrInterdependence: true, rInterdependence: 2, withTaylor: true, withResidual: true })] }),
    // an attribute-type kernel in the instance slot: Xi = κ(x)·A (A m×m from X0; needs D = m)
    layer({ m: 2, n: 2, heads: [head({ instanceInterdependence: cosineSimilarityInterdependence(), dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: linearRemainder() })] }),
  ],
});
