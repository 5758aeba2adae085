// n_chain_head_length1: a chain of one step has no links (tinybig: IndexError)
import { chainInterdependenceHead } from 'rpnc';

export default chainInterdependenceHead({ m: 3, n: 2, chainLength: 1, withRelu: false, withSoftmax: false });
