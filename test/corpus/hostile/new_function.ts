// expect: exit=1 code=RPN1101 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const f = new Function('return process.exit(0)');
export default rpn({ layers: [perceptronLayer({ m: f(), n: 2 })] });
