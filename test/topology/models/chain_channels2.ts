// n_chain_head_channels2: tinybig's fusion asserts (AssertionError)
import { chainInterdependenceHead } from 'rpnc';

export default chainInterdependenceHead({ m: 3, n: 2, chainLength: 4, channelNum: 2, withRelu: false, withSoftmax: false });
