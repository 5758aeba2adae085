// expect: exit=1 code=RPN1201 at=4:47
import { kan } from 'rpnc';
// a zero-width grid: tinybig divides 0 by 0 (NaN features)
export default kan({ dims: [2, 2], gridRange: [0.5, 0.5] });
