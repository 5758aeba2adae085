/**
 * The rpnc DSL: what model files import (`import { rpn, layer, head, taylorExpansion } from 'rpnc'`).
 *
 * Naming rule: one factory per tinybig class, named the camelCase of the class name; options are the
 * camelCase of tinybig's parameter names with tinybig's defaults. Processing functions are named after
 * the torch class in lower camelCase (`ReLU` -> `relu`, `BatchNorm1d` -> `batchNorm1d`).
 * Every factory returns a plain object `{ kind, type, options }`.
 */
export * from './component.js';
export * from './processing.js';
export * from './expansion.js';
export * from './reconciliation.js';
export * from './remainder.js';
export * from './fusion.js';
export * from './interdependence.js';
export * from './module.js';
export * from './grid.js';
export * from './chain.js';
export * from './graph.js';
export * from './kernel.js';
export * from './bilinear.js';
export * from './compression.js';
