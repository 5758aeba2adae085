// A' = 200000 × 200000 would not fit in memory — refused (RPN2301) at b.
import { head, identityExpansion, identityInterdependence } from 'rpnc';

export default head({
  m: 3,
  n: 3,
  dataTransformation: identityExpansion(),
  instanceInterdependence: identityInterdependence({ interdependenceType: 'instance', b: 200000 }),
});
