// expect: exit=1 code=RPN1101 at=6:3
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
function m(): number {
  require('node:fs').writeFileSync(process.env.RPNC_CANARY_DIR + '/require_in_helper', 'ran');
  return 2;
}
export default rpn({ layers: [perceptronLayer({ m: m(), n: 2 })] });
