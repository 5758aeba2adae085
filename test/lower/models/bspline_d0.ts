// κ(x) alone: B-spline bases (grid [-1, 2], t=4, d=0) of 3 features; no reconciliation, so y = κ(x).
import { rpn, layer, head, bsplineExpansion, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [layer({ m: 3, n: 12, heads: [head({ m: 3, n: 12, dataTransformation: bsplineExpansion({ gridRange: [-1, 2], t: 4, d: 0 }), parameterFabrication: null, remainder: zeroRemainder() })] })],
});
