// expect: exit=1 code=RPN2109 at=5:69
import { head, identityExpansion, identityReconciliation, zeroRemainder, celu } from 'rpnc';
// torch's CELU raises on alpha = 0 (ZeroDivisionError: alpha cannot be 0 for CELU) at tinybig's first forward
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), dataTransformation: identityExpansion(),
  remainder: zeroRemainder(), outputProcessFunctions: celu({ alpha: 0 }) });
