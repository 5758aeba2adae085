// expect: exit=1 code=RPN2109 at=5:69
import { head, identityExpansion, identityReconciliation, zeroRemainder, celu } from 'rpnc';
// found by the mutation fuzzer: alpha = -1e-300 passes torch's alpha != 0 check but is 0 in float32 (NaN outputs in ORT, numbers in the float64 reference)
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), dataTransformation: identityExpansion(),
  remainder: zeroRemainder(), outputProcessFunctions: celu({ alpha: -1e-300 }) });
