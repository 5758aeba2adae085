// expect: exit=1 code=RPN2301 at=4:84
import { chainInterdependenceLayer, rpn } from 'rpnc';
// found by the mutation fuzzer: chainLength 1e9 ran the compiler out of memory listing the chain's links; 1e6 was an RPN4000
export default rpn({ layers: [chainInterdependenceLayer({ m: 2, n: 3, chainLength: 1e9 })] });
