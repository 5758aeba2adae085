/**
 * A fuzz case: a model description (a small JSON-able AST of DSL factory calls), the batch size and
 * the seeds of the weights and the input, and `toModelSource`, which prints it as a readable TS model
 * file (`import { … } from 'rpnc'; export default …`).
 */

/** A DSL factory call: `fn({ ...opts })` (`fn()` when opts is absent or empty). */
export interface Call {
  fn: string;
  opts?: { [key: string]: Value };
}
/** `{ src }`: a value written as raw source text (`-0`, `1e309`, `NaN`), for the mutation mode. */
export interface Raw {
  src: string;
}
export type Value = number | string | boolean | Call | Raw | Value[];

export interface FuzzCase {
  /** The default export of the model file. */
  model: Call;
  /** Batch size of the random input. */
  rows: number;
  /** `--seed` of rpnc's weight initialisation. */
  seed: number;
  /** Seed of the input batch (uniform in [-1, 1)). */
  inputSeed: number;
}

export const call = (fn: string, opts?: { [key: string]: Value | undefined }): Call => {
  if (!opts) return { fn };
  const clean: { [key: string]: Value } = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) clean[k] = v;
  return Object.keys(clean).length ? { fn, opts: clean } : { fn };
};

export function isCall(v: Value): v is Call {
  return typeof v === 'object' && !Array.isArray(v) && typeof (v as Call).fn === 'string';
}

export function isRaw(v: Value): v is Raw {
  return typeof v === 'object' && !Array.isArray(v) && typeof (v as Raw).src === 'string';
}

function factories(v: Value, out: Set<string>): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => factories(x, out));
  else if (isCall(v)) {
    out.add(v.fn);
    Object.values(v.opts ?? {}).forEach((x) => factories(x, out));
  }
  return out;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function printValue(v: Value, indent: string): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/^"|"$/g, "'");
  if (typeof v === 'boolean') return String(v);
  if (isRaw(v)) return v.src;
  if (Array.isArray(v)) {
    const flat = `[${v.map((x) => printValue(x, indent)).join(', ')}]`;
    if (flat.length <= 100 && !flat.includes('\n')) return flat;
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + printValue(x, inner)).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(v.opts ?? {});
  if (!entries.length) return `${v.fn}()`;
  const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
  const flat = `${v.fn}({ ${entries.map(([k, x]) => `${key(k)}: ${printValue(x, indent)}`).join(', ')} })`;
  if (flat.length <= 100 && !flat.includes('\n')) return flat;
  const inner = indent + '  ';
  return `${v.fn}({\n${entries.map(([k, x]) => `${inner}${key(k)}: ${printValue(x, inner)}`).join(',\n')},\n${indent}})`;
}

/** The model file of a fuzz case (TypeScript text whose default export is the model). */
export function toModelSource(c: FuzzCase, comment?: string): string {
  const names = [...factories(c.model, new Set())].sort();
  const lines = [
    ...(comment ? comment.split('\n').map((l) => `// ${l}`) : []),
    `// fuzz case: rows = ${c.rows}, seed = ${c.seed}, inputSeed = ${c.inputSeed}`,
    `import { ${names.join(', ')} } from 'rpnc';`,
    '',
    `export default ${printValue(c.model, '')};`,
    '',
  ];
  return lines.join('\n');
}

/** Read back the case parameters from a file written by `toModelSource`. */
export function caseParams(source: string): { rows: number; seed: number; inputSeed: number } | undefined {
  const m = /fuzz case: rows = (\d+), seed = (-?\d+), inputSeed = (-?\d+)/.exec(source);
  return m ? { rows: Number(m[1]), seed: Number(m[2]), inputSeed: Number(m[3]) } : undefined;
}
