// expect: exit=1 code=RPN1102 at=4:16
import { rpn, perceptronLayer } from 'rpnc';
import { make } from 'rpnc';
export default make('model', 'rpn', {}, {});
