import { rpn } from 'rpnc';

const g = globalThis as unknown as { process: { exit(code: number): void } };
const done = g.process.exit(3);
export default rpn({ name: String(done), layers: [] });
