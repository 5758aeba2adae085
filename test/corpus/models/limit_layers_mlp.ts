// expect: exit=1 code=RPN2301 at=3:28
import { mlp } from 'rpnc';
export default mlp({ dims: Array.from({ length: 131_073 }, () => 4) });
