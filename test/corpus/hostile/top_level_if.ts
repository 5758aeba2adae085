// expect: exit=1 code=RPN1103 at=5:1
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
if (true) require('node:fs').writeFileSync(process.env.RPNC_CANARY_DIR + '/top_level_if', 'ran');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
