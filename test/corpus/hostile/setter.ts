// expect: exit=1 code=RPN1101 at=4:3
import { rpn, perceptronLayer } from 'rpnc';
const o = {
  set m(v: number) {},
};
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
