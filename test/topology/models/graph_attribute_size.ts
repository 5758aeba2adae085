import { head, identityExpansion, identityReconciliation, zeroRemainder, graphInterdependence } from 'rpnc';

export default head({
  m: 4,
  n: 3,
  dataTransformation: identityExpansion(),
  parameterFabrication: identityReconciliation(),
  remainder: zeroRemainder(),
  attributeInterdependence: graphInterdependence({ interdependenceType: 'attribute', nodes: [0, 1, 2], links: [[0, 1]] }),
});
