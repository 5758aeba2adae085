// expect: exit=1 code=RPN1201 at=5:65
import { head, inverseQuadraticRbfExpansion, identityReconciliation, zeroRemainder } from 'rpnc';
// found by the mutation fuzzer: an RBF grid up to 1e308 (inf in float32) gave NaN in the reference, numbers in ORT
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), remainder: zeroRemainder(),
  dataTransformation: inverseQuadraticRbfExpansion({ baseRange: [-2, 1e308], numInterval: 1 }) });
