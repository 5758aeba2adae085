import * as R from 'rpnc';
import { head as h, taylorExpansion as taylor } from 'rpnc';

const model = R.rpn({
  layers: [R.layer({ m: 3, n: 3, heads: [h({ m: 3, n: 3, dataTransformation: taylor({ d: 1 }), parameterFabrication: R.lorrReconciliation(), remainder: R.zeroRemainder() })] })],
});
export { model as default };
