import { rpn } from 'rpnc';
import { dims } from 'some-package';
import { other } from './does-not-exist.ts';

export default rpn({ name: `${dims}${other}`, layers: [] });
