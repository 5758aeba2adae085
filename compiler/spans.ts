/**
 * Source spans attached to evaluated DSL values, without changing the values themselves.
 * The front end records where each component (call expression) and each option (property of an
 * options object literal) came from; validation uses these to point at the option that is wrong.
 */
import type { SourceSpan } from './diagnostics.js';

const objectSpans = new WeakMap<object, SourceSpan>();
const propertySpans = new WeakMap<object, Map<string, SourceSpan>>();

/** Span of the expression that produced `obj` (for a component: its factory call). */
export function setSpan(obj: object, span: SourceSpan): void {
  if (!objectSpans.has(obj)) objectSpans.set(obj, span);
}
export function getSpan(obj: unknown): SourceSpan | undefined {
  return typeof obj === 'object' && obj !== null ? objectSpans.get(obj) : undefined;
}

/** Span of the value of property `key` of `obj` (e.g. the `5` in `{ m: 5 }`). */
export function setPropSpan(obj: object, key: string, span: SourceSpan): void {
  let m = propertySpans.get(obj);
  if (!m) propertySpans.set(obj, (m = new Map()));
  m.set(key, span);
}
export function getPropSpan(obj: unknown, key: string): SourceSpan | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  return propertySpans.get(obj)?.get(key);
}
/** Copy every property span of `from` onto `to` (spans already on `to` are kept). */
export function copyPropSpans(from: object, to: object): void {
  const m = propertySpans.get(from);
  if (!m) return;
  for (const [k, s] of m) if (!propertySpans.get(to)?.has(k)) setPropSpan(to, k, s);
}
/** Best span for an option of a component: the option's own span, else the component's. */
export function optionSpan(component: { options?: object } | object, key: string): SourceSpan | undefined {
  const opts = (component as { options?: object }).options;
  return (opts && getPropSpan(opts, key)) ?? getSpan(component);
}
