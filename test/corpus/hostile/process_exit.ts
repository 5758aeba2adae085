// expect: exit=1 code=RPN1101 at=5:20
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
const quit = () => process.exit(0);
export default rpn({ layers: [perceptronLayer({ m: quit(), n: 2 })] });
