// expect: exit=1 code=RPN1101 at=4:10
import { rpn, perceptronLayer } from 'rpnc';
function f(this: any) {
  return this;
}
const g = f();
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
