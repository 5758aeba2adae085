// expect: exit=1 code=RPN2301 at=4:83
// chain({ length }) past 10⁶ steps: refused at the length before chain() runs
import { chainInterdependence, chain } from 'rpnc';
export default chainInterdependence({ chain: chain({ biDirectional: true, length: 1_000_001 }) });
