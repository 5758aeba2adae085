import * as fs from 'node:fs';
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

fs.writeFileSync(process.env.RPNC_PWNED_FILE ?? '/tmp/rpnc-pwned', 'the model file was executed');
process.exit(42);

export default rpn({
  layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })],
});
