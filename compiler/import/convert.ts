/**
 * tinybig model config -> DSL call tree. Each `{ *_class, *_parameters }` node becomes a call of the
 * factory of that class (registry.ts) with the config's parameters in camelCase; the factory itself
 * is called on the converted values, so its option checks are the import's checks too.
 *
 * tinybig's config machinery, reproduced here:
 *   - `model_parameters.layer_configs` with `depth` / `depth_alloc` and `layer_parameters.head_configs`
 *     with `width` / `width_alloc` (tinybig's `process_num_alloc_configs`): config i is instantiated
 *     alloc[i] times, each a module of its own (own weights);
 *   - a head inside a layer gets the layer's m and n (tinybig overwrites them);
 *   - `X_configs` -> option X (`data_transformation_configs` -> dataTransformation,
 *     `output_process_function_configs` -> outputProcessFunctions, `head_configs` -> heads); a list stays a
 *     list, a single function config is a single function; `X_functions` given as function names
 *     (`torch.nn.functional.silu`) win over `X_function_configs`, as in tinybig;
 *   - `device`, `parameters_init_method` and null parameters do not affect inference and are skipped.
 */
import { camel, DslError, type Component } from '../dsl/component.js';
import { diag, type Diagnostic, type SourceSpan } from '../diagnostics.js';
import { childPath } from './parse.js';
import { MAX_BRANCHES, MAX_LAYERS } from '../spec/limits.js';
import { factoryForClass, factoryForFunctionName, nearestClass } from './registry.js';

/** A node of the generated source. */
export type Expr =
  | { kind: 'call'; factory: string; options: [string, Expr][] }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'value'; value: unknown };

interface Converted {
  expr: Expr;
  value: unknown;
}

type Slot = { classKey: string; paramsKey: string };
const FUNCTION: Slot = { classKey: 'function_class', paramsKey: 'function_parameters' };
const LAYER: Slot = { classKey: 'layer_class', paramsKey: 'layer_parameters' };
const HEAD: Slot = { classKey: 'head_class', paramsKey: 'head_parameters' };
export const MODEL: Slot = { classKey: 'model_class', paramsKey: 'model_parameters' };

/** Parameters that only matter for training or placement. */
const IGNORED = new Set(['device', 'parameters_init_method']);
/** Base-class parameters tinybig accepts on every class of a family; at these values they have no effect. */
const NO_EFFECT: Record<string, Record<string, unknown>> = {
  remainder: { requireParameters: false, enableBias: false },
  // tinybig's require_parameters / require_data (the tutorial configs give them): accepted at the class's defaults
  reconciliation: { requireParameters: true },
  interdependence: { requireParameters: false, requireData: false },
  parameterizedInterdependence: { requireParameters: true, requireData: false },
};

export class Converter {
  readonly diagnostics: Diagnostic[] = [];
  readonly used = new Set<string>();
  readonly consts: [string, Expr][] = [];

  constructor(private readonly locate: (path: string) => SourceSpan | undefined) {}

  error(code: string, message: string, path: string, hint?: string): undefined {
    this.diagnostics.push(diag(code, message, { hint, span: this.locate(path) }));
    return undefined;
  }

  /** A `{ <slot.classKey>, <slot.paramsKey> }` node at `path`. `inherited` = m, n a layer gives its heads. */
  component(node: unknown, path: string, slot: Slot, inherited?: { m: unknown; n: unknown }): Converted | undefined {
    if (!isObject(node)) return this.error('RPN1706', `${path} must be a mapping with '${slot.classKey}', got ${show(node)}`, path);
    const cls = node[slot.classKey];
    if (cls === undefined || cls === null) return this.error('RPN1705', `missing '${slot.classKey}' in ${path}`, path, `name the tinybig class, e.g. ${slot.classKey}: ${example(slot)}`);
    const clsPath = childPath(path, slot.classKey);
    if (typeof cls !== 'string') return this.error('RPN1706', `${clsPath} must be a class name (a string), got ${show(cls)}`, clsPath);
    const f = factoryForClass(cls);
    if (!f) {
      const near = nearestClass(cls);
      return this.error('RPN1704', `unsupported class '${cls}' at ${clsPath}: rpnc has no component for it`, clsPath, near ? `did you mean '${near}'? (docs/components.md lists every supported class)` : 'docs/components.md lists every supported tinybig class');
    }
    const paramsPath = childPath(path, slot.paramsKey);
    const params = node[slot.paramsKey] ?? {};
    if (!isObject(params)) return this.error('RPN1706', `${paramsPath} must be a mapping of parameters, got ${show(params)}`, paramsPath);

    // keyed by names from the config: no prototype, so 'constructor' or '__proto__' are just unknown names
    const options: Record<string, Converted> = Object.create(null);
    const origin: Record<string, string> = Object.create(null); // option -> config path (for diagnostics)
    let failed = false;
    const set = (option: string, key: string, c: Converted | undefined) => {
      if (!c) failed = true;
      else {
        options[option] = c;
        origin[option] = childPath(paramsPath, key);
      }
    };

    if (Object.hasOwn(params, 'layer_configs') && params.layer_configs !== null) {
      set('layers', 'layer_configs', this.repeated(params, paramsPath, 'layer_configs', 'depth', LAYER, () => undefined));
    }
    if (Object.hasOwn(params, 'head_configs') && params.head_configs !== null) {
      const m = params.m ?? inherited?.m;
      const n = params.n ?? inherited?.n;
      set('heads', 'head_configs', this.repeated(params, paramsPath, 'head_configs', 'width', HEAD, () => ({ m, n })));
    }
    const consumed = new Set([...(Object.hasOwn(params, 'layer_configs') ? ['layer_configs', 'depth', 'depth_alloc'] : []), ...(Object.hasOwn(params, 'head_configs') ? ['head_configs', 'width', 'width_alloc'] : [])]);
    for (const [key, value] of Object.entries(params)) {
      if (consumed.has(key) || IGNORED.has(key) || value === null || value === undefined) continue;
      const keyPath = childPath(paramsPath, key);
      if (key.endsWith('_configs')) {
        const option = camel(key.replace(/_function_configs$/, '_functions').replace(/_configs$/, ''));
        const direct = own(params, snake(option));
        if (direct !== null && direct !== undefined) continue; // tinybig: functions given directly win over their configs
        // geometry objects: patch_configs = { patch_class, patch_parameters }, grid_configs = { grid_class, grid_parameters }
        const slotName = key.replace(/_configs$/, '');
        if (isObject(value) && Object.hasOwn(value, `${slotName}_class`)) set(option, key, this.component(value, keyPath, { classKey: `${slotName}_class`, paramsKey: `${slotName}_parameters` }));
        else set(option, key, this.functions(value, keyPath));
      } else if (key.endsWith('_functions') && (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))) {
        set(camel(key), key, this.functionNames(value, keyPath));
      } else if (key.endsWith('_functions') || key === 'heads' || key === 'layers') {
        failed = true;
        const configsKey = `${key.slice(0, -1)}_configs`;
        this.error('RPN1706', `${keyPath}: a config gives these as '${configsKey}' (${key === 'heads' || key === 'layers' ? `${key.slice(0, -1)}_class + ${key.slice(0, -1)}_parameters` : 'function_class + function_parameters, or function names'})`, keyPath);
      } else {
        set(camel(key), key, { expr: { kind: 'value', value }, value });
      }
    }
    if (inherited) {
      for (const k of ['m', 'n'] as const) if (inherited[k] !== undefined && inherited[k] !== null) set(k, k, { expr: { kind: 'value', value: inherited[k] }, value: inherited[k] });
    }
    if (failed) return undefined;

    // Call the factory (its checks are the import's checks); drop no-effect base-class parameters.
    const family = /^tinybig\.interdependence\..*parameterized/.test(cls) ? 'parameterizedInterdependence' : (cls.split('.')[1] ?? '');
    const given = Object.fromEntries(Object.entries(options).map(([k, c]) => [k, c.value]));
    let value: Component | undefined;
    for (;;) {
      try {
        value = f.fn(given);
        break;
      } catch (e) {
        if (!(e instanceof DslError)) throw e;
        const opt = e.option;
        const noEffect = own(NO_EFFECT, family) as Record<string, unknown> | undefined;
        if (opt && /^unknown option/.test(e.message) && noEffect && Object.hasOwn(noEffect, opt) && noEffect[opt] === given[opt]) {
          delete given[opt];
          delete options[opt];
          continue;
        }
        return this.factoryError(e, cls, opt ? origin[opt] : undefined, paramsPath, options);
      }
    }
    this.used.add(f.name);
    const order = Object.keys(value.options as object);
    const entries = Object.entries(options).sort(([a], [b]) => rank(order, a) - rank(order, b));
    return { expr: { kind: 'call', factory: f.name, options: entries.map(([k, c]) => [k, c.expr]) }, value };
  }

  /** `layer_configs` / `head_configs` with their count and allocation (tinybig's process_num_alloc_configs). */
  private repeated(params: Record<string, unknown>, paramsPath: string, key: string, countKey: string, slot: Slot, inherit: () => { m: unknown; n: unknown } | undefined): Converted | undefined {
    const allocKey = `${countKey}_alloc`;
    const configs = Array.isArray(params[key]) ? (params[key] as unknown[]) : [params[key]];
    let num = params[countKey] ?? null;
    let alloc = params[allocKey] ?? null;
    const countPath = childPath(paramsPath, countKey);
    const allocPath = childPath(paramsPath, allocKey);
    if (num !== null && !(Number.isInteger(num) && (num as number) > 0)) return this.error('RPN1706', `${countPath} must be a positive integer, got ${show(num)}`, countPath);
    if (alloc === null) {
      if (configs.length === num || num === null) alloc = configs.map(() => 1);
      else if (configs.length === 1) alloc = [num];
      else return this.error('RPN1706', `${countPath} is ${num} but ${paramsPath}.${key} has ${configs.length} entries and there is no ${allocKey}`, countPath, `give ${allocKey} (how many times each entry is repeated), as tinybig requires`);
    }
    const allocs = Array.isArray(alloc) ? alloc : [alloc];
    if (!allocs.every((a) => Number.isInteger(a) && a >= 0)) return this.error('RPN1706', `${allocPath} must be a list of non-negative integers, got ${show(alloc)}`, allocPath);
    const total = (allocs as number[]).reduce((s, a) => s + a, 0);
    if (allocs.length !== configs.length || (num !== null && total !== num)) {
      return this.error('RPN1706', `${allocPath} ${show(alloc)} does not match ${configs.length} ${key} entries${num !== null ? ` and ${countKey} ${num}` : ''}`, allocPath);
    }
    // before anything is instantiated: depth_alloc [20000] would write (and build) 20,000 layers
    const max = slot === LAYER ? MAX_LAYERS : MAX_BRANCHES;
    if (total > max) {
      const where = params[allocKey] !== undefined ? allocPath : countPath;
      return this.error('RPN1706', `${where} makes ${total} ${slot === LAYER ? 'layers' : 'heads'}; rpnc compiles at most ${max}`, where, `use ${countKey} ≤ ${max}`);
    }
    num = total;
    const items: Converted[] = [];
    let failed = false;
    configs.forEach((cfg, i) => {
      const p = Array.isArray(params[key]) ? childPath(childPath(paramsPath, key), i) : childPath(paramsPath, key);
      const c = this.component(cfg, p, slot, inherit());
      if (!c) return void (failed = true);
      const times = (allocs as number[])[i];
      if (times > 1) {
        const name = slot === LAYER ? `layer${i}` : `${slot === HEAD ? 'head' : 'part'}${this.consts.length}`;
        this.consts.push([name, c.expr]);
        for (let t = 0; t < times; t++) items.push({ expr: { kind: 'ref', name }, value: c.value });
      } else if (times === 1) items.push(c);
    });
    if (failed) return undefined;
    return { expr: { kind: 'array', items: items.map((c) => c.expr) }, value: items.map((c) => c.value) };
  }

  /** A `*_configs` value: one function config, or a list of them. */
  private functions(value: unknown, path: string): Converted | undefined {
    if (Array.isArray(value)) {
      const items = value.map((v, i) => this.component(v, childPath(path, i), FUNCTION));
      if (items.some((c) => !c)) return undefined;
      return { expr: { kind: 'array', items: items.map((c) => c!.expr) }, value: items.map((c) => c!.value) };
    }
    if (isObject(value) && !Object.hasOwn(value, 'function_class') && !Object.hasOwn(value, 'function_parameters') && Object.values(value).every(isObject) && Object.keys(value).length) {
      return this.error('RPN1706', `${path}: a mapping of named function configs is not supported (tinybig passes it on as a dict)`, path, 'give a list of function configs');
    }
    return this.component(value, path, FUNCTION);
  }

  /** `*_functions` given as names (`torch.nn.functional.silu`), as tinybig's str_func_x reads them. */
  private functionNames(value: string | string[], path: string): Converted | undefined {
    const one = (s: string, p: string): Converted | undefined => {
      const f = factoryForFunctionName(s);
      if (!f) return this.error('RPN1704', `unsupported function '${s}' at ${p}`, p, 'rpnc imports the element-wise torch.nn.functional names (relu, leaky_relu, sigmoid, tanh, silu, gelu, celu, softplus) and torch.exp; use a function config for others');
      this.used.add(f.name);
      return { expr: { kind: 'call', factory: f.name, options: [] }, value: f.fn({}) };
    };
    if (typeof value === 'string') return one(value, path);
    const items = value.map((s, i) => one(s, childPath(path, i)));
    if (items.some((c) => !c)) return undefined;
    return { expr: { kind: 'array', items: items.map((c) => c!.expr) }, value: items.map((c) => c!.value) };
  }

  private factoryError(e: DslError, cls: string, optionPath: string | undefined, paramsPath: string, options: Record<string, Converted>): undefined {
    const opt = e.option;
    const needs = /needs option '([^']+)'/.exec(e.message);
    if (needs) {
      const key = (own(CONFIG_KEYS, needs[1]) as string | undefined) ?? snake(needs[1]);
      return this.error('RPN1705', `missing required parameter '${key}' of ${cls} in ${paramsPath}`, paramsPath, `add ${key}: ... to ${paramsPath}`);
    }
    const path = optionPath ?? paramsPath;
    const key = path.slice(path.lastIndexOf('.') + 1);
    if (/^unknown option/.test(e.message)) {
      return this.error('RPN1706', `unknown parameter '${key}' of ${cls} at ${path}`, path, e.hint?.replace(/'([a-zA-Z0-9]+)'/g, (_, o: string) => `'${snake(o)}'`).replace(/known options: (.*)$/, (_, l: string) => `rpnc knows: ${l.split(', ').map(snake).join(', ')}`));
    }
    // a nested component of the wrong family: point at its class
    const nested = opt ? options[opt] : undefined;
    const at = nested && nested.expr.kind === 'call' ? childPath(path, 'function_class') : path;
    const wrong = / must be (.*)$/.exec(e.message)?.[1] ?? e.message;
    return this.error('RPN1706', `bad parameter '${key}' of ${cls} at ${path}: must be ${wrong}`, at, e.hint);
  }
}

/** DSL options that come from a `*_configs` key. */
const CONFIG_KEYS: Record<string, string> = { layers: 'layer_configs', heads: 'head_configs', dataTransformation: 'data_transformation_configs' };

function rank(order: string[], k: string): number {
  const i = order.indexOf(k);
  return i < 0 ? order.length : i;
}

/** camelCase option -> tinybig's snake_case parameter (`channelNum` -> `channel_num`, `sigma1` -> `sigma_1`). */
export function snake(option: string): string {
  if (option === 'preC' || option === 'postC') return `${option.slice(0, -1)}_C`; // linear_compression's pre_C / post_C
  if (/^[A-Z]+$/.test(option)) return option; // fourier's P, N
  return option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/([a-z])(\d)/g, '$1_$2');
}

/** `o[k]` when `o` has it as its own key (never Object.prototype's constructor, toString, __proto__…). */
export function own(o: object, k: string): unknown {
  return Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function example(slot: Slot): string {
  return slot === FUNCTION ? 'tinybig.expansion.taylor_expansion' : slot === LAYER ? 'tinybig.module.rpn_layer' : slot === HEAD ? 'tinybig.module.rpn_head' : 'tinybig.model.rpn';
}
