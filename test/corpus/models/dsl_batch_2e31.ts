// expect: exit=1 code=RPN2301 at=6:64
import { head, identityExpansion, identityReconciliation, zeroRemainder, laplacianKernelInterdependence } from 'rpnc';
// found by the mutation fuzzer: a kernel interdependence on a batch of b = 2^31 rows (A is b × b at every run) was built
export default head({ m: 2, n: 2, parameterFabrication: identityReconciliation(), dataTransformation: identityExpansion(),
  remainder: zeroRemainder(),
  instanceInterdependence: laplacianKernelInterdependence({ b: 2 ** 31, interdependenceType: 'instance' }) });
