// expect: exit=1 code=RPN1107 at=4:29
import { rpn, perceptronLayer } from 'rpnc';
function grow(s: string, k: number): string {
  return k === 0 ? s : grow(s + s, k - 1);
}
export default rpn({ name: grow('x', 40), layers: [perceptronLayer({ m: 2, n: 2 })] });
