/**
 * Duplicate-key detection for JSON text. `JSON.parse` silently keeps the last of two equal keys;
 * a checkpoint header with `"w"` twice is ambiguous, so we scan the text ourselves.
 * The text must already be valid JSON (call `JSON.parse` first): this scanner only tracks
 * objects, arrays and strings and does not validate anything else.
 */
export interface DuplicateKey {
  key: string;
  /** Keys of the enclosing objects, outermost first (empty for the top level). */
  path: string[];
}

type Frame =
  | { kind: 'object'; keys: Set<string>; expectKey: boolean; lastKey: string | undefined; name: string | undefined }
  | { kind: 'array'; name: string | undefined };

export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  const childName = (): string | undefined => {
    const top = stack[stack.length - 1];
    return top?.kind === 'object' ? top.lastKey : top?.name;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      stack.push({ kind: 'object', keys: new Set(), expectKey: true, lastKey: undefined, name: childName() });
    } else if (ch === '[') {
      stack.push({ kind: 'array', name: childName() });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
    } else if (ch === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string; // decodes escapes: "a" ≡ "\u0061"
        if (top.keys.has(key)) {
          const path = stack.slice(1).map((f) => f.name ?? '?');
          return { key, path };
        }
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
    }
  }
  return undefined;
}
