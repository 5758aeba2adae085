// expect: exit=1 code=RPN2301 at=4:69
// a chain of 2·10⁹ steps: refused from the option (rpnc compiles chains of at most 10⁶ steps) before any link is made
import { chainInterdependenceLayer } from 'rpnc';
export default chainInterdependenceLayer({ m: 2, n: 2, chainLength: 2_000_000_000 });
