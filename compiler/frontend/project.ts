/**
 * The TypeScript side of the front end: a ts-morph project over the real file system that holds
 * the model's files and the rpnc DSL sources, the import policy (only 'rpnc' and relative .ts
 * files), and TypeScript's syntax and type errors as rpnc diagnostics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';
import { type Diagnostic, type SourceSpan, diag, rememberSource } from '../diagnostics.js';
import { readTextBounded } from '../read-bounded.js';
import { MAX_SOURCE_BYTES, MAX_SYNTAX_DEPTH, MAX_SYNTAX_NODES } from '../spec/limits.js';
import type { FrontendCode } from './codes.js';

/** The rpnc package root: the nearest directory above this module whose package.json is named "rpnc". */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    try {
      if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'rpnc') return dir;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`rpnc: cannot find the rpnc package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Directory of the DSL sources (`compiler/dsl`), used both for type checking and to recognise DSL symbols. */
export const dslDir = path.join(packageRoot(), 'compiler', 'dsl');

export function spanOf(node: ts.Node): SourceSpan {
  const sf = node.getSourceFile();
  const start = node.getStart(sf);
  const lc = sf.getLineAndCharacterOfPosition(start);
  return { file: sf.fileName, line: lc.line + 1, col: lc.character + 1, start, end: node.getEnd() };
}

function spanAt(sf: ts.SourceFile, start: number, length = 0): SourceSpan {
  const lc = sf.getLineAndCharacterOfPosition(start);
  return { file: sf.fileName, line: lc.line + 1, col: lc.character + 1, start, end: start + length };
}

export function err(code: FrontendCode, message: string, span: SourceSpan | undefined, hint: string): Diagnostic {
  return diag(code, message, { span, hint });
}

let cached: { project: Project; dslFiles: Set<string> } | undefined;

/** The shared project (lib files and DSL sources are parsed once); `fresh` builds a new one. */
function getProject(fresh: boolean): { project: Project; dslFiles: Set<string> } {
  if (cached && !fresh) return cached;
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      noEmit: true,
      allowImportingTsExtensions: true,
      preserveSymlinks: true,
      // Only the files added here are in the program: imports are vetted before they are added.
      noResolve: true,
      paths: { rpnc: [path.join(dslDir, 'index.ts')] },
    },
  });
  const dslFiles = new Set<string>();
  for (const name of fs.readdirSync(dslDir)) {
    if (name.endsWith('.ts') && !name.endsWith('.d.ts')) dslFiles.add(project.addSourceFileAtPath(path.join(dslDir, name)).getFilePath());
  }
  cached = { project, dslFiles };
  return cached;
}

export interface LoadedProgram {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The model's files, entry first (TypeScript file names: absolute, '/' separators). */
  userFiles: ts.SourceFile[];
  dslFiles: Set<string>;
}

const MODEL_EXT = /\.m?ts$/;

/** Read the entry file and everything it imports relatively; report import-policy problems. */
export function loadProgram(entry: string, fresh = false, entryText?: string): { loaded?: LoadedProgram; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { project, dslFiles } = getProject(fresh);
  for (const sf of project.getSourceFiles()) if (!dslFiles.has(sf.getFilePath())) project.removeSourceFile(sf);

  const entryFile = entryText === undefined ? project.addSourceFileAtPath(entry) : project.createSourceFile(entry, entryText, { overwrite: true });
  rememberSource(entryFile.getFilePath(), entryFile.getFullText());
  let totalBytes = Buffer.byteLength(entryFile.getFullText());
  const queue = [entryFile];
  const seen = new Set([entryFile.getFilePath() as string]);
  const root = projectRoot(entry);
  for (let i = 0; i < queue.length; i++) {
    const sf = queue[i].compilerNode;
    for (const ref of [...sf.referencedFiles, ...sf.typeReferenceDirectives, ...sf.libReferenceDirectives]) {
      diagnostics.push(err('RPN1005', `triple-slash reference '${ref.fileName}' is not allowed in model files`, spanAt(sf, ref.pos, ref.end - ref.pos), "remove it; model files may only import from 'rpnc' and from relative .ts files"));
    }
    for (const st of sf.statements) {
      if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
        diagnostics.push(err('RPN1005', "'import = require()' is not allowed in model files", spanOf(st), "use import { ... } from 'rpnc' or from a relative .ts file"));
        continue;
      }
      const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier : undefined;
      if (!spec || spec.text === 'rpnc') continue;
      const where = spanOf(spec);
      if (!spec.text.startsWith('./') && !spec.text.startsWith('../')) {
        diagnostics.push(err('RPN1005', `import of '${spec.text}' is not allowed in model files`, where, "model files may only import from 'rpnc' and from relative .ts files (e.g. './helpers.ts'); they are read, never run"));
        continue;
      }
      if (!isInside(root.path, path.resolve(path.dirname(sf.fileName), spec.text))) {
        diagnostics.push(err('RPN1007', `import of '${spec.text}' leaves the model's project directory ${root.path}`, where, 'model files may only import .ts files inside their project (the folder with the package.json, tsconfig.json or .git above the model, else the model\'s own folder)'));
        continue;
      }
      const target = resolveRelative(path.dirname(sf.fileName), spec.text);
      if (!target) {
        diagnostics.push(err('RPN1006', `cannot find the file imported as '${spec.text}'`, where, 'relative imports must name a .ts file (written as ./x, ./x.ts or ./x.js for x.ts, or a folder with index.ts)'));
        continue;
      }
      if (path.dirname(target) === dslDir) {
        diagnostics.push(err('RPN1005', `import of rpnc's own source '${spec.text}' is not allowed in model files`, where, "import from 'rpnc' instead"));
        continue;
      }
      const real = realPath(target);
      if (!isInside(root.real, real)) {
        diagnostics.push(err('RPN1007', `'${spec.text}' is a symbolic link to ${real}, outside the model's project directory ${root.path}`, where, 'copy the file into the project instead of linking to it; model files may only import .ts files inside their project'));
        continue;
      }
      if (target.split(path.sep).includes('node_modules') || real.split(path.sep).includes('node_modules')) {
        diagnostics.push(err('RPN1005', `import of '${spec.text}' reaches into node_modules, which model files may not use`, where, "model files may only import from 'rpnc' and from their own .ts files"));
        continue;
      }
      if (seen.has(target)) continue;
      seen.add(target);
      // type and size before reading; the text read is the text analysed and shown in code frames
      const read = readTextBounded(target, MAX_SOURCE_BYTES - totalBytes);
      if (!read.ok) {
        if (read.problem === 'too-large') diagnostics.push(err('RPN1010', `'${spec.text}' has ${read.size} bytes: with the files before it, more than the ${MAX_SOURCE_BYTES} bytes (1 MiB) of model source rpnc reads`, where, 'model files describe models in a few lines; weights belong in a safetensors checkpoint (-w)'));
        else diagnostics.push(err('RPN1001', `cannot read '${target}': ${read.message}`, where, 'check that the file exists and is readable'));
        continue;
      }
      totalBytes += read.bytes;
      const added = project.createSourceFile(target, read.text, { overwrite: true });
      rememberSource(added.getFilePath(), read.text);
      queue.push(added);
    }
  }
  const userFiles = queue.map((s) => s.compilerNode);
  const program = project.getProgram().compilerObject;
  // Parse errors first: with them, the rest of the analysis is noise.
  const syntax = userFiles.flatMap((sf) => program.getSyntacticDiagnostics(sf));
  if (syntax.length) return { diagnostics: syntax.map((d) => fromTs(d, 'RPN1002')) };
  if (diagnostics.length) return { diagnostics };
  // before the checker (quadratic in nesting depth: 30,000 chained `+` take it minutes) and the evaluator (recursive)
  const tooBig = syntaxTooLarge(userFiles);
  if (tooBig) return { diagnostics: [tooBig] };
  const checker = program.getTypeChecker();
  return { loaded: { program, checker, userFiles: userFiles.map((f) => program.getSourceFile(f.fileName) ?? f), dslFiles }, diagnostics };
}

/** The first place where the model's syntax trees nest deeper than MAX_SYNTAX_DEPTH, or the node count past MAX_SYNTAX_NODES (no recursion). */
export function syntaxTooLarge(files: readonly ts.SourceFile[]): Diagnostic | undefined {
  let nodes = 0;
  for (const sf of files) {
    const stack: [ts.Node, number][] = [[sf, 0]];
    while (stack.length) {
      const [node, depth] = stack.pop()!;
      if (++nodes > MAX_SYNTAX_NODES) {
        return err('RPN1011', `the model's files have more than ${MAX_SYNTAX_NODES.toLocaleString('en-US')} syntax nodes, more than rpnc analyses`, spanOf(node), 'a model file describes a model in a few lines: build repeated structure with Array.from or helper functions');
      }
      if (depth > MAX_SYNTAX_DEPTH) {
        return err('RPN1011', `expressions nested more than ${MAX_SYNTAX_DEPTH} deep, more than rpnc analyses`, spanOf(node), 'flatten the nesting: sum many terms with an array and reduce, build deep structures with Array.from or helper functions');
      }
      // children in source order on top of the stack (the first problem found is the first in the file)
      const children: ts.Node[] = [];
      ts.forEachChild(node, (c) => void children.push(c));
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
    }
  }
  return undefined;
}

/** Type errors located in the model's own files (never in the DSL or the lib files). */
export function typeErrors(loaded: LoadedProgram): Diagnostic[] {
  return loaded.userFiles.flatMap((sf) => loaded.program.getSemanticDiagnostics(sf)).filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => fromTs(d, 'RPN1003'));
}

/**
 * The folder a model's relative imports must stay in: the nearest folder above the entry file that
 * holds a package.json, tsconfig.json or .git, else the entry's own folder; `real` with symlinks resolved.
 */
export function projectRoot(entry: string): { path: string; real: string } {
  const own = path.dirname(entry);
  for (let dir = own; ; ) {
    if (['package.json', 'tsconfig.json', '.git'].some((f) => fs.existsSync(path.join(dir, f)))) return { path: dir, real: realPath(dir) };
    const up = path.dirname(dir);
    if (up === dir) return { path: own, real: realPath(own) };
    dir = up;
  }
}

export function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolve `./x`, `./x.ts`, `./x.js` (for x.ts) or a folder's index.ts, like TypeScript's bundler resolution. */
function resolveRelative(dir: string, spec: string): string | undefined {
  const target = path.resolve(dir, spec);
  const candidates = spec.endsWith('.d.ts')
    ? []
    : MODEL_EXT.test(spec)
      ? [target]
      : /\.m?js$/.test(spec)
        ? [target.replace(/js$/, 'ts')]
        : [target + '.ts', target + '.mts', path.join(target, 'index.ts')];
  return candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

const TS_HINTS: Record<number, string> = {
  2304: 'model files see only the rpnc DSL and pure built-ins (Math, Array, Object, ...): host globals such as process, require or fetch are not available',
  2580: 'model files see only the rpnc DSL and pure built-ins: Node.js globals such as process and require are not available',
  2591: 'model files see only the rpnc DSL and pure built-ins: Node.js globals such as process and require are not available',
  2353: 'check the option name against the factory (options are tinybig parameter names in camelCase)',
  2561: 'check the option name against the factory (options are tinybig parameter names in camelCase)',
  1005: 'fix the syntax at this point',
};

function fromTs(d: ts.Diagnostic, code: 'RPN1002' | 'RPN1003'): Diagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const span = d.file && d.start !== undefined ? spanAt(d.file, d.start, d.length ?? 0) : undefined;
  const hint = TS_HINTS[d.code] ?? (code === 'RPN1002' ? 'fix the syntax error' : 'model files are type-checked against the rpnc DSL types; fix the value or its type');
  return err(code, message, span, `${hint} (TypeScript TS${d.code})`);
}
