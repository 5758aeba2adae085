// expect: exit=1 code=RPN1104 at=8:14
import { rpn, perceptronLayer } from 'rpnc';
// 27 levels of [x, x] share one array each: 54 elements written, 2^27 items once flattened
function nest(x: unknown[], k: number): unknown[] {
  return k === 0 ? x : nest([x, x], k - 1);
}
const shared = nest([1], 27);
const flat = shared.flat(Infinity);
export default rpn({ name: String(flat.length), layers: [perceptronLayer({ m: 2, n: 2 })] });
