// expect: exit=1 code=RPN2301 at=3:52
import { rnn } from 'rpnc';
export default rnn({ dims: [2, 4, 2], chainLength: 5_000_000 });
