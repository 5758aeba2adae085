// expect: exit=1 code=RPN2103 at=4:123
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, lowrankParameterizedConcatenationFusion } from 'rpnc';
const h = head({ m: 2, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() });
export default rpn({ layers: [layer({ m: 2, n: 2, heads: [h, h], headFusion: lowrankParameterizedConcatenationFusion({ n: 3, r: 1 }) })] });
