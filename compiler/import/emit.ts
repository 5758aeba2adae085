/**
 * DSL call tree -> TypeScript source: 2-space indentation, a call or list on one line when it fits in
 * 100 columns, else one option / item per line with trailing commas; options in the factory's order.
 */
import type { Expr } from './convert.js';

const WIDTH = 100;

export function emitModule(opts: { header: string[]; factories: Iterable<string>; consts: [string, Expr][]; root: Expr }): string {
  const names = [...new Set(opts.factories)].sort();
  const single = `import { ${names.join(', ')} } from 'rpnc';`;
  const importLine = single.length <= WIDTH ? single : `import {\n${names.map((n) => `  ${n},`).join('\n')}\n} from 'rpnc';`;
  const out = [...opts.header.map((l) => `// ${l}`.trimEnd()), importLine, ''];
  for (const [name, expr] of opts.consts) out.push(`const ${name} = ${print(expr, '', `const ${name} = `.length)};`, '');
  out.push(`export default ${print(opts.root, '', 'export default '.length)};`);
  return out.join('\n') + '\n';
}

/** `expr` printed at indentation `indent`, with `used` columns already taken on its first line. */
export function print(expr: Expr, indent: string, used: number): string {
  const flat = inline(expr);
  if (used + flat.length + 2 <= WIDTH && !flat.includes('\n')) return flat;
  const inner = indent + '  ';
  switch (expr.kind) {
    case 'call': {
      if (!expr.options.length) return flat;
      const lines = expr.options.map(([k, v]) => `${inner}${key(k)}: ${print(v, inner, inner.length + key(k).length + 2)},`);
      return `${expr.factory}({\n${lines.join('\n')}\n${indent}})`;
    }
    case 'array':
      return `[\n${expr.items.map((v) => `${inner}${print(v, inner, inner.length)},`).join('\n')}\n${indent}]`;
    default:
      return flat;
  }
}

function inline(expr: Expr): string {
  switch (expr.kind) {
    case 'call':
      return expr.options.length ? `${expr.factory}({ ${expr.options.map(([k, v]) => `${key(k)}: ${inline(v)}`).join(', ')} })` : `${expr.factory}()`;
    case 'ref':
      return expr.name;
    case 'array':
      return `[${expr.items.map(inline).join(', ')}]`;
    case 'value':
      return literal(expr.value);
  }
}

function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${key(k)}: ${literal(x)}`).join(', ')} }`;
  return String(v);
}

function key(k: string): string {
  if (k === '__proto__') return "['__proto__']"; // (written plainly or quoted, it would set the object's prototype)
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k);
}
