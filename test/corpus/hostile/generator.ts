// expect: exit=1 code=RPN1101 at=3:1
import { rpn, perceptronLayer } from 'rpnc';
function* gen() {
  yield 2;
}
const g = gen();
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
