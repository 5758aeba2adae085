// expect: exit=1 code=RPN1101 at=3:1
import { rpn, perceptronLayer } from 'rpnc';
class Evil {
  static m = 2;
}
export default rpn({ layers: [perceptronLayer({ m: Evil.m, n: 2 })] });
