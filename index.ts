/**
 * rpnc as a library. Model files import the DSL from 'rpnc'; Node programs can also compile and
 * run models in-process. No function here prints or exits: problems are `DiagnosticError`s.
 */
export * from './compiler/dsl/index.js';
/** `compile(pathOrSource)` and `check(...)`: the front door (errors thrown as `DiagnosticError`, warnings returned). */
export { compile, check, type CompileApiOptions, type Compiled, type CheckApiOptions, type CheckResult } from './compiler/api.js';
export { compareBackends, type CompareOptions, type CheckReport, type Tensor } from './compiler/check.js';
export type { Agreement } from './runtime/compare.js';
/** The pipeline step by step: front end + validation, weights, lowering + passes + emission. */
export { compileFile, compileSpec, loadSpec, loadWeights, seededWeights, type CompileOptions, type CompileResult, type CompilePhase } from './compiler/compile.js';
export { DiagnosticError, exitCodeFor, formatDiagnostic, type Diagnostic, type FormatOptions, type Severity, type SourceSpan } from './compiler/diagnostics.js';
export { buildModelSpec } from './compiler/spec/build.js';
/** The IR optimisation passes by name (CompileOptions `passes` / `disablePasses`), in default pipeline order. */
export { PASS_NAMES, DEFAULT_PASSES } from './ir/passes/index.js';
/** `rpnc import` as data: a tinybig model config (YAML/JSON) -> the source of an rpnc model file. */
export { importConfig, type ImportResult, type ConfigFormat } from './compiler/import/index.js';
/** `rpnc inspect` as data: per head components, parameters before/after folding, FLOPs, fabrication form; operators. */
export { inspectModel, inspectOnnx, graphToDot, type InspectReport, type InspectOptions, type HeadReport, type LayerReport } from './compiler/inspect.js';
export type { ModelSpec, HeadSpec, LayerSpec } from './compiler/spec/types.js';
export { runReference } from './runtime/reference/index.js';
export { createSession, runSession, type ExecutionProvider } from './runtime/session.js';
/** Deployment: float16 models, external data, static CUDA placement (README, Deploying). */
export { toFloat16, FP16_TOLERANCE, type Precision } from './compiler/onnx/fp16.js';
export { writeOnnxModel, splitExternalData, EXTERNAL_DATA_ENV, type WrittenModel } from './compiler/onnx/external-data.js';
export { cudaPlacement, CUDA_KERNELS, type NodePlacement } from './compiler/onnx/cuda-kernels.js';
export { cudaPlacementWarning } from './runtime/session.js';
/** Serving (docs/serving.md): Triton model repositories, the batch kind of an ONNX model, the KServe v2 server of `rpnc serve`. */
export { writeTritonRepo, readTritonRepo, tritonConfig, configProblems, type TritonOptions, type TritonWritten, type TritonModel } from './compiler/deploy/triton.js';
export { modelInfo, ROWS_INDEPENDENT_KEY, FIXED_BATCH_KEY, type ModelInfo, type BatchKind, type TensorSig } from './compiler/deploy/model-info.js';
export { parseModelConfig, parseTextFormat, PbtxtError } from './compiler/deploy/pbtxt.js';
export { InferenceServer, type ServedModel, type ServeOptions } from './runtime/serve/server.js';
