// dual_lphm p=16 q=12 r=2 on 96 -> 64: s=4, t=8, s | q, so s1=1 (one thin MatMul with reshape(a)).
import { dualLphmReconciliation } from 'rpnc';
import { single } from './_head.js';

export default single(96, 64, dualLphmReconciliation({ p: 16, q: 12, r: 2 }));
