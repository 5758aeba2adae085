// n_chain_head_batch_norm: tinybig raises RuntimeError (BatchNorm1d(n) on L·n columns)
import { chainInterdependenceHead } from 'rpnc';

export default chainInterdependenceHead({ m: 3, n: 2, chainLength: 4, withBatchNorm: true });
