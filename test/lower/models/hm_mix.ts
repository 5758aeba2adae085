// hm p=10 q=8 on 96 -> 120: s=12, t=12, gcd(q, s)=4, so q1=2, s1=3 (the regrouping `mix` matrix).
import { hmReconciliation } from 'rpnc';
import { single } from './_head.js';

export default single(96, 120, hmReconciliation({ p: 10, q: 8, enableBias: true }));
