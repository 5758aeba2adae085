/**
 * How deep a config nests, measured on the YAML lexer's flat token stream before anything recursive
 * (PyYAML-style composition, toJS, the span walk, the converter, the emitter) sees it: every one of
 * those recurses once per level, so a 5,000-deep `[[[…]]]` would overflow the call stack.
 *
 * The depth counted is flow brackets (`[`, `{`) plus block levels (distinct indentation columns of the
 * lines, and each compact `- - ` item): an upper bound of the nesting within one level per block
 * collection. tinybig configs nest about 15 deep.
 */
import { CST, Lexer } from 'yaml';

/** Levels of nesting a config may have (flow brackets plus block indentation levels). */
export const MAX_CONFIG_DEPTH = 100;

/** The offset of the first token nested deeper than `limit`, or undefined. Stops there: linear in the text read. */
export function tooDeep(text: string, limit = MAX_CONFIG_DEPTH): number | undefined {
  const block: number[] = []; // indentation columns of the open block levels
  let flow = 0;
  let offset = 0;
  let col = 0;
  let lineStart = true;
  for (const src of new Lexer().lex(text)) {
    if (src === '\x02' || src === '\x18' || src === '\x1f') continue; // the lexer's own markers: not in the text
    const type = CST.tokenType(src);
    const at = col;
    const nl = src.lastIndexOf('\n');
    offset += src.length;
    col = nl < 0 ? col + src.length : src.length - nl - 1;
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    else if (flow === 0 && type !== 'space' && type !== 'newline' && type !== 'comment') {
      if (lineStart) {
        while (block.length && block[block.length - 1] > at) block.pop();
        if (!block.length || block[block.length - 1] < at) block.push(at);
      } else if (type === 'seq-item-ind' || type === 'explicit-key-ind') {
        block.push(at); // `- - x`: a sequence in a sequence on one line
      }
    }
    if (type !== 'space' || nl >= 0) lineStart = src.endsWith('\n');
    if (block.length + flow > limit) return offset - src.length;
  }
  return undefined;
}

/** Whether a parsed value (aliases expanded) nests deeper than `limit`: an explicit stack, each shared value visited once per depth. */
export function valueTooDeep(value: unknown, limit = MAX_CONFIG_DEPTH): boolean {
  const seen = new Map<object, number>();
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > limit) return true;
    if ((seen.get(v) ?? -1) >= d) continue;
    seen.set(v, d);
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}
