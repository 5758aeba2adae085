// expect: exit=1 code=RPN1003 at=2:10
import { sized, gridInterdependenceHead } from 'rpnc';
export default sized(gridInterdependenceHead({ h: 4, w: 4, pH: 1 }), 'interdependence', 'x');
