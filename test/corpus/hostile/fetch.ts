// expect: exit=1 code=RPN1101 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
declare const fetch: any;
const r = fetch('http://localhost/');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
