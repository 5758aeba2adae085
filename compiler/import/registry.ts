/**
 * tinybig / torch class names in a config -> rpnc DSL factories (by the README's naming rule).
 *
 *   tinybig.expansion.taylor_expansion  -> taylorExpansion   (camelCase of the class name)
 *   tinybig.module.rpn_layer            -> layer             (aliases print as their canonical factory)
 *   torch.nn.BatchNorm1d                -> batchNorm1d       (the torch class in lower camelCase)
 *   'torch.nn.functional.silu' / 'silu' -> silu              (tinybig's function strings, see below)
 */
import * as dsl from '../dsl/index.js';
import { camel, isComponent, type Component } from '../dsl/component.js';

type Factory = (options?: unknown) => Component;
const exports_ = dsl as unknown as Record<string, unknown>;
const NOT_FACTORIES = new Set(['camel', 'make', 'isComponent', 'DslError', 'is', 'required']);
const ALIASES: Record<string, string> = { rpnLayer: 'layer', rpnHead: 'head' };

function factory(name: string): Factory | undefined {
  const f = Object.hasOwn(exports_, name) ? exports_[name] : undefined;
  return typeof f === 'function' && !NOT_FACTORIES.has(name) ? (f as Factory) : undefined;
}

/** The DSL factory for a `*_class` value, or undefined when rpnc has none. */
export function factoryForClass(cls: string): { name: string; fn: Factory } | undefined {
  const parts = cls.split('.');
  const last = parts[parts.length - 1];
  if (parts[0] === 'tinybig' && parts.length >= 2) {
    const name = (Object.hasOwn(ALIASES, camel(last)) ? ALIASES[camel(last)] : undefined) ?? camel(last);
    const fn = factory(name);
    return fn ? { name, fn } : undefined;
  }
  if (parts[0] === 'torch' && parts[1] === 'nn' && parts[2] !== 'functional' && /^[A-Z]/.test(last)) {
    // torch modules: the processing factory whose name is the class name in lower case
    const name = Object.keys(exports_).find((k) => k.toLowerCase() === last.toLowerCase() && factory(k));
    return name ? { name, fn: factory(name)! } : undefined;
  }
  if (cls === 'torch.exp') return { name: 'exp', fn: factory('exp')! };
  return undefined;
}

/**
 * tinybig's processing slots also take function *names* (`activation_functions: torch.nn.functional.silu`),
 * run by tinybig's `function.str_func_x`: `torch.nn.functional.<f>` or a bare `<f>` (looked up in
 * torch.nn.functional). It applies these functionals with their defaults; rpnc supports the
 * element-wise ones. (`dropout`/`layer_norm`/batch norms are run in training mode or with a width only
 * known at run time there, so they are not imported.)
 */
const FUNCTIONALS: Record<string, string> = {
  sigmoid: 'sigmoid',
  relu: 'relu',
  leaky_relu: 'leakyRelu',
  tanh: 'tanh',
  softplus: 'softplus',
  silu: 'silu',
  celu: 'celu',
  gelu: 'gelu',
};

export function factoryForFunctionName(s: string): { name: string; fn: Factory } | undefined {
  if (s === 'torch.exp') return { name: 'exp', fn: factory('exp')! };
  const f = s.includes('.') ? (s.startsWith('torch.nn.functional.') ? s.slice('torch.nn.functional.'.length) : undefined) : s.toLowerCase();
  const name = f !== undefined && Object.hasOwn(FUNCTIONALS, f) ? FUNCTIONALS[f] : undefined;
  return name ? { name, fn: factory(name)! } : undefined;
}

/** The closest tinybig-style class name rpnc supports (for a 'did you mean' hint), if one is close. */
export function nearestClass(cls: string): string | undefined {
  const last = cls.split('.').pop() ?? cls;
  const torch = cls.startsWith('torch.');
  let best: [number, string] | undefined;
  for (const name of Object.keys(exports_)) {
    if (!factory(name)) continue;
    const candidate = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const d = distance(torch ? last.toLowerCase() : last, torch ? name.toLowerCase() : candidate);
    if (d <= Math.max(2, Math.floor(last.length / 5)) && (!best || d < best[0])) best = [d, torch ? name : candidate];
  }
  if (!best) return undefined;
  return torch ? undefined : `${cls.slice(0, cls.length - last.length)}${best[1]}`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
