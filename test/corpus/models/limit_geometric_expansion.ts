// expect: exit=1 code=RPN2301 at=4:63
// a standalone geometric expansion whose patch gather (C·P·S = 3.6e9 values) is beyond the size limits
import { head, geometricExpansion, cuboid, identityReconciliation, zeroRemainder } from 'rpnc';
export default head({ m: 400000000, n: 1, dataTransformation: geometricExpansion({ h: 20000, w: 20000, d: 1, patch: cuboid({ pH: 1, pW: 1 }) }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });
