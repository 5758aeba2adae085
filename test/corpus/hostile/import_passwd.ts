// expect: exit=1 code=RPN1007 at=3:15
import { rpn, perceptronLayer } from 'rpnc';
import x from '../../../../etc/passwd';
export default rpn({ name: String(x), layers: [perceptronLayer({ m: 2, n: 2 })] });
