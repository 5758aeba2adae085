// expect: exit=1 code=RPN1104 at=4:24
import { rpn, perceptronLayer } from 'rpnc';
function twice(a: number[], k: number): number[] {
  return k === 0 ? a : twice([...a, ...a], k - 1);
}
export default rpn({ layers: [perceptronLayer({ m: twice([1], 40).length, n: 2 })] });
