// expect: exit=1 code=RPN1104 at=8:14
import { rpn, perceptronLayer } from 'rpnc';
// a few steps build an 8-million-character string; each lastIndexOf then scans all of it
function grow(s: string, k: number): string {
  return k === 0 ? s : grow(s + s, k - 1);
}
const big = grow('a', 23);
const hits = Array.from({ length: 100_000 }, () => big.lastIndexOf('b'));
export default rpn({ name: String(hits.length), layers: [perceptronLayer({ m: 2, n: 2 })] });
