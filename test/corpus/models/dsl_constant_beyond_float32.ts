// expect: exit=1 code=RPN1201 at=5:37
import { head, identityExpansion, identityReconciliation, constantRemainder } from 'rpnc';
// found by the mutation fuzzer: c = 1e308 is inf in float32 (tinybig's torch too); rpnc built it and its ONNX gave NaN
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), dataTransformation: identityExpansion(),
  remainder: constantRemainder({ c: 1e308 }) });
