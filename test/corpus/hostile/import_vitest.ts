// expect: exit=1 code=RPN1005 at=3:20
import { rpn, perceptronLayer } from 'rpnc';
import { it } from 'vitest';
export default rpn({ name: String(it), layers: [perceptronLayer({ m: 2, n: 2 })] });
