/**
 * The front end: read a model file, check it with TypeScript against the rpnc DSL types, and
 * evaluate its default export statically (the file is never run).
 *
 *   const { value, diagnostics } = loadModel('model.ts');
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { type Diagnostic, rememberSource } from '../diagnostics.js';
import { readTextBounded } from '../read-bounded.js';
import { MAX_SOURCE_BYTES } from '../spec/limits.js';
import { FRONTEND_CODES } from './codes.js';
import { DEFAULT_LIMITS, type EvalLimits, Evaluator } from './evaluate.js';
import { err, loadProgram, typeErrors } from './project.js';

export { FRONTEND_CODES };
export type { EvalLimits };

export interface LoadResult {
  /** The evaluated default export, normally a DSL Component; undefined when there are errors. */
  value: unknown;
  diagnostics: Diagnostic[];
  /** Absolute paths of all model source files read (the entry first). */
  files: string[];
  /** Text of the entry file ('' when it cannot be read). */
  sourceText: string;
  /**
   * SHA-256 (hex) of the model's whole source closure, the texts analysed: the entry file alone when
   * it imports nothing (then the hash of `sourceText`), else the entry and each relative import with
   * its path relative to the entry's folder. Set when the files were loaded.
   */
  sourceSha256?: string;
}

export interface LoadOptions {
  /** Limits of the static evaluation (defaults: 1e6 steps, 200 nested calls). */
  limits?: Partial<EvalLimits>;
  /** Build a new TypeScript project instead of reusing the cached one (slower; for tools that need isolation). */
  freshProject?: boolean;
}

/** Load and statically evaluate a model file. Never throws for problems in the user's files. */
export function loadModel(file: string, opts: LoadOptions = {}): LoadResult {
  const abs = path.resolve(file);
  const at = { file: abs, line: 1, col: 1 };
  // type and size before reading (a FIFO would block, a 3 GB file would be read whole)
  const read = readTextBounded(abs, MAX_SOURCE_BYTES);
  if (!read.ok) {
    if (read.problem === 'too-large') return fail(err('RPN1010', `the model file ${abs} has ${read.size} bytes; rpnc reads model files of at most ${MAX_SOURCE_BYTES} bytes (1 MiB)`, undefined, 'a model file describes a model in a few lines; weights belong in a safetensors checkpoint (-w)'), '');
    if (read.problem === 'not-a-file') return fail(err('RPN1001', `'${abs}' is not a file: it is ${read.kind}`, at, 'pass the path of a model .ts file'), '');
    const message = read.problem === 'missing' ? `model file not found: ${abs}` : `cannot read the model file ${abs}: ${read.message}`;
    return fail(err('RPN1001', message, at, read.problem === 'missing' ? 'check the path (relative paths are resolved from the current directory)' : 'check the file permissions'), '');
  }
  const sourceText = read.text;
  if (!/\.m?ts$/.test(abs) || abs.endsWith('.d.ts')) {
    return fail(err('RPN1001', `a model file must be a TypeScript file (.ts), got '${path.basename(abs)}'`, at, 'write the model in a .ts file that imports from rpnc'), sourceText);
  }

  // the text read here is the text analysed (and shown in code frames): the file is not read again
  return analyse(abs, sourceText, opts, sourceText);
}

/**
 * Load and statically evaluate model source text held in memory (the library's `compile(source)`).
 * `virtualPath` names the file in diagnostics and anchors its relative imports (default `model.ts`
 * in the current directory); nothing is read from that path itself.
 */
export function loadModelFromSource(text: string, virtualPath = 'model.ts', opts: LoadOptions = {}): LoadResult {
  const abs = path.resolve(virtualPath);
  if (!/\.m?ts$/.test(abs) || abs.endsWith('.d.ts')) {
    return fail(err('RPN1001', `a model file must be a TypeScript file (.ts), got '${path.basename(abs)}'`, { file: abs, line: 1, col: 1 }, 'name the in-memory model with a .ts path'), text);
  }
  return analyse(abs, text, opts, text);
}

/** Type-check and evaluate the entry `abs` (its text given when it is in memory only). */
function analyse(abs: string, sourceText: string, opts: LoadOptions, entryText?: string): LoadResult {
  const at = { file: abs, line: 1, col: 1 };
  try {
    const { loaded, diagnostics } = loadProgram(abs, opts.freshProject, entryText);
    const files = loaded ? loaded.userFiles.map((f) => f.fileName) : [abs];
    if (!loaded) return { value: undefined, diagnostics, files, sourceText };
    const types = typeErrors(loaded);
    if (types.length) return { value: undefined, diagnostics: types, files, sourceText };

    const result = new Evaluator(loaded, { ...DEFAULT_LIMITS, ...opts.limits }).run();
    const failed = result.diagnostics.some((d) => d.severity === 'error');
    return { value: failed ? undefined : result.value, diagnostics: result.diagnostics, files, sourceText, sourceSha256: closureSha256(loaded.userFiles) };
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      // TypeScript's parser and checker recurse on nesting: thousands of nested brackets overflow them
      return fail(err('RPN1105', 'the model file nests expressions too deeply to be read (the TypeScript parser or checker ran out of stack)', at, 'flatten the nesting: build deep structures with Array.from or helper functions instead of writing them out'), sourceText);
    }
    const d = err('RPN1199', `internal error of the front end: ${(e as Error)?.message ?? String(e)}`, at, 'this is a bug in rpnc; please report it with the model file');
    return fail(d, sourceText);
  }
}

/** See LoadResult.sourceSha256. */
function closureSha256(files: readonly { fileName: string; text: string }[]): string {
  const h = createHash('sha256').update(files[0]?.text ?? '');
  const dir = path.dirname(files[0]?.fileName ?? '');
  for (const f of files.slice(1)) h.update(`\0${path.relative(dir, f.fileName).split(path.sep).join('/')}\0`).update(f.text);
  return h.digest('hex');
}

function fail(d: Diagnostic, sourceText: string): LoadResult {
  return { value: undefined, diagnostics: [d], files: [], sourceText };
}
