/**
 * The mutation mode of the fuzzer (`npm run fuzz:mutate`): a valid drawn model (fuzz/arbitraries.ts)
 * with ONE option changed to a value at or beyond its edge — 0, ±1, -0, 0.5, 2^31, 1e9, 1e308, NaN,
 * ±Infinity, 1e309; a neighbour (v ± 1, −v, 2v, v/2: odd dims); an inverted, zero-width, empty,
 * one-element or over-long numeric array, an element of one set to an edge; a wrong-typed value
 * (a string or boolean for a number, a number for a string or a component); a dropped option
 * (required ones included); a list (layers, heads, functions) emptied, or one element dropped or
 * duplicated. Options the drawn model leaves at their default are mutated too (the DSL factory's
 * defaults name them). fuzz/mutant-property.ts says what rpnc must answer.
 */
import fc from 'fast-check';
import * as dsl from '../compiler/dsl/index.js';
import { isComponent } from '../compiler/dsl/component.js';
import { fuzzCase } from './arbitraries.js';
import { type Call, type FuzzCase, type Value, isCall, isRaw } from './describe.js';
import { type Path, setAt } from './reduce.js';

/** A place in the model AST where an option lives (present, or absent with a default). */
interface Site {
  path: Path;
  fn: string;
  key: string;
  /** The drawn value, or the factory's default when the option is absent. */
  value: Value | undefined;
  present: boolean;
}
interface Mutation {
  what: string;
  /** undefined: drop the option. */
  value: Value | undefined;
}
export interface MutantCase extends FuzzCase {
  /** `fn.option: what was done`, e.g. `bsplineExpansion.gridRange: reversed [1, -1]`. */
  mutation: string;
}

const factories = dsl as unknown as Record<string, unknown>;
const defaultsCache = new Map<string, Record<string, Value>>();
/** The factory's defaults that are plain values (numbers, strings, booleans, numeric arrays). */
function defaults(fn: string): Record<string, Value> {
  let d = defaultsCache.get(fn);
  if (d) return d;
  d = {};
  const f = factories[fn];
  if (typeof f === 'function') {
    try {
      const c = (f as (o: object) => unknown)({});
      if (isComponent(c)) {
        for (const [k, v] of Object.entries(c.options as Record<string, unknown>)) {
          if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') d[k] = v;
          else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) d[k] = v as number[];
        }
      }
    } catch {
      // a factory with required options: only its drawn options are mutated
    }
  }
  defaultsCache.set(fn, d);
  return d;
}

function sites(v: Value, path: Path, out: Site[]): Site[] {
  if (Array.isArray(v)) v.forEach((x, i) => sites(x, [...path, i], out));
  else if (isCall(v)) {
    const opts = v.opts ?? {};
    for (const [k, x] of Object.entries(opts)) {
      out.push({ path: [...path, k], fn: v.fn, key: k, value: x, present: true });
      sites(x, [...path, k], out);
    }
    for (const [k, x] of Object.entries(defaults(v.fn))) if (!(k in opts)) out.push({ path: [...path, k], fn: v.fn, key: k, value: x, present: false });
  }
  return out;
}

const raw = (src: string): Value => ({ src });
/** Edge numbers, printed as source that evaluates to them. */
const EDGES: Mutation[] = [
  { what: '0', value: 0 },
  { what: '-1', value: -1 },
  { what: '-0', value: raw('-0') },
  { what: '1', value: 1 },
  { what: '0.5', value: 0.5 },
  { what: '2**31', value: 2 ** 31 },
  { what: '1e9', value: 1e9 },
  { what: '1e308', value: raw('1e308') },
  { what: 'NaN', value: raw('NaN') },
  { what: 'Infinity', value: raw('Infinity') },
  { what: '-Infinity', value: raw('-Infinity') },
  { what: '1e309', value: raw('1e309') },
  { what: '-1e-300', value: raw('-1e-300') },
];
const show = (v: Value): string => JSON.stringify(v, (_, x) => (isRaw(x as Value) ? (x as { src: string }).src : x));

function mutations(s: Site): Mutation[] {
  const v = s.value;
  const out: Mutation[] = [];
  if (s.present) out.push({ what: 'dropped', value: undefined });
  if (typeof v === 'number') {
    out.push(...EDGES);
    if (Number.isFinite(v)) out.push({ what: `${v}+1`, value: v + 1 }, { what: `${v}-1`, value: v - 1 }, { what: `-(${v})`, value: -v }, { what: `2*${v}`, value: 2 * v }, { what: `${v}/2`, value: v / 2 });
    out.push({ what: 'a string', value: String(v) }, { what: 'a boolean', value: true }, { what: 'an array', value: [v] });
  } else if (typeof v === 'string') {
    out.push({ what: "''", value: '' }, { what: "'bogus'", value: 'bogus' }, { what: 'a number', value: 1 }, { what: `'${v.toUpperCase()}'`, value: v.toUpperCase() });
  } else if (typeof v === 'boolean') {
    out.push({ what: `${!v}`, value: !v }, { what: 'a string', value: String(v) }, { what: 'a number', value: 0 });
  } else if (Array.isArray(v)) {
    out.push({ what: '[]', value: [] }, { what: 'a number', value: 1 });
    if (v.length > 1) for (let i = 0; i < v.length; i++) out.push({ what: `element ${i} dropped`, value: v.filter((_, j) => j !== i) });
    for (let i = 0; i < v.length; i++) out.push({ what: `element ${i} duplicated`, value: [...v.slice(0, i + 1), ...v.slice(i)] });
    if (v.every((x) => typeof x === 'number')) {
      const xs = v as number[];
      if (xs.length > 1) out.push({ what: 'reversed', value: [...xs].reverse() }, { what: 'zero-width', value: xs.map(() => xs[0]!) }, { what: 'one element', value: [xs[0]!] });
      for (let i = 0; i < xs.length; i++) for (const e of EDGES) out.push({ what: `element ${i} = ${e.what}`, value: xs.map((x, j) => (j === i ? e.value! : x)) });
    }
  } else if (v !== undefined && (isCall(v) || isRaw(v))) {
    out.push({ what: 'a number', value: 1 }, { what: 'a string', value: 'x' }, { what: '[]', value: [] });
  }
  return out;
}

/** Apply mutation number `j` (mod the count) at site number `i` (mod the count) of a case. */
export function mutate(c: FuzzCase, i: number, j: number): MutantCase {
  const all = sites(c.model, [], []);
  if (!all.length) return { ...c, mutation: 'none (no options)' };
  const s = all[i % all.length]!;
  const ms = mutations(s);
  if (!ms.length) return { ...c, mutation: 'none' };
  const m = ms[j % ms.length]!;
  const model = setAt(c.model, s.path, m.value) as Call;
  const from = s.present ? show(s.value!) : `default ${show(s.value!)}`;
  return { ...c, model, mutation: `${s.fn}.${s.key}: ${m.what} (was ${from})${m.value === undefined ? '' : ` → ${show(m.value)}`}` };
}

/** Random mutants of random valid models. */
export function mutantCase(): fc.Arbitrary<MutantCase> {
  // two rows at least: a mutation can bring in a BatchNorm on batch statistics (resnet's withBatchNorm), which needs two
  return fc.tuple(fuzzCase(), fc.nat(), fc.nat()).map(([c, i, j]) => mutate({ ...c, rows: Math.max(2, c.rows) }, i, j));
}
