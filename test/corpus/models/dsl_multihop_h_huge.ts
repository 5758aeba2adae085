// expect: exit=1 code=RPN2301 at=4:95
import { chainInterdependenceLayer } from 'rpnc';
// found by the mutation fuzzer: h = 1e308 hops looped (effectively) for ever; an accumulative sum takes h products
export default chainInterdependenceLayer({ m: 2, n: 2, chainLength: 4, withMultihop: true, h: 1e15, accumulative: true });
