// expect: exit=1 code=RPN1101 at=5:16
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
const unused = require('node:fs').writeFileSync(process.env.RPNC_CANARY_DIR + '/unused_const_side_effect', 'ran');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
