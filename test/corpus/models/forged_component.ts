// expect: exit=1 code=RPN1012 at=3:31
import { rpn } from 'rpnc';
export default rpn({ layers: [{ kind: 'layer', type: 'perceptron_layer', options: { m: 2, n: 2 } } as any] });
