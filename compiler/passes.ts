/**
 * The optimisation pipeline rpnc runs on a lowered graph. With folding (the default) the
 * fabrication ψ(w) and everything else that depends only on constants becomes initializers, then
 * the optimisations of ir/passes run to a fixpoint. `opt: false` (`--no-opt`) keeps only
 * constant-folding and dead-code-elimination; `fold: false` (`--no-fold`) keeps the fabrication as
 * ONNX operations (only dead code is removed, and constant-folding never runs). `passes` runs
 * exactly the named passes in that order; `disablePasses` drops passes from whichever list applies.
 * Unknown names fail with RPN4005. Whatever the selection, the legalizations (scale-legalization: no
 * chained scalar scales, which ONNX Runtime's MatMulScaleFusion mis-fuses) run last; they cannot be disabled.
 */
import type { Graph } from '../ir/graph.js';
import { fail } from './diagnostics.js';
import { DEFAULT_PASSES, LEGALIZATION_PASSES, MINIMAL_PASSES, PassManager, checkPassName, passByName } from '../ir/passes/index.js';

export interface PassOptions {
  fold: boolean;
  opt?: boolean;
  passes?: string[];
  disablePasses?: string[];
  afterPass?: (pass: string, graph: Graph) => void;
}

/** The pass names the options select, in order (names validated). */
export function selectPasses(opts: Omit<PassOptions, 'afterPass'>): string[] {
  for (const n of [...(opts.passes ?? []), ...(opts.disablePasses ?? [])]) checkPassName(n);
  for (const n of opts.disablePasses ?? []) if (LEGALIZATION_PASSES.includes(n)) fail('RPN4005', `pass '${n}' is a legalization the emitted ONNX needs: it always runs and cannot be disabled`);
  let names: readonly string[] = opts.passes ?? (!opts.fold ? ['dead-code-elimination'] : opts.opt === false ? MINIMAL_PASSES : DEFAULT_PASSES);
  if (!opts.fold) names = names.filter((n) => n !== 'constant-folding');
  const off = new Set(opts.disablePasses ?? []);
  return names.filter((n) => !off.has(n));
}

export function runPasses(graph: Graph, opts: PassOptions): void {
  const afterPass = opts.afterPass ? (name: string, g: Graph, changed: boolean) => changed && opts.afterPass!(name, g) : undefined;
  new PassManager(selectPasses(opts).map((n) => passByName(n)), { afterPass }).run(graph);
  new PassManager(LEGALIZATION_PASSES.map((n) => passByName(n)), { afterPass }).run(graph);
}
