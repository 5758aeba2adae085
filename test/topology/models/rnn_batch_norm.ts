// rnn with BatchNorm reaches the chain head: tinybig raises RuntimeError
import { rnn } from 'rpnc';

export default rnn({ chainLength: 4, dims: [3, 4, 2], withBatchNorm: true });
