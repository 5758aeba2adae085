/**
 * `importConfig`: a tinybig model configuration (YAML or JSON, e.g. tinybig's published experiment
 * configs) -> the source of an rpnc model file using the DSL factories, with the config's
 * hyper-parameters. Only the model is imported (`configurations.model_configs`, or a bare
 * model/layer/head config); the rest of an experiment config (device, data, learner, metric, output
 * configs, seeds) does not affect inference and is ignored.
 */
import * as path from 'node:path';
import { DiagnosticError, diag, type Diagnostic } from '../diagnostics.js';
import { Converter, isObject, MODEL } from './convert.js';
import type { Component } from '../dsl/component.js';
import * as dsl from '../dsl/index.js';
import { buildModelSpec } from '../spec/build.js';
import type { Expr } from './convert.js';
import { emitModule } from './emit.js';
import { childPath, parseConfig, type ConfigFormat } from './parse.js';
import { pushAll } from '../../ir/arrays.js';

export { IMPORT_CODES } from './codes.js';
export type { ConfigFormat } from './parse.js';

/** What `importConfig` returns: the generated model source and its diagnostics. */
export interface ImportResult {
  /** The model file's source; empty when there are errors. */
  source: string;
  diagnostics: Diagnostic[];
}

/** The model part of a config: where it is and which `*_class` / `*_parameters` keys it uses. */
function findModel(value: unknown): { path: string; node: unknown; slot: { classKey: string; paramsKey: string } } | undefined {
  const top = isObject(value) && isObject(value.configurations) ? value.configurations : value;
  const base = top === value ? '' : 'configurations';
  if (!isObject(top)) return undefined;
  if ('model_configs' in top) return { path: childPath(base, 'model_configs'), node: top.model_configs, slot: MODEL };
  for (const kind of ['model', 'layer', 'head'] as const) {
    if (`${kind}_class` in top) return { path: base, node: top, slot: { classKey: `${kind}_class`, paramsKey: `${kind}_parameters` } };
  }
  return undefined;
}

/** tinybig's component configs (its tutorial configs): one component, not a model; rpnc wraps it into one head. */
const COMPONENT_SLOTS: { key: string; classKey: string; paramsKey: string; option: string }[] = [
  { key: 'data_transformation_configs', classKey: 'function_class', paramsKey: 'function_parameters', option: 'dataTransformation' },
  { key: 'parameter_reconciliation_configs', classKey: 'parameter_reconciliation_class', paramsKey: 'parameter_reconciliation_parameters', option: 'parameterFabrication' },
  { key: 'parameter_fabrication_configs', classKey: 'function_class', paramsKey: 'function_parameters', option: 'parameterFabrication' },
  { key: 'data_interdependence_function_configs', classKey: 'data_interdependence_function_class', paramsKey: 'data_interdependence_function_parameters', option: 'attributeInterdependence' },
];
function findComponent(value: unknown): { path: string; node: unknown; slot: (typeof COMPONENT_SLOTS)[number] } | undefined {
  if (!isObject(value)) return undefined;
  for (const slot of COMPONENT_SLOTS) {
    if (slot.key in value) {
      const node = value[slot.key];
      // either key style: function_class / <component>_class
      const s = isObject(node) && !(slot.classKey in node) && 'function_class' in node ? { ...slot, classKey: 'function_class', paramsKey: 'function_parameters' } : slot;
      return { path: slot.key, node, slot: s };
    }
  }
  return undefined;
}

/**
 * A component config → a model file with a single head around the component: identity expansion / identity
 * reconciliation / zero remainder fill the other slots, and m, n are the smallest widths the component accepts
 * (an instance-type interdependence goes to the instance slot). The output says so.
 */
function importComponent(parsed: ReturnType<typeof parseConfig>, found: NonNullable<ReturnType<typeof findComponent>>, fileName: string): ImportResult {
  const conv = new Converter((p) => parsed.locate(p));
  pushAll(conv.diagnostics, parsed.warnings);
  const comp = conv.component(found.node, found.path, found.slot);
  if (!comp || conv.diagnostics.some((d) => d.severity === 'error')) return { source: '', diagnostics: conv.diagnostics };
  const c = comp.value as Component;
  let option = found.slot.option;
  if (option === 'attributeInterdependence' && ['instance', 'instance_interdependence', 'left'].includes(String((c.options as Record<string, unknown>).interdependenceType))) option = 'instanceInterdependence';
  const call = (factory: string, options: [string, Expr][] = []): Expr => ({ kind: 'call', factory, options });
  const fill: Record<string, [string, () => Expr, () => Component]> = {
    dataTransformation: ['identityExpansion', () => call('identityExpansion'), () => dsl.identityExpansion()],
    parameterFabrication: ['identityReconciliation', () => call('identityReconciliation'), () => dsl.identityReconciliation()],
    remainder: ['zeroRemainder', () => call('zeroRemainder'), () => dsl.zeroRemainder()],
  };
  const headOf = (m: number, n: number): Record<string, unknown> => {
    const o: Record<string, unknown> = { m, n };
    for (const [k, [, , v]] of Object.entries(fill)) o[k] = k === option ? c : v();
    if (!(option in fill)) o[option] = c;
    return o;
  };
  const opts = c.options as Record<string, unknown>;
  const g = opts.grid as Component | undefined;
  const gridM = g ? ['h', 'w', 'd', 'universeNum'].reduce((a, k) => a * (((g.options as Record<string, unknown>)[k] as number) ?? 1), 1) : typeof opts.h === 'number' && typeof opts.w === 'number' ? (opts.h as number) * (opts.w as number) * ((opts.d as number) ?? 1) * ((opts.channelNum as number) ?? 1) : undefined;
  const ms = [...new Set([opts.m, gridM, ...Array.from({ length: 64 }, (_, i) => i + 1)].filter((x): x is number => typeof x === 'number'))];
  let sizes: { m: number; n: number } | undefined;
  search: for (const m of ms)
    for (let n = 1; n <= 16; n++) {
      try {
        buildModelSpec(dsl.head(headOf(m, n) as unknown as dsl.HeadOptions));
        sizes = { m, n };
        break search;
      } catch {
        // not these widths
      }
    }
  if (!sizes) {
    return { source: '', diagnostics: [...conv.diagnostics, diag('RPN1706', `${found.path}: no head widths m ≤ 64, n ≤ 16 fit this ${c.type}`, { hint: 'wrap the component into a head config (head_class + head_parameters with m, n) yourself', span: parsed.locate(found.path) })] };
  }
  const headOptions: [string, Expr][] = [['m', { kind: 'value', value: sizes.m }], ['n', { kind: 'value', value: sizes.n }]];
  for (const [k, [name, expr]] of Object.entries(fill)) {
    if (k === option) headOptions.push([k, comp.expr]);
    else {
      headOptions.push([k, expr()]);
      conv.used.add(name);
    }
  }
  if (!(option in fill)) headOptions.push([option, comp.expr]);
  conv.used.add('head');
  const source = emitModule({
    header: [
      `Generated by \`rpnc import\` from ${path.basename(fileName)}: ${found.path} (${String((found.node as Record<string, unknown>)[found.slot.classKey])}).`,
      'This is a component config (one tinybig component, not a model): rpnc wrapped it into a single head,',
      `with the smallest widths the component accepts (m = ${sizes.m}, n = ${sizes.n}); set m and n to your data's widths.`,
    ],
    factories: conv.used,
    consts: conv.consts,
    root: call('head', headOptions),
  });
  return { source, diagnostics: conv.diagnostics };
}

/** Turn a tinybig model config (YAML or JSON text) into the source of an rpnc model file; problems come back as diagnostics naming their path in the config. */
export function importConfig(text: string, opts: { format: ConfigFormat; fileName: string }): ImportResult {
  let parsed;
  try {
    parsed = parseConfig(text, opts.format, opts.fileName);
  } catch (e) {
    if (e instanceof DiagnosticError) return { source: '', diagnostics: e.diagnostics };
    throw e;
  }
  const model = findModel(parsed.value);
  const component = model ? undefined : findComponent(parsed.value);
  if (component) return importComponent(parsed, component, opts.fileName);
  if (!model) {
    return {
      source: '',
      diagnostics: [
        diag('RPN1703', `'${opts.fileName}' has no model configuration`, {
          hint: 'a tinybig config has configurations.model_configs (model_class + model_parameters), or is a bare model/layer/head config',
          span: parsed.locate(''),
        }),
      ],
    };
  }
  const conv = new Converter((p) => parsed.locate(p));
  pushAll(conv.diagnostics, parsed.warnings);
  // a bare head or layer config needs its m, n from its own parameters
  const root = conv.component(model.node, model.path, model.slot);
  if (!root || conv.diagnostics.some((d) => d.severity === 'error')) return { source: '', diagnostics: conv.diagnostics };
  const cls = (model.node as Record<string, unknown>)[model.slot.classKey];
  const source = emitModule({
    header: [
      `Generated by \`rpnc import\` from ${path.basename(opts.fileName)}: ${model.path || 'the config'} (${String(cls)}).`,
      'Only the model is imported; device, data, learner, metric and output configs do not affect inference.',
    ],
    factories: conv.used,
    consts: conv.consts,
    root: root.expr,
  });
  return { source, diagnostics: conv.diagnostics };
}
