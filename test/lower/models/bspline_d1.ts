// κ(x) alone: B-spline bases (grid [-1, 2], t=4, d=1) of 3 features; no reconciliation, so y = κ(x).
import { rpn, layer, head, bsplineExpansion, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [layer({ m: 3, n: 15, heads: [head({ m: 3, n: 15, dataTransformation: bsplineExpansion({ gridRange: [-1, 2], t: 4, d: 1 }), parameterFabrication: null, remainder: zeroRemainder() })] })],
});
