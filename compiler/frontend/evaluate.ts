/**
 * Static evaluation of a model file: walk the AST and compute the value of the default export.
 * User code is never run: only a small, pure subset of TypeScript is interpreted here (literals,
 * consts, objects and arrays, operators, calls of the model's own functions with bounded loops and
 * recursion, a few pure built-ins) and calls of rpnc factories go to our own DSL implementation.
 *
 * Values are plain JS values; functions and namespaces are instances of the classes below, which
 * user code can call or read only through this evaluator. Objects are read through own properties
 * only, and the keys `__proto__`, `constructor` and `prototype` are refused everywhere.
 */
import { ts } from 'ts-morph';
import * as dsl from '../dsl/index.js';
import { type Diagnostic, type SourceSpan, diag } from '../diagnostics.js';
import { gridPatchTooLarge, topologyTooLarge } from '../spec/limits.js';
import { copyPropSpans, getPropSpan, getSpan, setPropSpan, setSpan } from '../spans.js';
import { type FrontendCode, STATIC_HINT } from './codes.js';
import { type LoadedProgram, err, spanOf } from './project.js';

export interface EvalLimits {
  /** Evaluation steps before giving up: AST nodes visited, and array elements and object keys created or scanned by built-ins. */
  maxSteps: number;
  /** Depth of nested calls of the model's own functions. */
  maxDepth: number;
  /**
   * Characters of strings created or scanned (concatenation, template literals, string methods,
   * comparisons, keys, number parsing) before giving up: one step may touch a 10⁷-character string.
   */
  maxChars: number;
}
export const DEFAULT_LIMITS: EvalLimits = { maxSteps: 1_000_000, maxDepth: 200, maxChars: 100_000_000 };

class StaticError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

// ---- values that stand for functions and namespaces -------------------------------------------

type Fn = FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;
type FunctionDeclaration = ts.FunctionDeclaration;
/** A function of the model's files with the environment it was created in. */
class Closure {
  constructor(
    readonly node: Fn,
    readonly env: Env,
  ) {}
}
/** A factory of the rpnc DSL. */
class DslFactory {
  constructor(readonly name: string) {}
}
/** `import * as R from 'rpnc'`. */
class DslNamespace {}
/** `import * as H from './helpers.ts'`. */
class UserNamespace {
  constructor(readonly symbol: ts.Symbol) {}
}
type BuiltinImpl = (ev: Evaluator, args: unknown[], call: ts.CallExpression) => unknown;
/** A pure built-in: a function (`Math.max`), a namespace (`Math`), or both (`Number`). */
class Builtin {
  constructor(
    readonly name: string,
    readonly call?: BuiltinImpl,
    readonly members: Record<string, unknown> = {},
  ) {}
}
/** `arr.map`, `'abc'.slice`: a method of an evaluated array, string or number. */
class BoundMethod {
  constructor(
    readonly target: unknown,
    readonly name: string,
    readonly impl: MethodImpl,
  ) {}
}
type MethodImpl = (ev: Evaluator, self: never, args: unknown[], call: ts.CallExpression) => unknown;

const isInternal = (v: unknown) => v instanceof Closure || v instanceof DslFactory || v instanceof DslNamespace || v instanceof UserNamespace || v instanceof Builtin || v instanceof BoundMethod;
const isCallable = (v: unknown) => v instanceof Closure || v instanceof DslFactory || v instanceof BoundMethod || (v instanceof Builtin && v.call !== undefined);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !isInternal(v);
const isPrimitive = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function');
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

/** Names of the DSL exports model files may call (factories; not the helpers `make`, `camel`, ...). */
const DSL_NOT_CALLABLE = new Set(['make', 'camel', 'isComponent', 'DslError', 'is', 'required']);
const DSL_FACTORIES = new Set(Object.entries(dsl).filter(([k, v]) => typeof v === 'function' && !DSL_NOT_CALLABLE.has(k)).map(([k]) => k));

// ---- environments -----------------------------------------------------------------------------

const NOT_FOUND = Symbol('not found');
class Env {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent?: Env) {}
  lookup(name: string): unknown {
    for (let e: Env | undefined = this; e; e = e.parent) if (e.vars.has(name)) return e.vars.get(name);
    return NOT_FOUND;
  }
}

type Completion = { kind: 'normal' } | { kind: 'return'; value: unknown } | { kind: 'break' } | { kind: 'continue' };
const NORMAL: Completion = { kind: 'normal' };
/** Result of an optional chain that short-circuited (`a?.b.c` with `a` undefined). */
const SHORT = Symbol('short-circuit');
const IN_PROGRESS = Symbol('in progress');

// ---- the evaluator ----------------------------------------------------------------------------

export class Evaluator {
  private steps = 0;
  private charCount = 0;
  private depth = 0;
  /** The node being evaluated (to locate host errors such as a stack overflow). */
  private current: ts.Node | undefined;
  /** The innermost loop or call being evaluated (where a step-limit error is reported). */
  private where: ts.Node | undefined;
  private readonly userFiles: Set<string>;
  /** Values of top-level declarations (and the binding environments of destructuring consts). */
  private readonly memo = new Map<ts.Node, unknown>();
  private readonly root = new Env();
  /** Components returned by rpnc factories (the only ones accepted: refuseForged). */
  private readonly made = new WeakSet<object>();

  constructor(
    private readonly loaded: LoadedProgram,
    private readonly limits: EvalLimits = DEFAULT_LIMITS,
  ) {
    this.userFiles = new Set(loaded.userFiles.map((f) => f.fileName));
  }

  private get checker(): ts.TypeChecker {
    return this.loaded.checker;
  }

  /** Evaluate every top-level const and default export of the model's files (as loading them would), then take the entry's default export. */
  run(): { value?: unknown; diagnostics: Diagnostic[] } {
    const diagnostics = this.loaded.userFiles.flatMap((sf) => this.checkTopLevel(sf));
    if (diagnostics.length) return { diagnostics };
    try {
      for (const sf of this.loaded.userFiles) {
        for (const st of sf.statements) {
          if (ts.isVariableStatement(st) && !isAmbient(st)) for (const d of st.declarationList.declarations) this.topLevelDeclaration(d);
          else if (ts.isExportAssignment(st) && !st.isExportEquals) this.memoized(st, st, () => this.expr(st.expression, this.root));
        }
      }
      const entry = this.loaded.userFiles[0];
      const moduleSymbol = this.checker.getSymbolAtLocation(entry) ?? (entry as unknown as { symbol?: ts.Symbol }).symbol;
      const dflt = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'default');
      if (!dflt) {
        return { diagnostics: [err('RPN1004', 'the model file has no default export', { file: entry.fileName, line: 1, col: 1 }, 'end the model file with: export default rpn({ layers: [...] })')] };
      }
      const value = this.symbolValue(dflt, entry);
      this.refuseForged([value], dflt.declarations?.[0] ?? entry);
      if (isInternal(value)) {
        const at = dflt.declarations?.[0];
        throw this.error('RPN1107', `the default export is ${describe(value)}, not a model`, at ?? entry, 'export the model itself, e.g. export default rpn({ layers: [...] }) or export default makeModel(...)');
      }
      return { value, diagnostics: [] };
    } catch (e) {
      return { diagnostics: [this.toDiagnostic(e)] };
    }
  }

  private toDiagnostic(e: unknown): Diagnostic {
    if (e instanceof StaticError) return e.diagnostic;
    const at = this.current ? spanOf(this.current) : undefined;
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return err('RPN1105', 'static evaluation recursed too deeply', at, 'bound the recursion of your functions (or use Array.from / map instead of recursion)');
    }
    if (e instanceof RangeError) return err('RPN1107', `evaluation failed: ${e.message}`, at, 'this value grows too large');
    return err('RPN1199', `internal error of the static evaluator: ${(e as Error)?.message ?? String(e)}`, at, 'this is a bug in rpnc; please report it with the model file');
  }

  private error(code: FrontendCode, message: string, node: ts.Node, hint: string): StaticError {
    return new StaticError(err(code, message, spanOf(node), hint));
  }
  private unsupported(what: string, node: ts.Node, hint = STATIC_HINT): StaticError {
    return this.error('RPN1101', `cannot evaluate statically: ${what}`, node, hint);
  }

  step(n = 1, node?: ts.Node): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw this.error('RPN1104', `static evaluation took more than ${this.limits.maxSteps} steps`, this.where ?? node ?? this.current!, 'a loop or recursion in the model file does not terminate (or builds something huge)');
    }
  }

  stepsLeft(): number {
    return Math.max(0, this.limits.maxSteps - this.steps);
  }

  /** Charge `n` characters of string work (created or scanned): a step can touch a 10⁷-character string. */
  chars(n: number, node?: ts.Node): void {
    this.charCount += n;
    if (this.charCount > this.limits.maxChars) {
      throw this.error('RPN1104', `static evaluation touched more than ${this.limits.maxChars.toExponential(0)} characters of strings (created, scanned or compared)`, this.where ?? node ?? this.current!, 'model files build small values; a loop works on a huge string (check for runaway concatenation or repeated searches in long strings)');
    }
  }

  /** Top-level statements: declarations only; nothing that would run when the module is loaded. */
  private checkTopLevel(sf: ts.SourceFile): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isExportAssignment(st) || ts.isFunctionDeclaration(st)) continue;
      if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEmptyStatement(st) || ts.isImportEqualsDeclaration(st)) continue;
      if (isAmbient(st)) continue;
      if (ts.isVariableStatement(st)) {
        if (declarationKind(st.declarationList) === 'const') continue;
        out.push(err('RPN1103', 'top-level let/var: only const declarations are allowed at the top level of a model file', spanOf(st), 'use const; a model file is read, never run, so its top level may only declare values'));
        continue;
      }
      const what = ts.isClassDeclaration(st) ? 'a class declaration' : ts.isEnumDeclaration(st) ? 'an enum declaration' : ts.isModuleDeclaration(st) ? 'a namespace' : `a top-level ${kindName(st.kind)}`;
      out.push(err(ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st) ? 'RPN1101' : 'RPN1103', `cannot evaluate statically: ${what}`, spanOf(st), `${STATIC_HINT}; the top level of a model file may only declare consts, functions and types and export the model`));
    }
    return out;
  }

  // ---- names --------------------------------------------------------------------------------

  private identifier(node: ts.Identifier, env: Env): unknown {
    const local = env.lookup(node.text);
    if (local !== NOT_FOUND) return local;
    const parent = node.parent;
    const sym = ts.isShorthandPropertyAssignment(parent) && parent.name === node ? this.checker.getShorthandAssignmentValueSymbol(parent) : this.checker.getSymbolAtLocation(node);
    if (!sym) return this.global(node.text, node);
    return this.symbolValue(sym, node);
  }

  private symbolValue(symbol: ts.Symbol, at: ts.Node): unknown {
    const sym = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const decls = sym.declarations ?? [];
    const decl = decls.find((d) => (ts.isFunctionDeclaration(d) ? d.body !== undefined : true)) ?? decls[0];
    if (!decl) return this.global(sym.name, at);
    const file = decl.getSourceFile();
    if (this.loaded.dslFiles.has(file.fileName)) {
      if (ts.isSourceFile(decl)) return new DslNamespace();
      return this.dslExport(sym.name, at);
    }
    if (!this.userFiles.has(file.fileName)) return this.global(sym.name, at);
    if (ts.isSourceFile(decl)) return new UserNamespace(sym);
    return this.declarationValue(decl, sym.name, at);
  }

  private dslExport(name: string, at: ts.Node): unknown {
    if (DSL_FACTORIES.has(name)) return new DslFactory(name);
    throw this.error('RPN1102', `cannot evaluate statically: rpnc's '${name}' cannot be used in model files`, at, 'model files may call the rpnc factories (rpn, layer, head, taylorExpansion, ...)');
  }

  private global(name: string, at: ts.Node): unknown {
    if (hasOwn(GLOBALS, name)) return GLOBALS[name];
    throw this.error('RPN1102', `cannot evaluate statically: the global '${name}' is not available in model files`, at, `${STATIC_HINT}; the pure built-ins Math, Number, String, Boolean, Array.from/isArray/of and Object.keys/values/entries/assign/fromEntries are available`);
  }

  /** Value of a declaration found through the type checker (top-level consts, functions, exports). */
  private declarationValue(decl: ts.Declaration, name: string, at: ts.Node): unknown {
    if (ts.isFunctionDeclaration(decl)) {
      if (!isTopLevel(decl)) throw this.error('RPN1107', `'${name}' is used before it is defined`, at, 'define functions before using them');
      return this.memoized(decl, at, () => this.closure(decl, this.root));
    }
    if (ts.isVariableDeclaration(decl) || ts.isBindingElement(decl)) {
      let d: ts.Node = decl;
      while (ts.isBindingElement(d) || ts.isObjectBindingPattern(d) || ts.isArrayBindingPattern(d)) d = d.parent;
      if (!ts.isVariableDeclaration(d) || !isTopLevel(d.parent.parent)) throw this.error('RPN1107', `'${name}' is used before it is defined`, at, 'define values before using them');
      if (isAmbient(d.parent.parent)) throw this.unsupported(`'${name}' is only declared (declare const), it has no value`, at);
      const env = this.topLevelDeclaration(d, at);
      const v = env.lookup(name);
      if (v === NOT_FOUND) throw new Error(`binding '${name}' not found`);
      return v;
    }
    if (ts.isExportAssignment(decl)) {
      if (decl.isExportEquals) throw this.unsupported("'export ='", decl, 'use export default');
      return this.memoized(decl, at, () => this.expr(decl.expression, this.root));
    }
    if (ts.isClassDeclaration(decl) || ts.isClassExpression(decl)) throw this.unsupported('a class', at);
    if (ts.isEnumDeclaration(decl) || ts.isEnumMember(decl)) throw this.unsupported('an enum', at, 'use a const object instead of an enum');
    if (ts.isParameter(decl)) throw this.error('RPN1107', `'${name}' is used before it is defined`, at, 'define values before using them');
    throw this.unsupported(`'${name}' (a ${kindName(decl.kind)})`, at);
  }

  /** Evaluate a top-level const once; its bindings (one name, or several when destructuring) go into an Env. */
  private topLevelDeclaration(d: ts.VariableDeclaration, at: ts.Node = d): Env {
    return this.memoized(d, at, () => {
      if (!d.initializer) throw this.unsupported('a const without a value', d);
      const env = new Env(this.root);
      this.bind(d.name, this.expr(d.initializer, this.root), env);
      return env;
    }) as Env;
  }

  private memoized(node: ts.Node, at: ts.Node, compute: () => unknown): unknown {
    const v = this.memo.get(node);
    if (v === IN_PROGRESS) throw this.error('RPN1106', 'this value depends on itself (a circular definition)', at, 'a const cannot be used in its own definition, directly or through other consts');
    if (v !== undefined || this.memo.has(node)) return v;
    this.memo.set(node, IN_PROGRESS);
    try {
      const r = compute();
      this.memo.set(node, r);
      return r;
    } catch (e) {
      this.memo.delete(node);
      throw e;
    }
  }

  // ---- expressions --------------------------------------------------------------------------

  expr(node: ts.Expression, env: Env): unknown {
    const v = this.raw(node, env);
    return v === SHORT ? undefined : v;
  }

  /** Evaluate; an optional chain that short-circuits gives SHORT (turned into undefined by `expr`). */
  private raw(node: ts.Expression, env: Env): unknown {
    this.current = node;
    this.step(1, node);
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return Number((node as ts.NumericLiteral).text);
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return (node as ts.StringLiteral).text;
      case ts.SyntaxKind.TrueKeyword:
        return true;
      case ts.SyntaxKind.FalseKeyword:
        return false;
      case ts.SyntaxKind.NullKeyword:
        return null;
      case ts.SyntaxKind.Identifier:
        return this.identifier(node as ts.Identifier, env);
      case ts.SyntaxKind.TemplateExpression: {
        const t = node as ts.TemplateExpression;
        let s = t.head.text;
        for (const span of t.templateSpans) s = this.checkLength(s + this.toStr(this.expr(span.expression, env), span.expression) + span.literal.text, node);
        return s;
      }
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.ExpressionWithTypeArguments:
        return this.expr((node as ts.ParenthesizedExpression).expression, env);
      case ts.SyntaxKind.NonNullExpression:
        // `a?.b!.c` continues the chain through the `!`
        return this.raw((node as ts.NonNullExpression).expression, env);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.object(node as ts.ObjectLiteralExpression, env);
      case ts.SyntaxKind.ArrayLiteralExpression: {
        const out: unknown[] = [];
        for (const el of (node as ts.ArrayLiteralExpression).elements) {
          // item by item: push(...items) overflows the host stack for long arrays
          if (ts.isSpreadElement(el)) for (const x of this.iterate(this.expr(el.expression, env), el.expression)) out.push(x);
          else if (ts.isOmittedExpression(el)) out.push(undefined);
          else out.push(this.expr(el, env));
        }
        setSpan(out, spanOf(node));
        return out;
      }
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return this.member(node as ts.PropertyAccessExpression | ts.ElementAccessExpression, env);
      case ts.SyntaxKind.CallExpression:
        return this.call(node as ts.CallExpression, env);
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.prefix(node as ts.PrefixUnaryExpression, env);
      case ts.SyntaxKind.PostfixUnaryExpression:
        throw this.unsupported('an increment or decrement (mutation)', node, 'model files cannot change values; compute a new value instead (i + 1)');
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(node as ts.BinaryExpression, env);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = node as ts.ConditionalExpression;
        return this.truthy(this.expr(c.condition, env)) ? this.expr(c.whenTrue, env) : this.expr(c.whenFalse, env);
      }
      case ts.SyntaxKind.TypeOfExpression:
        return this.typeOf((node as ts.TypeOfExpression).expression, env);
      case ts.SyntaxKind.VoidExpression:
        this.expr((node as ts.VoidExpression).expression, env);
        return undefined;
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return this.closure(node as ts.ArrowFunction | ts.FunctionExpression, env);
      default:
        throw this.unsupported(UNSUPPORTED[node.kind] ?? kindName(node.kind), node);
    }
  }

  private closure(fn: Fn, env: Env): Closure {
    if (fn.asteriskToken) throw this.unsupported('a generator function', fn);
    if (ts.getModifiers(fn as ts.FunctionDeclaration)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) throw this.unsupported('an async function', fn);
    return new Closure(fn, env);
  }

  private object(node: ts.ObjectLiteralExpression, env: Env): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    setSpan(obj, spanOf(node));
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = this.propertyKey(p.name, env);
        this.define(obj, key, this.expr(p.initializer, env), p.name);
        setPropSpan(obj, key, spanOf(p.initializer));
      } else if (ts.isShorthandPropertyAssignment(p)) {
        this.define(obj, p.name.text, this.identifier(p.name, env), p.name);
        setPropSpan(obj, p.name.text, spanOf(p.name));
      } else if (ts.isSpreadAssignment(p)) {
        this.spreadInto(obj, this.expr(p.expression, env), p.expression);
      } else if (ts.isMethodDeclaration(p)) {
        const key = this.propertyKey(p.name, env);
        this.define(obj, key, this.closure(p, env), p.name);
        setPropSpan(obj, key, spanOf(p));
      } else {
        throw this.unsupported(ts.isGetAccessor(p) || ts.isSetAccessor(p) ? 'a getter or setter' : kindName((p as ts.Node).kind), p);
      }
    }
    return obj;
  }

  private propertyKey(name: ts.PropertyName, env: Env): string {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
    if (ts.isNumericLiteral(name)) return String(Number(name.text));
    if (ts.isComputedPropertyName(name)) {
      const k = this.expr(name.expression, env);
      if (typeof k === 'string' || typeof k === 'number') return String(k);
      throw this.error('RPN1107', `a computed property key must be a string or a number, got ${describe(k)}`, name, 'compute the key as a string');
    }
    throw this.unsupported(kindName(name.kind), name);
  }

  private define(obj: Record<string, unknown>, key: string, value: unknown, at: ts.Node): void {
    this.chars(key.length, at);
    this.checkKey(key, at);
    obj[key] = value;
  }

  private checkKey(key: string, at: ts.Node): void {
    if (FORBIDDEN_KEYS.has(key)) throw this.error('RPN1108', `the property key '${key}' is not allowed in model files`, at, 'rename the property; __proto__, constructor and prototype are refused so that a model file cannot reach prototypes');
  }

  /** `{ ...src }`: own enumerable properties of an evaluated object, array or string; property spans follow. */
  spreadInto(obj: Record<string, unknown>, src: unknown, at: ts.Node): void {
    if (src === undefined || src === null) return;
    if (typeof src === 'string' || Array.isArray(src) || isPlainObject(src)) {
      const keys = Object.keys(src);
      this.step(keys.length, at);
      for (const k of keys) {
        this.define(obj, k, (src as Record<string, unknown>)[k], at);
        setPropSpan(obj, k, getPropSpan(src, k) ?? spanOf(at));
      }
      return;
    }
    if (isPrimitive(src)) return;
    throw this.error('RPN1107', `cannot spread ${describe(src)} into an object`, at, 'spread objects, arrays or strings');
  }

  /** Items of an array or string (for spreads, for-of, Array.from). */
  iterate(v: unknown, at: ts.Node): unknown[] {
    if (Array.isArray(v)) {
      this.step(v.length, at);
      return Array.from(v);
    }
    if (typeof v === 'string') {
      this.step(v.length, at);
      return [...v];
    }
    throw this.error('RPN1107', `${describe(v)} is not iterable`, at, 'only arrays and strings can be spread or iterated');
  }

  private member(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, env: Env): unknown {
    const inChain = (node.flags & ts.NodeFlags.OptionalChain) !== 0;
    const target = inChain ? this.raw(node.expression, env) : this.expr(node.expression, env);
    if (target === SHORT) return SHORT;
    if (node.questionDotToken && (target === undefined || target === null)) return SHORT;
    let key: string;
    if (ts.isPropertyAccessExpression(node)) {
      if (ts.isPrivateIdentifier(node.name)) throw this.unsupported('a private name', node.name);
      key = node.name.text;
    } else {
      const k = this.expr(node.argumentExpression, env);
      if (typeof k === 'number' || typeof k === 'string') key = String(k);
      else throw this.error('RPN1107', `an index must be a number or a string, got ${describe(k)}`, node.argumentExpression, 'index arrays with numbers and objects with strings');
    }
    return this.getMember(target, key, node);
  }

  /** Read `target[key]`: own properties of evaluated values, `length`, and the supported methods. */
  getMember(target: unknown, key: string, at: ts.Node): unknown {
    this.chars(key.length, at);
    this.checkKey(key, at);
    if (target === undefined || target === null) {
      throw this.error('RPN1107', `cannot read property '${key}' of ${target}`, at, 'the value on the left is undefined here; check the names and indices (use ?. for optional values)');
    }
    if (typeof target === 'string') {
      if (key === 'length') return target.length;
      if (ARRAY_INDEX.test(key)) return target[Number(key)];
      return this.method(target, key, STRING_METHODS, 'string', at);
    }
    if (typeof target === 'number') return this.method(target, key, NUMBER_METHODS, 'number', at);
    if (typeof target === 'boolean') throw this.error('RPN1107', `cannot read property '${key}' of a boolean`, at, 'check the expression');
    if (Array.isArray(target)) {
      if (key === 'length') return target.length;
      if (ARRAY_INDEX.test(key)) return hasOwn(target, key) ? target[Number(key)] : undefined;
      if (!hasOwn(ARRAY_METHODS, key) && (ts.isElementAccessExpression(at) || /^-?\d/.test(key))) return undefined;
      return this.method(target, key, ARRAY_METHODS, 'array', at);
    }
    if (target instanceof DslNamespace) return this.dslExport(key, at);
    if (target instanceof UserNamespace) {
      const exp = this.checker.getExportsOfModule(target.symbol).find((s) => s.name === key);
      if (!exp) throw this.error('RPN1107', `the module has no export '${key}'`, at, 'check the name of the export');
      return this.symbolValue(exp, at);
    }
    if (target instanceof Builtin) {
      if (hasOwn(target.members, key)) return target.members[key];
      throw this.error('RPN1102', `cannot evaluate statically: ${target.name}.${key} is not available in model files`, at, key === 'random' ? 'Math.random is not pure: a model file must describe the same model every time it is read' : `${STATIC_HINT}; available: ${Object.keys(target.members).map((k) => `${target.name}.${k}`).join(', ') || 'none'}`);
    }
    if (isInternal(target)) throw this.unsupported(`reading '${key}' of ${describe(target)}`, at);
    return hasOwn(target as object, key) ? (target as Record<string, unknown>)[key] : undefined;
  }

  private method(target: unknown, key: string, table: Record<string, MethodImpl>, what: string, at: ts.Node): BoundMethod {
    if (hasOwn(table, key)) return new BoundMethod(target, key, table[key]);
    throw this.error('RPN1102', `cannot evaluate statically: the ${what} method '${key}' is not supported in model files`, at, `supported ${what} methods: ${Object.keys(table).join(', ')}`);
  }

  private call(node: ts.CallExpression, env: Env): unknown {
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) throw this.unsupported('import()', node, "use a static import from 'rpnc' or from a relative .ts file");
    if (node.expression.kind === ts.SyntaxKind.SuperKeyword) throw this.unsupported('super', node);
    const inChain = (node.flags & ts.NodeFlags.OptionalChain) !== 0;
    const fn = inChain ? this.raw(node.expression, env) : this.expr(node.expression, env);
    if (fn === SHORT) return SHORT;
    if (node.questionDotToken && (fn === undefined || fn === null)) return SHORT;
    const args: unknown[] = [];
    for (const a of node.arguments) {
      if (ts.isSpreadElement(a)) for (const x of this.iterate(this.expr(a.expression, env), a.expression)) args.push(x);
      else args.push(this.expr(a, env));
    }
    if (args.length > MAX_ARGS) throw this.error('RPN1107', `a call with ${args.length} arguments (at most ${MAX_ARGS})`, node, 'pass the array itself instead of spreading it into the arguments');
    return this.callValue(fn, args, node);
  }

  /** Call an evaluated function value (also used by built-ins for callbacks). */
  callValue(fn: unknown, args: unknown[], node: ts.CallExpression): unknown {
    if (fn instanceof Closure) return this.callClosure(fn, args, node);
    if (fn instanceof DslFactory) return this.callDsl(fn.name, args, node);
    if (fn instanceof BoundMethod) return fn.impl(this, fn.target as never, args, node);
    if (fn instanceof Builtin && fn.call) return fn.call(this, args, node);
    throw this.error('RPN1107', `${describe(fn)} is not a function`, node.expression, 'check what is being called');
  }

  private callDsl(name: string, args: unknown[], node: ts.CallExpression): unknown {
    const factory = (dsl as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    // grid factories enumerate their patch cells, chains and graphs their links: refuse absurd sizes before they run
    const patch = isPlainObject(args[0]) ? (gridPatchTooLarge(args[0]) ?? topologyTooLarge(args[0], name === 'chain')) : undefined;
    if (patch) throw new StaticError(diag('RPN2301', `${name}(): ${patch.message}`, { span: (patch.option && getPropSpan(args[0], patch.option)) || spanOf(node), hint: patch.hint }));
    this.refuseForged(args, node);
    let result: unknown;
    try {
      result = factory(...args);
    } catch (e) {
      const opts = args[0];
      if (e instanceof dsl.DslError) {
        const span = (e.option !== undefined && isPlainObject(opts) ? getPropSpan(opts, e.option) : undefined) ?? spanOf(node);
        throw new StaticError(err('RPN1201', e.message, span, e.hint ?? `check the options of ${name}()`));
      }
      throw new StaticError(err('RPN1201', `${name}() failed: ${(e as Error)?.message ?? String(e)}`, spanOf(node), `check the options of ${name}()`));
    }
    if (typeof result === 'object' && result !== null) {
      this.made.add(result);
      setSpan(result, spanOf(node));
      const options = (result as { options?: unknown }).options;
      if (isPlainObject(args[0]) && typeof options === 'object' && options !== null) copyPropSpans(args[0], options);
    }
    return result;
  }

  /**
   * Components only come from rpnc's factories, which validate every option: an object written to
   * look like one (`{ kind, type, options }`) would skip that validation, so it is refused (RPN1012),
   * wherever it sits in a factory's arguments or the default export.
   */
  private refuseForged(values: unknown[], node: ts.Node): void {
    const seen = new Set<object>();
    const stack = [...values];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v !== 'object' || v === null || this.made.has(v) || seen.has(v) || isInternal(v)) continue;
      seen.add(v);
      this.step(1, node);
      if (isPlainObject(v) && dsl.isComponent(v)) {
        const span = getSpan(v) ?? spanOf(node);
        throw new StaticError(err('RPN1012', `this object has the shape of an rpnc component (${describe(v)}) but was not made by an rpnc factory`, span, `call the factory instead (e.g. ${dsl.camel(String((v as Record<string, unknown>).type))}({ ... })): factories check every option, a hand-written { kind, type, options } would skip those checks`));
      }
      for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
    }
  }

  private callClosure(fn: Closure, args: unknown[], node: ts.Node): unknown {
    if (this.depth >= this.limits.maxDepth) {
      throw this.error('RPN1105', `static evaluation recursed more than ${this.limits.maxDepth} calls deep`, node, 'a function of the model file calls itself without end (or too deeply)');
    }
    this.depth++;
    const where = this.where;
    this.where = node;
    try {
      const f = fn.node;
      const env = new Env(fn.env);
      if (ts.isFunctionExpression(f) && f.name) env.vars.set(f.name.text, fn);
      const params = f.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
      params.forEach((p, i) => {
        let v = p.dotDotDotToken ? args.slice(i) : args[i];
        if (v === undefined && p.initializer) v = this.expr(p.initializer, env);
        this.bind(p.name, v, env);
      });
      if (!f.body) throw this.unsupported('a function without a body', f);
      if (!ts.isBlock(f.body)) return this.expr(f.body, env);
      const c = this.statements(f.body.statements, env);
      return c.kind === 'return' ? c.value : undefined;
    } finally {
      this.depth--;
      this.where = where;
    }
  }

  private prefix(node: ts.PrefixUnaryExpression, env: Env): unknown {
    const op = node.operator;
    if (op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken) {
      throw this.unsupported('an increment or decrement (mutation)', node, 'model files cannot change values; compute a new value instead (i + 1)');
    }
    const v = this.expr(node.operand, env);
    if (op === ts.SyntaxKind.ExclamationToken) return !this.truthy(v);
    const x = this.primitive(v, node.operand);
    switch (op) {
      case ts.SyntaxKind.MinusToken:
        return -(x as number);
      case ts.SyntaxKind.PlusToken:
        return +(x as number);
      case ts.SyntaxKind.TildeToken:
        return ~(x as number);
    }
    throw this.unsupported(kindName(op), node);
  }

  private binary(node: ts.BinaryExpression, env: Env): unknown {
    const op = node.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
      throw this.unsupported('an assignment (mutation)', node, 'model files cannot change values: declare a new const instead');
    }
    switch (op) {
      case ts.SyntaxKind.AmpersandAmpersandToken: {
        const l = this.expr(node.left, env);
        return this.truthy(l) ? this.expr(node.right, env) : l;
      }
      case ts.SyntaxKind.BarBarToken: {
        const l = this.expr(node.left, env);
        return this.truthy(l) ? l : this.expr(node.right, env);
      }
      case ts.SyntaxKind.QuestionQuestionToken: {
        const l = this.expr(node.left, env);
        return l === undefined || l === null ? this.expr(node.right, env) : l;
      }
      case ts.SyntaxKind.CommaToken:
        this.expr(node.left, env);
        return this.expr(node.right, env);
      case ts.SyntaxKind.InstanceOfKeyword:
        throw this.unsupported('instanceof', node);
    }
    const l = this.expr(node.left, env);
    const r = this.expr(node.right, env);
    // comparing (or hashing) strings reads their characters
    if (typeof l === 'string' && typeof r === 'string') this.chars(Math.min(l.length, r.length), node);
    else if (typeof l === 'string' || typeof r === 'string') this.chars(typeof l === 'string' ? l.length : (r as string).length, node);
    switch (op) {
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
        return l === r;
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
        return l !== r;
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken: {
        let eq: boolean;
        if (isPrimitive(l) && isPrimitive(r)) eq = l == r;
        else if (l === undefined || l === null || r === undefined || r === null || (!isPrimitive(l) && !isPrimitive(r))) eq = l === r;
        else throw this.error('RPN1107', 'loose comparison (==) of an object with a primitive', node, 'use === and compare values of the same type');
        return op === ts.SyntaxKind.EqualsEqualsToken ? eq : !eq;
      }
      case ts.SyntaxKind.InKeyword: {
        if (typeof l !== 'string' && typeof l !== 'number') throw this.error('RPN1107', `the left side of 'in' must be a string or a number, got ${describe(l)}`, node.left, 'use a property name');
        if (!Array.isArray(r) && !isPlainObject(r)) throw this.error('RPN1107', `the right side of 'in' must be an object, got ${describe(r)}`, node.right, "use 'in' on objects");
        this.checkKey(String(l), node.left);
        return hasOwn(r, String(l)) || (Array.isArray(r) && String(l) === 'length');
      }
      case ts.SyntaxKind.PlusToken:
        if (isPrimitive(l) && isPrimitive(r)) return this.checkLength((l as number) + (r as number), node);
        return this.checkLength(this.toStr(l, node.left) + this.toStr(r, node.right), node);
    }
    const a = this.primitive(l, node.left) as number;
    const b = this.primitive(r, node.right) as number;
    switch (op) {
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.SlashToken: return a / b;
      case ts.SyntaxKind.PercentToken: return a % b;
      case ts.SyntaxKind.AsteriskAsteriskToken: return a ** b;
      case ts.SyntaxKind.LessThanToken: return a < b;
      case ts.SyntaxKind.GreaterThanToken: return a > b;
      case ts.SyntaxKind.LessThanEqualsToken: return a <= b;
      case ts.SyntaxKind.GreaterThanEqualsToken: return a >= b;
      case ts.SyntaxKind.AmpersandToken: return a & b;
      case ts.SyntaxKind.BarToken: return a | b;
      case ts.SyntaxKind.CaretToken: return a ^ b;
      case ts.SyntaxKind.LessThanLessThanToken: return a << b;
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
    }
    throw this.unsupported(`the operator '${ts.tokenToString(op) ?? kindName(op)}'`, node.operatorToken);
  }

  private typeOf(operand: ts.Expression, env: Env): string {
    const v = this.expr(operand, env);
    if (isCallable(v)) return 'function';
    if (isInternal(v)) return 'object';
    return typeof v;
  }

  /** Strings longer than MAX_SIZE are refused (a doubling recursion could otherwise exhaust memory). */
  checkLength<T>(v: T, at: ts.Node): T {
    if (typeof v === 'string') this.chars(v.length, at);
    if (typeof v === 'string' && v.length > MAX_SIZE) throw this.error('RPN1107', `a string longer than ${MAX_SIZE} characters`, at, 'model files build small values; check for runaway string concatenation');
    return v;
  }

  /** `parts.join(sep)`, refused before it is built when it would be longer than MAX_SIZE. */
  join(parts: string[], sep: string, at: ts.Node): string {
    let total = sep.length * Math.max(0, parts.length - 1);
    for (const p of parts) total += p.length;
    if (total > MAX_SIZE) throw this.error('RPN1107', `a string of ${total} characters (at most ${MAX_SIZE})`, at, 'model files build small values; check for runaway string concatenation');
    this.step(parts.length, at);
    this.chars(total, at);
    return parts.join(sep);
  }

  truthy(v: unknown): boolean {
    return isInternal(v) ? true : Boolean(v);
  }

  /** A primitive operand (numbers, strings, booleans, null, undefined); objects are refused. */
  primitive(v: unknown, at: ts.Node): unknown {
    if (isPrimitive(v)) {
      if (typeof v === 'bigint' || typeof v === 'symbol') throw this.unsupported(`a ${typeof v}`, at);
      return v;
    }
    throw this.error('RPN1107', `expected a number here, got ${describe(v)}`, at, 'arithmetic and comparisons work on numbers and strings');
  }

  /** String conversion as JS does it for primitives, arrays and plain objects. */
  toStr(v: unknown, at: ts.Node): string {
    if (isPrimitive(v)) return String(this.primitive(v, at));
    if (Array.isArray(v)) {
      this.step(v.length, at);
      return this.join(v.map((x) => (x === undefined || x === null ? '' : this.toStr(x, at))), ',', at);
    }
    if (isPlainObject(v)) return '[object Object]';
    throw this.error('RPN1107', `cannot convert ${describe(v)} to a string`, at, 'only numbers, strings, booleans and arrays of them can be turned into text');
  }

  // ---- statements and bindings --------------------------------------------------------------

  /** Bind a name or a destructuring pattern to a value in `env`. */
  bind(name: ts.BindingName, value: unknown, env: Env): void {
    if (ts.isIdentifier(name)) {
      env.vars.set(name.text, value);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      if (value === undefined || value === null) throw this.error('RPN1107', `cannot destructure ${value}`, name, 'give a default value (= {}) or check the argument');
      const used: string[] = [];
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          if (!isPlainObject(value) && !Array.isArray(value)) throw this.error('RPN1107', `cannot take the rest of ${describe(value)}`, el, 'rest patterns work on objects');
          const rest: Record<string, unknown> = {};
          setSpan(rest, spanOf(el));
          for (const k of Object.keys(value)) {
            if (used.includes(k)) continue;
            this.define(rest, k, (value as Record<string, unknown>)[k], el);
            const s = getPropSpan(value, k);
            if (s) setPropSpan(rest, k, s);
          }
          this.bind(el.name, rest, env);
          continue;
        }
        const key = el.propertyName ? this.propertyKey(el.propertyName, env) : (el.name as ts.Identifier).text;
        used.push(key);
        let v = this.getMember(value, key, el);
        if (v === undefined && el.initializer) v = this.expr(el.initializer, env);
        this.bind(el.name, v, env);
      }
      return;
    }
    const items = this.iterate(value, name);
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      let v = el.dotDotDotToken ? items.slice(i) : items[i];
      if (v === undefined && el.initializer) v = this.expr(el.initializer, env);
      this.bind(el.name, v, env);
    });
  }

  private statements(list: ts.NodeArray<ts.Statement>, env: Env): Completion {
    for (const st of list) {
      if (ts.isFunctionDeclaration(st) && st.name && st.body) env.vars.set(st.name.text, this.closure(st, env));
    }
    for (const st of list) {
      const c = this.statement(st, env);
      if (c.kind !== 'normal') return c;
    }
    return NORMAL;
  }

  private statement(st: ts.Statement, env: Env): Completion {
    this.current = st;
    this.step(1, st);
    switch (st.kind) {
      case ts.SyntaxKind.VariableStatement: {
        const list = (st as ts.VariableStatement).declarationList;
        this.declarations(list, env);
        return NORMAL;
      }
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.EmptyStatement:
      case ts.SyntaxKind.TypeAliasDeclaration:
      case ts.SyntaxKind.InterfaceDeclaration:
        return NORMAL;
      case ts.SyntaxKind.ReturnStatement: {
        const e = (st as ts.ReturnStatement).expression;
        return { kind: 'return', value: e ? this.expr(e, env) : undefined };
      }
      case ts.SyntaxKind.ExpressionStatement:
        this.expr((st as ts.ExpressionStatement).expression, env);
        return NORMAL;
      case ts.SyntaxKind.IfStatement: {
        const s = st as ts.IfStatement;
        if (this.truthy(this.expr(s.expression, env))) return this.statement(s.thenStatement, new Env(env));
        return s.elseStatement ? this.statement(s.elseStatement, new Env(env)) : NORMAL;
      }
      case ts.SyntaxKind.Block:
        return this.statements((st as ts.Block).statements, new Env(env));
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        if ((st as ts.BreakStatement).label) throw this.unsupported('a labelled break or continue', st);
        return { kind: st.kind === ts.SyntaxKind.BreakStatement ? 'break' : 'continue' };
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForStatement: {
        const where = this.where;
        this.where = st;
        const c = ts.isForOfStatement(st) ? this.forOf(st, env) : this.forLoop(st as ts.ForStatement, env);
        this.where = where;
        return c;
      }
      case ts.SyntaxKind.ForInStatement:
        throw this.unsupported('a for-in loop', st, 'use for (const key of Object.keys(obj))');
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        throw this.unsupported('a while loop', st, 'use for (const x of array) or for (let i = 0; i < n; i++), or Array.from({ length: n }, (_, i) => ...)');
      default:
        throw this.unsupported(UNSUPPORTED[st.kind] ?? kindName(st.kind), st);
    }
  }

  private declarations(list: ts.VariableDeclarationList, env: Env): void {
    const kind = declarationKind(list);
    if (kind !== 'const' && kind !== 'let') throw this.unsupported(kind, list, 'use const');
    for (const d of list.declarations) this.bind(d.name, d.initializer ? this.expr(d.initializer, env) : undefined, env);
  }

  private loopBody(st: ts.Statement, env: Env): Completion | undefined {
    const c = this.statement(st, env);
    if (c.kind === 'return') return c;
    if (c.kind === 'break') return NORMAL;
    return undefined;
  }

  private forOf(st: ts.ForOfStatement, env: Env): Completion {
    if (st.awaitModifier) throw this.unsupported('for await', st);
    const init = st.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) throw this.unsupported('a for-of loop that assigns to an outer variable', init, 'write for (const x of items)');
    if (declarationKind(init) !== 'const' && declarationKind(init) !== 'let') throw this.unsupported(declarationKind(init), init, 'use const');
    for (const item of this.iterate(this.expr(st.expression, env), st.expression)) {
      const iter = new Env(env);
      this.bind(init.declarations[0].name, item, iter);
      const done = this.loopBody(st.statement, iter);
      if (done) return done;
    }
    return NORMAL;
  }

  /** `for (let i = 0; i < n; i++)`: each iteration gets its own copy of the loop variables (as in JS). */
  private forLoop(st: ts.ForStatement, env: Env): Completion {
    const init = st.initializer;
    if (init && !ts.isVariableDeclarationList(init)) throw this.unsupported('a for loop without a let declaration', init, 'write for (let i = 0; i < n; i++)');
    let vars = new Env(env);
    if (init) this.declarations(init, vars);
    for (;;) {
      this.step(1, st);
      if (st.condition && !this.truthy(this.expr(st.condition, vars))) return NORMAL;
      const done = this.loopBody(st.statement, vars);
      if (done) return done;
      const next = new Env(env);
      for (const [k, v] of vars.vars) next.vars.set(k, v);
      vars = next;
      if (st.incrementor) this.increment(st.incrementor, vars);
    }
  }

  /** The incrementor of a for loop: `i++`, `i--`, `++i`, `i += k`, `i = e` on the loop's own variables. */
  private increment(e: ts.Expression, vars: Env): void {
    const target = (x: ts.Expression): string => {
      if (ts.isIdentifier(x) && vars.vars.has(x.text)) return x.text;
      throw this.unsupported('an assignment to something other than the loop variable', x, 'model files cannot change values; only the loop variable of a for loop may be updated');
    };
    const num = (name: string, at: ts.Node) => this.primitive(vars.vars.get(name), at) as number;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) {
      this.increment(e.left, vars);
      this.increment(e.right, vars);
      return;
    }
    if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)) {
      const name = target(e.operand);
      vars.vars.set(name, num(name, e) + (e.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1));
      return;
    }
    if (ts.isBinaryExpression(e)) {
      const name = target(e.left);
      const ops: Partial<Record<ts.SyntaxKind, (a: number, b: number) => number>> = {
        [ts.SyntaxKind.EqualsToken]: (_a, b) => b,
        [ts.SyntaxKind.PlusEqualsToken]: (a, b) => a + b,
        [ts.SyntaxKind.MinusEqualsToken]: (a, b) => a - b,
        [ts.SyntaxKind.AsteriskEqualsToken]: (a, b) => a * b,
        [ts.SyntaxKind.SlashEqualsToken]: (a, b) => a / b,
      };
      const f = ops[e.operatorToken.kind];
      if (f) {
        const rhs = this.expr(e.right, vars);
        vars.vars.set(name, e.operatorToken.kind === ts.SyntaxKind.EqualsToken ? rhs : f(num(name, e.left), this.primitive(rhs, e.right) as number));
        return;
      }
    }
    throw this.unsupported('this for-loop update', e, 'write i++, i--, i += k or i = expression');
  }
}

// ---- helpers ----------------------------------------------------------------------------------

function declarationKind(list: ts.VariableDeclarationList): 'const' | 'let' | 'var' | 'using' {
  const k = list.flags & ts.NodeFlags.BlockScoped;
  return k === ts.NodeFlags.Const ? 'const' : k === ts.NodeFlags.Let ? 'let' : k === 0 ? 'var' : 'using';
}
function isTopLevel(st: ts.Node): boolean {
  return ts.isSourceFile(st.parent);
}
function isAmbient(st: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(st as ts.Declaration) & ts.ModifierFlags.Ambient) !== 0;
}

function kindName(kind: ts.SyntaxKind): string {
  return (ts.SyntaxKind[kind] ?? 'syntax')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

const UNSUPPORTED: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.NewExpression]: "'new'",
  [ts.SyntaxKind.ThisKeyword]: "'this'",
  [ts.SyntaxKind.SuperKeyword]: "'super'",
  [ts.SyntaxKind.ClassExpression]: 'a class',
  [ts.SyntaxKind.ClassDeclaration]: 'a class',
  [ts.SyntaxKind.DeleteExpression]: "'delete' (mutation)",
  [ts.SyntaxKind.AwaitExpression]: "'await'",
  [ts.SyntaxKind.YieldExpression]: "'yield'",
  [ts.SyntaxKind.TaggedTemplateExpression]: 'a tagged template',
  [ts.SyntaxKind.RegularExpressionLiteral]: 'a regular expression',
  [ts.SyntaxKind.BigIntLiteral]: 'a bigint',
  [ts.SyntaxKind.MetaProperty]: 'import.meta / new.target',
  [ts.SyntaxKind.TryStatement]: 'try/catch',
  [ts.SyntaxKind.ThrowStatement]: "'throw'",
  [ts.SyntaxKind.SwitchStatement]: "'switch'",
  [ts.SyntaxKind.LabeledStatement]: 'a labelled statement',
  [ts.SyntaxKind.WithStatement]: "'with'",
  [ts.SyntaxKind.EnumDeclaration]: 'an enum',
  [ts.SyntaxKind.ModuleDeclaration]: 'a namespace',
  [ts.SyntaxKind.DebuggerStatement]: "'debugger'",
};

export function describe(v: unknown): string {
  if (v instanceof Closure) return `the function ${v.node.name && ts.isIdentifier(v.node.name) ? `'${v.node.name.text}'` : '(anonymous)'}`;
  if (v instanceof DslFactory) return `the rpnc factory '${v.name}'`;
  if (v instanceof BoundMethod) return `the method '${v.name}'`;
  if (v instanceof Builtin) return `the built-in '${v.name}'`;
  if (v instanceof DslNamespace || v instanceof UserNamespace) return 'a module namespace';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (isPlainObject(v)) return typeof v.kind === 'string' && typeof v.type === 'string' ? `${v.type} (a ${v.kind})` : 'an object';
  return String(v);
}

// ---- built-ins --------------------------------------------------------------------------------

const MAX_SIZE = 10_000_000;
/** Arguments of one call (spreads included): host functions take at most ~100k arguments. */
const MAX_ARGS = 10_000;
function count(ev: Evaluator, n: unknown, call: ts.CallExpression, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SIZE) {
    throw new StaticError(err('RPN1107', `${what} must be a non-negative integer (at most ${MAX_SIZE}), got ${describe(n)}`, spanOf(call), 'check the length'));
  }
  ev.step(n, call);
  return n;
}
const primitives = (ev: Evaluator, args: unknown[], call: ts.CallExpression) => args.map((a, i) => ev.primitive(a, call.arguments[i] ?? call));
const fresh = <T extends object>(v: T, call: ts.CallExpression): T => {
  setSpan(v, spanOf(call));
  return v;
};
const callback = (ev: Evaluator, f: unknown, call: ts.CallExpression) => (...a: unknown[]) => ev.callValue(f, a, call);

function pure(name: string, f: (...a: never[]) => unknown): Builtin {
  return new Builtin(name, (ev, args, call) => {
    const a = primitives(ev, args, call);
    for (const x of a) if (typeof x === 'string') ev.chars(x.length, call); // parseInt & co. read their text
    return (f as (...a: unknown[]) => unknown)(...a);
  });
}

/** `a.flat(depth)` built element by element, each charged: shared nested arrays cannot make it materialise 2²⁷ items unseen. */
function boundedFlat(ev: Evaluator, a: unknown[], depth: number, call: ts.CallExpression): unknown[] {
  const out: unknown[] = [];
  const walk = (xs: unknown[], d: number): void => {
    ev.step(xs.length, call);
    for (const x of xs) {
      if (Array.isArray(x) && d > 0) walk(x, d - 1);
      else out.push(x);
    }
  };
  walk(a, depth);
  return out;
}

const MATH_FUNCTIONS = ['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh', 'exp', 'expm1', 'floor', 'fround', 'hypot', 'imul', 'log', 'log10', 'log1p', 'log2', 'max', 'min', 'pow', 'round', 'sign', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc'] as const;
const MATH_CONSTANTS = ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2'] as const;

function objectKeysOf(ev: Evaluator, v: unknown, call: ts.CallExpression): string[] {
  if (isPlainObject(v) || Array.isArray(v)) {
    const keys = Object.keys(v);
    ev.step(keys.length, call);
    return keys;
  }
  throw new StaticError(err('RPN1107', `expected an object, got ${describe(v)}`, spanOf(call.arguments[0] ?? call), 'Object.keys/values/entries take an object'));
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return e;
}

const GLOBALS: Record<string, unknown> = {
  undefined: undefined,
  NaN: NaN,
  Infinity: Infinity,
  isFinite: pure('isFinite', isFinite),
  isNaN: pure('isNaN', isNaN),
  parseInt: pure('parseInt', parseInt),
  parseFloat: pure('parseFloat', parseFloat),
  Math: new Builtin('Math', undefined, {
    ...Object.fromEntries(MATH_FUNCTIONS.map((k) => [k, pure(`Math.${k}`, Math[k] as (...a: never[]) => unknown)])),
    ...Object.fromEntries(MATH_CONSTANTS.map((k) => [k, Math[k]])),
  }),
  Number: new Builtin('Number', (ev, args, call) => {
    if (!args.length) return 0;
    const v = isPrimitive(args[0]) ? ev.primitive(args[0], call) : ev.toStr(args[0], call);
    if (typeof v === 'string') ev.chars(v.length, call);
    return Number(v);
  }, {
    isInteger: pure('Number.isInteger', Number.isInteger),
    isFinite: pure('Number.isFinite', Number.isFinite),
    isNaN: pure('Number.isNaN', Number.isNaN),
    isSafeInteger: pure('Number.isSafeInteger', Number.isSafeInteger),
    parseFloat: pure('Number.parseFloat', Number.parseFloat),
    parseInt: pure('Number.parseInt', Number.parseInt),
    EPSILON: Number.EPSILON,
    MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
    MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
    MAX_VALUE: Number.MAX_VALUE,
    MIN_VALUE: Number.MIN_VALUE,
    POSITIVE_INFINITY: Infinity,
    NEGATIVE_INFINITY: -Infinity,
    NaN: NaN,
  }),
  String: new Builtin('String', (ev, args, call) => (args.length ? ev.toStr(args[0], call) : '')),
  Boolean: new Builtin('Boolean', (ev, args) => ev.truthy(args[0])),
  Array: new Builtin('Array', undefined, {
    isArray: new Builtin('Array.isArray', (_ev, args) => Array.isArray(args[0])),
    of: new Builtin('Array.of', (_ev, args, call) => fresh([...args], call)),
    from: new Builtin('Array.from', (ev, [src, mapFn], call) => {
      let items: unknown[];
      if (Array.isArray(src) || typeof src === 'string') items = ev.iterate(src, call);
      else if (isPlainObject(src) && hasOwn(src, 'length')) {
        const n = count(ev, src.length, call, 'Array.from({ length })');
        items = Array.from({ length: n }, (_, i) => (hasOwn(src, String(i)) ? src[String(i)] : undefined));
      } else throw new StaticError(err('RPN1107', `Array.from needs an array, a string or { length: n }, got ${describe(src)}`, spanOf(call), 'write Array.from({ length: n }, (_, i) => ...)'));
      if (mapFn !== undefined) {
        const f = callback(ev, mapFn, call);
        items = items.map((x, i) => f(x, i));
      }
      return fresh(items, call);
    }),
  }),
  Object: new Builtin('Object', undefined, {
    keys: new Builtin('Object.keys', (ev, [o], call) => fresh(objectKeysOf(ev, o, call), call)),
    values: new Builtin('Object.values', (ev, [o], call) => fresh(objectKeysOf(ev, o, call).map((k) => (o as Record<string, unknown>)[k]), call)),
    entries: new Builtin('Object.entries', (ev, [o], call) => fresh(objectKeysOf(ev, o, call).map((k) => [k, (o as Record<string, unknown>)[k]]), call)),
    fromEntries: new Builtin('Object.fromEntries', (ev, [entries], call) => {
      const out: Record<string, unknown> = fresh({}, call);
      for (const e of ev.iterate(entries, call)) {
        if (!Array.isArray(e) || (typeof e[0] !== 'string' && typeof e[0] !== 'number')) throw new StaticError(err('RPN1107', `Object.fromEntries needs [key, value] pairs, got ${describe(e)}`, spanOf(call), 'pass an array of [key, value] arrays'));
        ev.spreadInto(out, { [e[0]]: e[1] }, call);
      }
      return out;
    }),
    assign: new Builtin('Object.assign', (ev, [target, ...sources], call) => {
      const first = call.arguments[0];
      if (!first || !ts.isObjectLiteralExpression(unwrap(first)) || !isPlainObject(target)) {
        throw new StaticError(err('RPN1101', 'cannot evaluate statically: Object.assign onto an existing object (mutation)', spanOf(call), 'write Object.assign({}, a, b) or { ...a, ...b }'));
      }
      sources.forEach((s, i) => ev.spreadInto(target, s, call.arguments[i + 1] ?? call));
      return target;
    }),
    freeze: new Builtin('Object.freeze', (_ev, [o]) => o),
  }),
};

/** Array methods (none of them mutates the array). */
const ARRAY_METHODS: Record<string, MethodImpl> = {
  map: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return fresh(a.map((x, i) => g(x, i, a)), call);
  },
  filter: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return fresh(a.filter((x, i) => ev.truthy(g(x, i, a))), call);
  },
  flatMap: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return fresh(a.flatMap((x, i) => {
      const r = g(x, i, a);
      if (Array.isArray(r)) ev.step(r.length, call);
      return r;
    }), call);
  },
  reduce: (ev, a: unknown[], args, call) => {
    const g = callback(ev, args[0], call);
    if (args.length < 2 && a.length === 0) throw new StaticError(err('RPN1107', 'reduce of an empty array with no initial value', spanOf(call), 'give reduce an initial value'));
    let acc = args.length >= 2 ? args[1] : a[0];
    for (let i = args.length >= 2 ? 0 : 1; i < a.length; i++) acc = g(acc, a[i], i, a);
    return acc;
  },
  every: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return a.every((x, i) => ev.truthy(g(x, i, a)));
  },
  some: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return a.some((x, i) => ev.truthy(g(x, i, a)));
  },
  find: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return a.find((x, i) => ev.truthy(g(x, i, a)));
  },
  findIndex: (ev, a: unknown[], [f], call) => {
    const g = callback(ev, f, call);
    return a.findIndex((x, i) => ev.truthy(g(x, i, a)));
  },
  slice: (ev, a: unknown[], args, call) => {
    const out = a.slice(...(primitives(ev, args, call) as number[]));
    ev.step(out.length, call);
    return fresh(out, call);
  },
  concat: (ev, a: unknown[], args, call) => {
    // charged before the result is built
    ev.step(args.reduce<number>((n, x) => n + (Array.isArray(x) ? x.length : 1), a.length), call);
    return fresh(a.concat(...args.map((x) => (Array.isArray(x) ? x : [x]))), call);
  },
  flat: (ev, a: unknown[], args, call) => {
    const depth = args[0] === undefined ? 1 : (ev.primitive(args[0], call) as number);
    return fresh(boundedFlat(ev, a, Number.isNaN(depth) ? 0 : Math.max(0, Math.min(depth, 100)), call), call);
  },
  join: (ev, a: unknown[], args, call) => {
    const sep = args[0] === undefined ? ',' : ev.toStr(args[0], call);
    return ev.join(a.map((x) => (x === undefined || x === null ? '' : ev.toStr(x, call))), sep, call);
  },
  includes: (ev, a: unknown[], [x], call) => (ev.step(a.length, call), a.includes(x)),
  indexOf: (ev, a: unknown[], [x], call) => (ev.step(a.length, call), a.indexOf(x)),
  lastIndexOf: (ev, a: unknown[], [x], call) => (ev.step(a.length, call), a.lastIndexOf(x)),
  at: (ev, a: unknown[], [i], call) => a.at(ev.primitive(i, call) as number),
};

function stringMethod(name: keyof string & string, sized = false): MethodImpl {
  return (ev, s: string, args, call) => {
    const a = primitives(ev, args, call);
    // every string method reads its string and its string arguments (the result is charged by checkLength)
    ev.chars(s.length + a.reduce<number>((n, x) => n + (typeof x === 'string' ? x.length : 0), 0), call);
    if (sized) count(ev, name === 'repeat' ? (a[0] as number) * s.length : Math.max(0, (a[0] as number) - s.length), call, `the length of ${name}()`);
    const bound = s.length + a.reduce<number>((n, x) => n + String(x).length * (name.startsWith('replace') ? s.length + 1 : 1), 0);
    if (bound > MAX_SIZE) count(ev, bound, call, `the result of ${name}()`);
    return ev.checkLength((String.prototype[name] as (...x: unknown[]) => unknown).apply(s, a), call);
  };
}
const STRING_METHODS: Record<string, MethodImpl> = {
  ...Object.fromEntries(
    (['slice', 'substring', 'toUpperCase', 'toLowerCase', 'trim', 'trimStart', 'trimEnd', 'startsWith', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'charAt', 'at', 'concat', 'replace', 'replaceAll', 'toString'] as const).map((k) => [k, stringMethod(k)]),
  ),
  padStart: stringMethod('padStart', true),
  padEnd: stringMethod('padEnd', true),
  repeat: stringMethod('repeat', true),
  split: (ev, s: string, args, call) => {
    const a = primitives(ev, args, call);
    ev.chars(s.length + (typeof a[0] === 'string' ? a[0].length : 0), call);
    // at most one item past the step budget is ever created (split's own limit)
    const limit = Math.min(a[1] === undefined ? Infinity : (a[1] as number) >>> 0, ev.stepsLeft() + 1);
    const out = s.split(a[0] as string, limit);
    ev.step(out.length, call);
    return fresh(out, call);
  },
};
const NUMBER_METHODS: Record<string, MethodImpl> = Object.fromEntries(
  (['toFixed', 'toString', 'toPrecision'] as const).map((k) => [k, ((ev, n: number, args, call) => (Number.prototype[k] as (...x: unknown[]) => unknown).apply(n, primitives(ev, args, call))) as MethodImpl]),
);
