/** Semantics of the static evaluator, on small model files written to a temporary directory. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type LoadOptions, loadModel } from '../../compiler/frontend/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-eval-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Write `prelude` + `export default <expr>` and load it. */
function load(expr: string, prelude = '', opts?: LoadOptions) {
  const file = path.join(dir, `m${++n}.ts`);
  const text = `${prelude}\nexport default ${expr};\n`;
  fs.writeFileSync(file, text);
  return { file, text, ...loadModel(file, opts) };
}
function value(expr: string, prelude = '') {
  const r = load(expr, prelude);
  expect(r.diagnostics).toEqual([]);
  return r.value;
}
/** The single diagnostic; `needle` (default: the expression) must start at its location. */
function error(expr: string, prelude = '', needle = expr, opts?: LoadOptions) {
  const r = load(expr, prelude, opts);
  expect(r.value).toBeUndefined();
  expect(r.diagnostics).toHaveLength(1);
  const d = r.diagnostics[0];
  const at = r.text.indexOf(needle);
  const before = r.text.slice(0, at).split('\n');
  expect({ code: d.code, line: d.span?.line, col: d.span?.col }).toEqual({ code: d.code, line: before.length, col: before[before.length - 1].length + 1 });
  expect(d.hint).toBeTruthy();
  return d;
}

describe('expressions', () => {
  test.each([
    ['1 + 2 * 3 ** 2 % 5', 1 + ((2 * 3 ** 2) % 5)],
    ["'a' + 1 + [1, 2]", 'a11,2'],
    ['`x${1}y${[1, 2]}z${true}`', 'x1y1,2ztrue'],
    ['-(2) + +3 - ~1 + (5 & 3) + (1 << 3) + (7 ^ 1) + (8 >> 1) + (1 | 2)', -2 + 3 - ~1 + (5 & 3) + (1 << 3) + (7 ^ 1) + (8 >> 1) + (1 | 2)],
    ['[1 < 2, 2 <= 2, 3 > 4, 4 >= 4, 1 === 1, 1 !== 1, !0]', [true, true, false, true, true, false, true]],
    ['[true ? 1 : 2, false ? 1 : 2]', [1, 2]],
    ["[typeof 1, typeof 'x', typeof (() => 1), typeof {}, typeof undefined, typeof null]", ['number', 'string', 'function', 'object', 'undefined', 'object']],
    ['[1, 2, 3].map((x) => x * 2).filter((x) => x > 2).reduce((a, b) => a + b, 0)', 10],
    ['[[1], [2, [3]]].flat()', [1, 2, [3]]],
    ["[1, 2].concat([3], 4).join('-')", '1-2-3-4'],
    ['[[1, 2, 3].includes(2), [1, 2, 3].indexOf(3), [1, 2].every((x) => x > 0), [1, 2].some((x) => x > 5), [4, 5].find((x) => x > 4), [4, 5].findIndex((x) => x > 4)]', [true, 2, true, false, 5, 1]],
    ['[[1, 2, 3].slice(1), [1, 2, 3].at(-1), [1, 2].flatMap((x) => [x, x])]', [[2, 3], 3, [1, 1, 2, 2]]],
    ['Array.from({ length: 3 }, (_, i) => i * i)', [0, 1, 4]],
    ["[Array.from('ab'), Array.from([1, 2], (x) => x + 1), Array.isArray([]), Array.of(1, 2)]", [['a', 'b'], [2, 3], true, [1, 2]]],
    ['[Math.max(1, 5), Math.min(2, 3), Math.floor(2.5), Math.ceil(2.1), Math.round(2.5), Math.sqrt(16), Math.abs(-2), Math.pow(2, 10), Math.trunc(-2.5), Math.sign(-3), Math.log(1), Math.exp(0)]', [5, 2, 2, 3, 3, 4, 2, 1024, -2, -1, 0, 1]],
    ['[Math.PI, Math.E]', [Math.PI, Math.E]],
    ["[Number('3') + Number(true), String(12), String([1, 2]), Boolean(0), Number.isInteger(3), parseInt('12px')]", [4, '12', '1,2', false, true, 12]],
    ['Object.keys({ a: 1, b: 2 })', ['a', 'b']],
    ['[Object.values({ a: 1 }), Object.entries({ a: 1 }), Object.assign({}, { a: 1 }, { b: 2 }), Object.fromEntries([["a", 1]])]', [[1], [['a', 1]], { a: 1, b: 2 }, { a: 1 }]],
    ["{ a: 1, ...{ b: 2, c: 3 }, c: 4, ['d' + 1]: 5, 6: 'six' }", { a: 1, b: 2, c: 4, d1: 5, 6: 'six' }],
    ['[...[1, 2], ...\'ab\']', [1, 2, 'a', 'b']],
    ["['Abc'.toLowerCase().padStart(5, '.'), 'a,b'.split(','), 'abc'.length, 'abc'[1], (3.14159).toFixed(2), 'ab'.repeat(2)]", ['..abc', ['a', 'b'], 3, 'b', '3.14', 'abab']],
    ["('k' in { k: 1 }) && !('toString' in { k: 1 })", true],
    ['({ a: 1 } as const).a satisfies number', 1],
  ])('%s', (expr, expected) => {
    expect(value(expr)).toEqual(expected);
  });

  test('names, imports of consts, element access, optional chaining, non-null', () => {
    const prelude = 'const u = [null, 0, 5] as (number | null)[];\nconst o: { a?: { b: number } } = {};\nconst p = { a: { b: 2 } };\nconst dims = [4, 8, 3];\nconst i = 0;';
    expect(value('[o.a?.b, p.a?.b, o?.a?.b ?? 7, p.a!.b, dims[i + 1], dims.length, dims[9], (u[0] ?? 0) || u[2], u[1] ?? 7, u[2] && 6]', prelude)).toEqual([undefined, 2, 7, 2, 8, 3, undefined, 5, 0, 6]);
  });

  test('functions: defaults, destructuring, rest, closures, recursion, hoisting', () => {
    const prelude = [
      'function f({ a = 1, ...r }: { a?: number; b: number; c: number }, [x, , y = 9]: number[] = [], ...more: number[]) { return [a, r, x, y, more]; }',
      'const k = 3;',
      'const add = (n: number) => (x: number) => x + n + k;',
      'function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }',
      'const named = function self(n: number): number { return n <= 0 ? 0 : n + self(n - 1); };',
      'const later = () => helper(2);',
      'function helper(x: number) { const inner = (y: number) => y * x; return inner(x); }',
      'const obj = { twice(x: number) { return 2 * x; } };',
    ].join('\n');
    expect(value('[f({ b: 2, c: 3 }, [4, 5], 6, 7), add(1)(2), fib(15), named(4), later(), obj.twice(4)]', prelude)).toEqual([
      [1, { b: 2, c: 3 }, 4, 9, [6, 7]],
      6,
      610,
      10,
      4,
      8,
    ]);
  });

  test('statements: if/else, for-of with continue/break, for loops with per-iteration bindings', () => {
    const prelude = [
      'function firstEven(xs: number[]) { for (const x of xs) { if (x % 2) continue; return x; } return -1; }',
      'function sign(x: number) { if (x > 0) { return 1; } else if (x < 0) return -1; else return 0; }',
      'function pick(k: number) { for (let i = 0; i < 5; i++) { const f = () => i * 10; if (i === k) return f; } return () => -1; }',
      'function stop(xs: number[]) { let found = -1; for (let i = xs.length - 1; i >= 0; i -= 1) { if (xs[i] > 2) { found = i; break; } } return found; }',
    ].join('\n');
    expect(value('[firstEven([1, 3, 4, 6]), sign(-2), sign(0), pick(3)(), pick(9)()]', prelude)).toEqual([4, -1, 0, 30, -1]);
    // `found = i` is a mutation: refused even inside a loop
    error('stop([1, 5])', prelude, 'found = i');
  });

  test('factories called through callbacks and component options read back', () => {
    const prelude = "import { relu, taylorExpansion } from 'rpnc';\nconst acts = [{}, { inplace: true }].map(relu);";
    expect(value('[acts.map((a) => a.options.inplace), taylorExpansion({ d: 3 }).options.d]', prelude)).toEqual([[false, true], 3]);
  });
});

describe('what is refused', () => {
  test.each([
    ['RPN1101', 'new Date()', '', 'new Date()'],
    ['RPN1102', 'Date.now()', '', 'Date'],
    ['RPN1102', "eval('1')", '', 'eval'],
    ['RPN1102', 'JSON.stringify({})', '', 'JSON'],
    ['RPN1102', "Symbol('x')", '', 'Symbol'],
    ['RPN1102', "Function('return 1')", '', 'Function'],
    ['RPN1101', '/a+/.test("aa")', '', '/a+/'],
    ['RPN1101', 'String.raw`x`', '', 'String.raw`x`'],
    ['RPN1101', '{ get x() { return 1; } }', '', 'get x'],
    ['RPN1101', '(async () => 1)()', '', 'async'],
    ['RPN1101', '(function* () { yield 1; })()', '', 'function*'],
    ['RPN1108', '[].constructor', '', '[].constructor'],
    ['RPN1108', "o['__proto__']", 'const o: Record<string, unknown> = {};', "o['__proto__']"],
    ['RPN1101', 'Object.assign(o, { a: 1 })', 'const o: Record<string, unknown> = {};', 'Object.assign('],
    ['RPN1107', '({ a: 1 }).toString()', '', '({ a: 1 }).toString'],
    ['RPN1101', 'f()', 'function f() { let x = 1; x = 2; return x; }', 'x = 2'],
    ['RPN1101', 'f()', 'function f() { let i = 0; while (i < 3) { return i; } return 0; }', 'while'],
    ['RPN1101', 'f()', 'function f() { try { return 1; } catch { return 2; } }', 'try'],
    ['RPN1101', 'o.f()', 'const o = { n: 1, f() { return this.n; } };', 'this'],
    ['RPN1101', 'f()', 'function f() { const o: { a?: number } = { a: 1 }; delete o.a; return o; }', 'delete'],
    ['RPN1101', 'f()', "function f() { return import('./m' + 1 + '.ts'); }", 'import('],
    ['RPN1101', 'f([1])', 'function f(xs: number[]) { for (const i in xs) return 1; return 0; }', 'for (const i in'],
    ['RPN1102', "make('head', 'head', {}, {})", "import { make } from 'rpnc';", "make('head'"],
    ['RPN1103', '1', 'let x = 1;', 'let x'],
    ['RPN1107', 'dbl("x", 40).length', 'function dbl(s: string, n: number): string { return n === 0 ? s : dbl(s + s, n - 1); }', 's + s'],
    ['RPN1101', '1', 'class A {}', 'class A'],
    ['RPN1101', 'E.a', 'enum E { a }', 'enum E'],
  ])('%s: %s with %s', (code, expr, prelude, needle) => {
    expect(error(expr, prelude, needle).code).toBe(code);
  });

  test('recursion depth and step limits are options', () => {
    const prelude = 'function down(n: number): number { return n === 0 ? 0 : down(n - 1); }';
    expect(value('down(150)', prelude)).toBe(0);
    expect(error('down(150)', prelude, 'down(n - 1)', { limits: { maxDepth: 100 } }).code).toBe('RPN1105');
    expect(error('down(150)', prelude, 'down(n - 1)', { limits: { maxSteps: 500 } }).code).toBe('RPN1104');
    expect(error('Array.from({ length: 1e7 }, (_, i) => i)', '', 'Array.from', { limits: { maxSteps: 10_000 } }).code).toBe('RPN1104');
  });

  test('a relative import into node_modules is refused', () => {
    fs.mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'pkg', 'index.ts'), 'export const x = 1;\n');
    const d = error('x', "import { x } from './node_modules/pkg/index.ts';", "'./node_modules/pkg/index.ts'");
    expect(d.code).toBe('RPN1005');
  });
});
