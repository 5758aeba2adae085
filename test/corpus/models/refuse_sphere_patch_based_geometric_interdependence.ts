// expect: exit=1 code=RPN2173 at=4:195
// sphere_patch_based_geometric_interdependence: tinybig's constructor passes r= to a patch that needs p_r (TypeError).
import { rpn, layer, head, spherePatchBasedGeometricInterdependence, identityExpansion, identityReconciliation } from 'rpnc';
export default rpn({ layers: [layer({ m: 12, n: 2, heads: [head({ m: 12, n: 2, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), attributeInterdependence: spherePatchBasedGeometricInterdependence({ r: 1, h: 3, w: 4, d: 1 }) })] })] });
