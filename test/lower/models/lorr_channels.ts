// Two lorr channels (own parameter rows) summed: each channel gets its own factored pair.
import { lorrReconciliation, summationFusion } from 'rpnc';
import { single } from './_head.js';

export default single(64, 48, lorrReconciliation({ r: 3 }), { channelNum: 2, channelFusion: summationFusion() });
