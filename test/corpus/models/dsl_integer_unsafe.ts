// expect: exit=1 code=RPN1201 at=4:95
import { chainInterdependenceLayer } from 'rpnc';
// found by the mutation fuzzer: h = 1e308 passed as an integer (Number.isInteger) and looped (effectively) for ever
export default chainInterdependenceLayer({ m: 2, n: 2, chainLength: 4, withMultihop: true, h: 1e308 });
