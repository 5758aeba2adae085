// expect: exit=1 code=RPN1101 at=4:3
import { rpn, perceptronLayer } from 'rpnc';
function spin(): number {
  while (true) {}
}
export default rpn({ layers: [perceptronLayer({ m: spin(), n: 2 })] });
