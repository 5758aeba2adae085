// expect: exit=1 code=RPN2109 at=5:69
import { head, identityExpansion, identityReconciliation, zeroRemainder, dropout } from 'rpnc';
// found by the mutation fuzzer: torch.nn.Dropout(p=2) raises ValueError in tinybig; rpnc built it (as the identity)
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), dataTransformation: identityExpansion(),
  remainder: zeroRemainder(), outputProcessFunctions: [dropout({ p: 2 })] });
