// expect: exit=1 code=RPN1105 at=4:10
import { rpn, perceptronLayer } from 'rpnc';
function down(k: number): number {
  return down(k + 1);
}
export default rpn({ layers: [perceptronLayer({ m: down(0), n: 2 })] });
