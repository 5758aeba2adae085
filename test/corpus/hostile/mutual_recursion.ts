// expect: exit=1 code=RPN1105 at=7:10
import { rpn, perceptronLayer } from 'rpnc';
function ping(k: number): number {
  return pong(k);
}
function pong(k: number): number {
  return ping(k);
}
export default rpn({ layers: [perceptronLayer({ m: ping(0), n: 2 })] });
