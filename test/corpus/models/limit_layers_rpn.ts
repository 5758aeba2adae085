// expect: exit=1 code=RPN2301 at=4:30
import { rpn, perceptronLayer } from 'rpnc';
const l = perceptronLayer({ m: 4, n: 4 });
export default rpn({ layers: Array.from({ length: 2_000 }, () => l) });
