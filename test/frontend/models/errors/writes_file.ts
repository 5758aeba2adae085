import * as fs from 'node:fs';
import { rpn } from 'rpnc';

fs.writeFileSync('/tmp/rpnc-frontend-test-pwned', 'x');
export default rpn({ layers: [] });
