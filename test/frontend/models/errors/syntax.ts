import { rpn } from 'rpnc';

const dims = [4, 3;
export default rpn({ layers: [] });
