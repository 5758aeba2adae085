// expect: exit=1 code=RPN1104 at=4:3
import { rpn, perceptronLayer } from 'rpnc';
function spin(): number {
  for (;;) {}
}
export default rpn({ layers: [perceptronLayer({ m: spin(), n: 2 })] });
