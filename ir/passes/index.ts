/** The pass registry and the default optimisation pipeline. */
import { fail } from '../../compiler/diagnostics.js';
import { batchnormFolding } from './batchnorm-folding.js';
import { commonSubexpressionElimination } from './common-subexpression-elimination.js';
import { constantFolding } from './constant-folding.js';
import { deadCodeElimination } from './dead-code-elimination.js';
import { gemmFormation } from './gemm-formation.js';
import { headDedupe } from './head-dedupe.js';
import { identityElimination } from './identity-elimination.js';
import { linearFusionFolding } from './linear-fusion-folding.js';
import type { Pass } from './pass.js';
import { reshapeCancellation } from './reshape-cancellation.js';
import { scaleLegalization } from './scale-legalization.js';
import { quadraticForm } from './quadratic-form.js';

export { PassManager, type Pass, type PassManagerOptions, type PassManagerResult, type PassRecord } from './pass.js';
export { constantFolding, DEFAULT_FOLD_LIMIT } from './constant-folding.js';
export { deadCodeElimination } from './dead-code-elimination.js';
export { commonSubexpressionElimination } from './common-subexpression-elimination.js';
export { identityElimination } from './identity-elimination.js';
export { reshapeCancellation } from './reshape-cancellation.js';
export { headDedupe } from './head-dedupe.js';
export { linearFusionFolding } from './linear-fusion-folding.js';
export { batchnormFolding } from './batchnorm-folding.js';
export { gemmFormation } from './gemm-formation.js';
export { scaleLegalization } from './scale-legalization.js';
export { quadraticForm } from './quadratic-form.js';

type Factory = (opts: { maxFoldElements?: number }) => Pass;

/** Every pass, in default pipeline order. */
const FACTORIES: Record<string, Factory> = {
  'constant-folding': (o) => constantFolding({ maxElements: o.maxFoldElements }),
  'identity-elimination': () => identityElimination(),
  'reshape-cancellation': () => reshapeCancellation(),
  'common-subexpression-elimination': () => commonSubexpressionElimination(),
  'head-dedupe': () => headDedupe(),
  'linear-fusion-folding': () => linearFusionFolding(),
  'batchnorm-folding': () => batchnormFolding(),
  'quadratic-form': () => quadraticForm(),
  'gemm-formation': () => gemmFormation(),
  'dead-code-elimination': () => deadCodeElimination(),
};

/** Every IR pass name `--passes` / `--disable-pass` accept. */
export const PASS_NAMES: readonly string[] = Object.keys(FACTORIES);

/** The default pipeline's pass names, in order (every registered pass). */
export const DEFAULT_PASSES: readonly string[] = PASS_NAMES;

/** `--no-opt`: only what compiling needs (the fabrication folded, dead code removed). */
export const MINIMAL_PASSES: readonly string[] = ['constant-folding', 'dead-code-elimination'];

/** Legalizations: run after every pipeline (compiler/passes.ts), never optional; `--after` accepts them. */
const LEGALIZATIONS: Record<string, Factory> = {
  'scale-legalization': () => scaleLegalization(),
};
export const LEGALIZATION_PASSES: readonly string[] = Object.keys(LEGALIZATIONS);

/** Fail with RPN4005 (listing the known names) unless `name` is a registered pass. */
export function checkPassName(name: string): void {
  if (!(name in FACTORIES) && !(name in LEGALIZATIONS)) fail('RPN4005', `unknown pass '${name}' (known: ${PASS_NAMES.join(', ')})`);
}

export function passByName(name: string, opts: { maxFoldElements?: number } = {}): Pass {
  checkPassName(name);
  return (FACTORIES[name] ?? LEGALIZATIONS[name])(opts);
}

/** Every pass in DEFAULT_PASSES order. */
export function defaultPipeline(opts: { maxFoldElements?: number } = {}): Pass[] {
  return DEFAULT_PASSES.map((n) => passByName(n, opts));
}
