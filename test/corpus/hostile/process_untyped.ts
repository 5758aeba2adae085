// expect: exit=1 code=RPN1003 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const m = process.argv.length;
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
