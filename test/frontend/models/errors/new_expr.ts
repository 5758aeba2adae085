import { rpn } from 'rpnc';

const names = new Map<string, string>();
export default rpn({ name: names.get('x') ?? 'x', layers: [] });
