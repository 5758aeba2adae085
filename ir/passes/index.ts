/** The pass registry and the default optimisation pipeline. */
import { fail } from '../../compiler/diagnostics.js';
import { commonSubexpressionElimination } from './common-subexpression-elimination.js';
import { constantFolding } from './constant-folding.js';
import { deadCodeElimination } from './dead-code-elimination.js';
import { identityElimination } from './identity-elimination.js';
import type { Pass } from './pass.js';

export { PassManager, type Pass, type PassManagerOptions, type PassManagerResult, type PassRecord } from './pass.js';
export { constantFolding, DEFAULT_FOLD_LIMIT } from './constant-folding.js';
export { deadCodeElimination } from './dead-code-elimination.js';
export { commonSubexpressionElimination } from './common-subexpression-elimination.js';
export { identityElimination } from './identity-elimination.js';

const FACTORIES: Record<string, () => Pass> = {
  'constant-folding': () => constantFolding(),
  'identity-elimination': () => identityElimination(),
  'common-subexpression-elimination': () => commonSubexpressionElimination(),
  'dead-code-elimination': () => deadCodeElimination(),
};

export const PASS_NAMES: readonly string[] = Object.keys(FACTORIES);

export function passByName(name: string): Pass {
  const f = FACTORIES[name] ?? fail('RPN4005', `unknown pass '${name}' (known: ${PASS_NAMES.join(', ')})`);
  return f();
}

/** constant-folding, identity-elimination, common-subexpression-elimination, dead-code-elimination. */
export function defaultPipeline(opts: { maxFoldElements?: number } = {}): Pass[] {
  return [
    constantFolding({ maxElements: opts.maxFoldElements }),
    identityElimination(),
    commonSubexpressionElimination(),
    deadCodeElimination(),
  ];
}
