/**
 * The shape of every DSL value: a plain, serialisable object naming the tinybig class it stands for.
 *
 *   taylorExpansion({ d: 3 })  ->  { kind: 'expansion', type: 'taylor_expansion', options: { d: 3, ... } }
 *
 * `options` holds every option with tinybig's defaults filled in (camelCase names).
 */
export type ComponentKind =
  | 'expansion'
  | 'reconciliation'
  | 'remainder'
  | 'fusion'
  | 'processing'
  | 'interdependence'
  /** tinybig.koala.geometry objects (grid, cuboid, cylinder, sphere) used as options of the geometric classes. */
  | 'geometry'
  | 'head'
  | 'layer'
  | 'model'
  | 'topology';

/** A DSL value: the tinybig class it stands for (`type`), its family (`kind`) and its options with defaults filled in. */
export interface Component<K extends ComponentKind = ComponentKind, T extends string = string, O = object> {
  readonly kind: K;
  /** tinybig's class name, e.g. `taylor_expansion`. */
  readonly type: T;
  readonly options: O;
}

/** An error in the options given to a factory; `option` names the offending option (camelCase). */
export class DslError extends Error {
  readonly option?: string;
  readonly hint?: string;
  constructor(message: string, opts: { option?: string; hint?: string } = {}) {
    super(message);
    this.name = 'DslError';
    this.option = opts.option;
    this.hint = opts.hint;
  }
}

type Check = (v: unknown) => string | undefined; // returns the expected type's description when wrong

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;
const finite32 = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX;

const unsafe = (v: unknown): string => (Number.isInteger(v) && !Number.isSafeInteger(v) ? ' of at most 2^53 − 1 (a double is no longer exact beyond)' : '');

/** Option checks for `make` schemas (each returns the expected type's description when a value is wrong). */
export const is = {
  // integers are safe integers (|v| ≤ 2^53 − 1): beyond, a double is no longer an exact count
  int: ((v) => (Number.isSafeInteger(v) ? undefined : `an integer${unsafe(v)}`)) as Check,
  posInt: ((v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : `a positive integer${unsafe(v)}`)) as Check,
  nonNegInt: ((v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `a non-negative integer${unsafe(v)}`)) as Check,
  /** A finite number within float32 range: it ends up a float32 constant of the graph (tinybig's float32 torch turns 1e308 into inf too). */
  number: ((v) => (finite32(v) ? undefined : 'a finite number within float32 range (|x| ≤ 3.4e38)')) as Check,
  bool: ((v) => (typeof v === 'boolean' ? undefined : 'a boolean')) as Check,
  string: ((v) => (typeof v === 'string' ? undefined : 'a string')) as Check,
  oneOf: (...values: string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.map((x) => `'${x}'`).join(', ')}`),
  pair: ((v) => (Array.isArray(v) && v.length === 2 && v.every(finite32) ? undefined : 'a pair of numbers [lo, hi] (finite, within float32 range)')) as Check,
  /** An increasing pair [lo, hi], lo < hi: a B-spline grid over an inverted or empty range has no knots in order (tinybig builds all-zero or NaN features). */
  range: ((v) => (Array.isArray(v) && v.length === 2 && v.every(finite32) && v[0] < v[1] ? undefined : 'an increasing pair [lo, hi] with lo < hi')) as Check,
  /** A finite number other than 0 (a divisor: a period or a scale). */
  nonZero: ((v) => (finite32(v) && v !== 0 ? undefined : 'a finite non-zero number (it divides)')) as Check,
  component: (...kinds: ComponentKind[]): Check => (v) => (isComponent(v) && kinds.includes(v.kind) ? undefined : `a ${kinds.join(' or ')} component`),
  componentList: (...kinds: ComponentKind[]): Check => (v) => {
    const ok = (x: unknown) => isComponent(x) && kinds.includes(x.kind);
    return ok(v) || (Array.isArray(v) && v.every(ok)) ? undefined : `a ${kinds.join(' or ')} component or a list of them`;
  },
  array: (item: Check): Check => (v) => (Array.isArray(v) && v.every((x) => item(x) === undefined) ? undefined : `an array whose items are ${item(undefined) ?? 'valid'}`),
  optional: (c: Check): Check => (v) => (v === undefined || v === null ? undefined : c(v)),
};

/** Whether a value is a DSL component (`{ kind, type, options }`). */
export function isComponent(v: unknown): v is Component {
  return typeof v === 'object' && v !== null && typeof (v as Component).kind === 'string' && typeof (v as Component).type === 'string' && typeof (v as Component).options === 'object';
}

function describe(v: unknown): string {
  if (isComponent(v)) return `${v.type} (a ${v.kind})`;
  if (Array.isArray(v)) return v.length <= 4 && v.every((x) => typeof x === 'number') ? `[${v.join(', ')}]` : `an array of length ${v.length}`;
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/**
 * Build a component: check that `given` only names known options, that each has the right type,
 * and fill in defaults. `schema` maps option name -> [check, default]. A default of `undefined`
 * means "optional, no default"; use `required` for options without a default.
 */
export const required = Symbol('required');
/** Build a component from given options and a schema (for DSL factories): unknown options, wrong types and missing required options throw `DslError`. */
export function make<K extends ComponentKind, T extends string, O>(
  kind: K,
  type: T,
  given: unknown,
  schema: Record<string, [Check, unknown]>,
): Component<K, T, O> {
  const factory = camel(type);
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new DslError(`${factory}() takes an options object, got ${describe(given)}`, { hint: `write ${factory}({ ... })` });
  }
  const g = (given ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(g)) {
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema);
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || k.replace(/_/g, '') === key.replace(/_/g, ''));
      throw new DslError(`unknown option '${key}' for ${factory}()`, {
        option: key,
        hint: near ? `did you mean '${near}'?` : known.length ? `known options: ${known.join(', ')}` : `${factory}() takes no options`,
      });
    }
  }
  const options: Record<string, unknown> = {};
  for (const [key, [check, dflt]] of Object.entries(schema)) {
    const v = g[key];
    if (v === undefined) {
      if (dflt === required) throw new DslError(`${factory}() needs option '${key}'`, { hint: `add ${key}: ... to the options` });
      if (dflt !== undefined) options[key] = dflt;
      continue;
    }
    const wrong = check(v);
    if (wrong !== undefined) {
      throw new DslError(`option '${key}' of ${factory}() must be ${wrong}, got ${describe(v)}`, { option: key });
    }
    options[key] = v;
  }
  return { kind, type, options: options as O };
}

/** tinybig class name -> factory name (`gaussian_rbf_expansion` -> `gaussianRbfExpansion`). */
export function camel(name: string): string {
  return name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
}
