// expect: exit=1 code=RPN1108 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const p = [].constructor;
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
