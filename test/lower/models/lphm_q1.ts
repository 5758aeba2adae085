// lphm p=8 q=4 r=2 on 96 -> 128: s=16, t=24, q | s, so q1=1 (an outer product per block row).
import { lphmReconciliation } from 'rpnc';
import { single } from './_head.js';

export default single(96, 128, lphmReconciliation({ p: 8, q: 4, r: 2 }));
