import { head, identityExpansion, identityReconciliation, zeroRemainder, graphInterdependence } from 'rpnc';

export default head({
  m: 4,
  n: 3,
  dataTransformation: identityExpansion(),
  parameterFabrication: identityReconciliation(),
  remainder: zeroRemainder(),
  instanceInterdependence: graphInterdependence({ b: 5, nodes: [0, 1, 2], links: [[0, 1]] }),
});
