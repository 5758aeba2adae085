// expect: exit=1 code=RPN1104 at=9:14
import { rpn, perceptronLayer } from 'rpnc';
// two equal 8-million-character strings that are different objects: each === reads them both
function grow(s: string, k: number): string {
  return k === 0 ? s : grow(s + s, k - 1);
}
const a = grow('a', 23);
const b = grow('a', 23);
const same = Array.from({ length: 100_000 }, () => a === b);
export default rpn({ name: String(same.length), layers: [perceptronLayer({ m: 2, n: 2 })] });
