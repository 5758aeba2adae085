import * as fs from 'node:fs';
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

// A top-level statement that would write a file if the model were executed; it is not part of the
// default export, so rpnc never needs to look at it and the build succeeds without running it.
function sideEffect() {
  fs.writeFileSync(process.env.RPNC_PWNED_FILE ?? '/tmp/rpnc-pwned', 'the model file was executed');
}
sideEffect();

export default rpn({
  layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })],
});
