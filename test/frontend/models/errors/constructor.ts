import { rpn } from 'rpnc';

const f = (() => 1).constructor;
export default rpn({ name: String(f), layers: [] });
