/**
 * rpnc as a library. Model files import the DSL from 'rpnc'; Node programs can also compile and
 * run models in-process. No function here prints or exits: problems are `DiagnosticError`s.
 */
export * from './compiler/dsl/index.js';
export { compileFile, compileSpec, loadSpec, loadWeights, seededWeights, type CompileOptions, type CompileResult } from './compiler/compile.js';
export { DiagnosticError, formatDiagnostic, type Diagnostic, type SourceSpan } from './compiler/diagnostics.js';
export { buildModelSpec } from './compiler/spec/build.js';
export type { ModelSpec, HeadSpec, LayerSpec } from './compiler/spec/types.js';
export { runReference } from './runtime/reference/index.js';
export { createSession, runSession, type ExecutionProvider } from './runtime/session.js';
