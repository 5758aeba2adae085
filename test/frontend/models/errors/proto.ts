import { rpn } from 'rpnc';

const base: Record<string, unknown> = {};
const polluted = { ['__pro' + 'to__']: { polluted: true } };
export default rpn({ name: String(Object.keys(polluted).length + Object.keys(base).length), layers: [] });
