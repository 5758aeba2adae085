// duplicated_padding p=4 q=6 on 96 -> 80: W tiles w (20×16) 4·6 times; s=20, gcd(6, 20)=2: q1=3, s1=10.
import { duplicatedPaddingReconciliation } from 'rpnc';
import { single } from './_head.js';

export default single(96, 80, duplicatedPaddingReconciliation({ p: 4, q: 6 }));
