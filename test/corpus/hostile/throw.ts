// expect: exit=1 code=RPN1101 at=4:3
import { rpn, perceptronLayer } from 'rpnc';
function boom(): number {
  throw new Error('x');
}
export default rpn({ layers: [perceptronLayer({ m: boom(), n: 2 })] });
