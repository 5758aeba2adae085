// expect: exit=1 code=RPN1012 at=3:16
import { mlp } from 'rpnc';
export default { kind: 'model', type: 'mlp', options: { dims: [2, -1] } };
