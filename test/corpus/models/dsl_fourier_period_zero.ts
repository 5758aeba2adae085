// expect: exit=1 code=RPN1201 at=4:45
import { head, fourierExpansion, identityReconciliation, zeroRemainder } from 'rpnc';
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), remainder: zeroRemainder(),
  dataTransformation: fourierExpansion({ P: 0 }) });
