// expect: exit=1 code=RPN1201 at=5:53
import { head, bsplineExpansion, identityReconciliation, zeroRemainder } from 'rpnc';
// tinybig builds this (its knots run backwards: every B-spline feature is 0); rpnc's ONNX differed by 0.58
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), remainder: zeroRemainder(),
  dataTransformation: bsplineExpansion({ gridRange: [1, -1] }) });
