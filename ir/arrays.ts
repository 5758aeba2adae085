/**
 * Array helpers for arrays whose length the input controls (patch cells, graph nodes, checkpoint
 * entries, warnings). `Math.max(...xs)` and `out.push(...xs)` pass every element as an argument of
 * one call, and V8 throws "Maximum call stack size exceeded" past about 10⁵ arguments: these loop.
 */

/** The largest of `xs`, or `init` when it is larger (or `xs` is empty); NaN when any is NaN, like Math.max. */
export function maxOf(xs: Iterable<number>, init = -Infinity): number {
  let m = init;
  for (const x of xs) m = Math.max(m, x);
  return m;
}

/** The smallest of `xs`, or `init` when it is smaller (or `xs` is empty); NaN when any is NaN, like Math.min. */
export function minOf(xs: Iterable<number>, init = Infinity): number {
  let m = init;
  for (const x of xs) m = Math.min(m, x);
  return m;
}

/** `out.push(...items)` one item at a time; returns `out`. */
export function pushAll<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}
