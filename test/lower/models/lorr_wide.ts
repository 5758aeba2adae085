// lorr r=4 with bias on 96 -> 80: the factored form stores 4·(80+96) floats instead of 80·96.
import { lorrReconciliation } from 'rpnc';
import { single } from './_head.js';

export default single(96, 80, lorrReconciliation({ r: 4, enableBias: true }));
