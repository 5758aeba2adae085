// expect: exit=1 code=RPN1104 at=7:15
import { rpn, perceptronLayer } from 'rpnc';
function grow(s: string, k: number): string {
  return k === 0 ? s : grow(s + s, k - 1);
}
// 8 million one-character strings, refused before they are made
const parts = grow('a', 23).split('');
export default rpn({ name: String(parts.length), layers: [perceptronLayer({ m: 2, n: 2 })] });
