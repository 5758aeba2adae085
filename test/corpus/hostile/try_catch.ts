// expect: exit=1 code=RPN1101 at=4:3
import { rpn, perceptronLayer } from 'rpnc';
function m(): number {
  try {
    return 2;
  } catch {
    return 3;
  }
}
export default rpn({ layers: [perceptronLayer({ m: m(), n: 2 })] });
