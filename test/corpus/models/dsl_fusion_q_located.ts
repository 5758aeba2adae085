// expect: exit=1 code=RPN2104 at=7:73
import { head, layer, identityExpansion, identityReconciliation, zeroRemainder, dualLphmParameterizedConcatenationFusion } from 'rpnc';
const h = head({ dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });
// found by the mutation fuzzer: the fused width 12 is not divisible by q = 5; the refusal had no location
export default layer({
  m: 6, n: 6, width: 2, heads: [h, h],
  headFusion: dualLphmParameterizedConcatenationFusion({ n: 6, p: 1, q: 5, r: 2 }),
});
