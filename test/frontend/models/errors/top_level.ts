import { rpn } from 'rpnc';

let width = 3;
const cfg = { width: 2 };
cfg.width = 5;
export default rpn({ name: String(width + cfg.width), layers: [] });
