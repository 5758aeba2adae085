// expect: exit=1 code=RPN1101 at=6:3
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
const o = {
  get m() {
    require('node:fs').writeFileSync(process.env.RPNC_CANARY_DIR + '/getter', 'ran');
    return 2;
  },
};
export default rpn({ layers: [perceptronLayer({ m: o.m, n: 2 })] });
