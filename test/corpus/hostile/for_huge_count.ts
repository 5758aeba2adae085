// expect: exit=1 code=RPN1104 at=5:3
import { rpn, perceptronLayer } from 'rpnc';
function count(): number {
  let s = 0;
  for (let i = 0; i < 1e12; i++) {}
  return 2;
}
export default rpn({ layers: [perceptronLayer({ m: count(), n: 2 })] });
