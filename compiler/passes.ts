/**
 * The optimisation pipeline rpnc runs on a lowered graph. With folding (the default) the
 * fabrication ψ(w) and everything else that depends only on constants becomes initializers;
 * `--no-fold` keeps the fabrication as ONNX operations (only dead code is removed).
 */
import type { Graph } from '../ir/graph.js';
import { PassManager, deadCodeElimination, defaultPipeline } from '../ir/passes/index.js';

export function runPasses(graph: Graph, opts: { fold: boolean; opt?: boolean; passes?: string[]; disablePasses?: string[]; afterPass?: (pass: string, graph: Graph) => void }): void {
  const passes = opts.fold ? defaultPipeline() : [deadCodeElimination()];
  new PassManager(passes, { afterPass: opts.afterPass ? (name, g, changed) => changed && opts.afterPass!(name, g) : undefined }).run(graph);
}
