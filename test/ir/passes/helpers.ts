/** Shared checks of the per-pass golden tests: IR text in → IR text out, plus numerics with ir/eval. */
import { expect } from 'vitest';
import { runGraph } from '../../../ir/eval.js';
import type { Graph } from '../../../ir/graph.js';
import type { Pass } from '../../../ir/passes/index.js';
import { printGraph } from '../../../ir/print.js';
import { type Tensor, tensor, toNumbers } from '../../../ir/tensor.js';
import { verify } from '../../../ir/verify.js';

export const lines = (...ls: string[]): string => ls.join('\n') + '\n';

/** Deterministic inputs for every graph input (symbolic dims = `rows`), values in [-1.5, 1.5]. */
export function feedsFor(graph: Graph, rows = 3): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  let seed = 1;
  for (const v of graph.inputs) {
    const shape = v.shape.map((d) => (typeof d === 'number' ? d : rows));
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[v.name] = tensor('float32', shape, Array.from({ length: n }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 3 - 1.5));
  }
  return feeds;
}

export function expectAllClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const a = toNumbers(got);
  const b = toNumbers(want);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

/**
 * Run `pass` once (it must report a change), verify the graph, compare its text with `golden`,
 * check that a second run reports no change, and that every graph output has the same values
 * (ir/eval) as before the pass.
 */
export function checkPass(pass: Pass, graph: Graph, golden: string): void {
  verify(graph);
  const feeds = feedsFor(graph);
  const before = runGraph(graph, feeds);
  expect(pass.run(graph)).toBe(true);
  verify(graph);
  expect(printGraph(graph)).toBe(golden);
  expect(pass.run(graph)).toBe(false);
  const after = runGraph(graph, feeds);
  for (const k of Object.keys(before)) expectAllClose(after[k], before[k]);
}

/** The pass must leave the graph exactly as it was. */
export function checkUnchanged(pass: Pass, graph: Graph): void {
  const text = printGraph(graph);
  expect(pass.run(graph)).toBe(false);
  expect(printGraph(graph)).toBe(text);
}
