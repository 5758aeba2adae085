// expect: exit=1 code=RPN1102 at=3:19
import { rpn, perceptronLayer } from 'rpnc';
const m: number = eval('process.exit(0)');
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
