/** Pass interface and the fixpoint PassManager. */
import { fail } from '../../compiler/diagnostics.js';
import type { Graph } from '../graph.js';
import { verify as verifyGraph } from '../verify.js';
import { pushAll } from '../arrays.js';

export interface Pass {
  name: string;
  /** Transform the graph in place; return true when anything changed. */
  run(graph: Graph): boolean;
}

export interface PassRecord {
  iteration: number;
  pass: string;
  changed: boolean;
}

export interface PassManagerOptions {
  /** Run the verifier after every pass that changed the graph (default true). */
  verify?: boolean;
  /** Upper bound on pipeline repetitions (default 10). */
  maxIterations?: number;
  /** Called after every pass run (changed or not), e.g. for `--emit ir` after a named pass. */
  afterPass?: (name: string, graph: Graph, changed: boolean) => void;
}

export interface PassManagerResult {
  /** Whether any pass changed the graph. */
  changed: boolean;
  /** Whether the last iteration changed nothing (fixpoint reached). */
  converged: boolean;
  iterations: number;
  log: PassRecord[];
}

export class PassManager {
  readonly log: PassRecord[] = [];

  constructor(
    readonly passes: Pass[],
    readonly options: PassManagerOptions = {},
  ) {}

  /** Run the pipeline repeatedly until no pass changes the graph (or maxIterations). */
  run(graph: Graph): PassManagerResult {
    const verify = this.options.verify ?? true;
    const maxIterations = this.options.maxIterations ?? 10;
    if (verify) verifyGraph(graph);
    const log: PassRecord[] = [];
    let any = false;
    let converged = false;
    let iteration = 0;
    while (iteration < maxIterations && !converged) {
      iteration++;
      let changedThisRound = false;
      for (const pass of this.passes) {
        const changed = pass.run(graph);
        log.push({ iteration, pass: pass.name, changed });
        if (changed) {
          changedThisRound = true;
          if (verify) verifyWithContext(graph, pass.name);
        }
        this.options.afterPass?.(pass.name, graph, changed);
      }
      any ||= changedThisRound;
      converged = !changedThisRound;
    }
    pushAll(this.log, log);
    return { changed: any, converged, iterations: iteration, log };
  }
}

function verifyWithContext(graph: Graph, pass: string): void {
  try {
    verifyGraph(graph);
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^RPN4001: /, '') : String(e);
    fail('RPN4001', `after pass '${pass}': ${msg}`);
  }
}
