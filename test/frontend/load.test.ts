import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as dsl from '../../compiler/dsl/index.js';
import { FRONTEND_CODES, loadModel } from '../../compiler/frontend/index.js';
import { getSpan, optionSpan } from '../../compiler/spans.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const model = (name: string) => path.join(here, 'models', name);

/** 1-based line/col of the `nth` occurrence of `needle` in a file (plus `offset` characters). */
function locate(file: string, needle: string, offset = 0, nth = 1) {
  const text = fs.readFileSync(file, 'utf8');
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`'${needle}' not in ${file}`);
  const before = text.slice(0, at + offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function ok(file: string) {
  const r = loadModel(file);
  expect(r.diagnostics).toEqual([]);
  return r;
}

/** The only diagnostic of a failing load, with its location checked against `needle`. */
function fails(file: string, code: string, needle?: string, offset = 0) {
  const r = loadModel(file);
  expect(r.value).toBeUndefined();
  expect(r.diagnostics.map((d) => d.code)).toContain(code);
  const d = r.diagnostics.find((x) => x.code === code)!;
  expect(d.severity).toBe('error');
  expect(d.hint).toBeTruthy();
  expect(d.span?.file).toBe(file);
  if (needle !== undefined) expect({ line: d.span?.line, col: d.span?.col }).toEqual(locate(file, needle, offset));
  return d;
}

const { rpn, layer, head, taylorExpansion, lorrReconciliation, identityReconciliation, zeroRemainder, linearRemainder, relu } = dsl;

describe('valid models', () => {
  test('a literal model evaluates to what the factories give, with spans', () => {
    const file = model('simple.ts');
    const r = ok(file);
    const h = head({ m: 4, n: 3, dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: lorrReconciliation({ r: 2 }), remainder: zeroRemainder() });
    expect(r.value).toEqual(rpn({ layers: [layer({ m: 4, n: 3, heads: [h] })] }));
    expect(r.files).toEqual([file]);
    expect(r.sourceText).toBe(fs.readFileSync(file, 'utf8'));

    const value = r.value as dsl.Component;
    expect(getSpan(value)).toMatchObject({ file, ...locate(file, 'rpn({') });
    const l = (value.options.layers as dsl.Component[])[0];
    expect(getSpan(l)).toMatchObject(locate(file, 'layer({'));
    expect(optionSpan(l, 'm')).toMatchObject(locate(file, '4', 0, 1));
    const hd = (l.options.heads as dsl.Component[])[0];
    expect(optionSpan(hd, 'dataTransformation')).toMatchObject(locate(file, 'taylorExpansion('));
    expect(getSpan(hd.options.dataTransformation)).toMatchObject(locate(file, 'taylorExpansion('));
    expect(optionSpan(hd.options.dataTransformation as dsl.Component, 'd')).toMatchObject(locate(file, '2 })'));
  });

  test('helpers in a second file, default and namespace imports, Array.from and map', () => {
    const file = model('with_helpers.ts');
    const r = ok(file);
    const th = (m: number, n: number) => head({ m, n, dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: lorrReconciliation({ r: 2 }), remainder: zeroRemainder() });
    expect(r.value).toEqual(
      rpn({
        name: 'rank2',
        layers: [layer({ m: 4, n: 8, heads: [th(4, 8)] }), layer({ m: 8, n: 3, heads: [th(8, 3)] }), layer({ m: 3, n: 2, heads: [th(3, 2), th(3, 2)] })],
      }),
    );
    expect(r.files).toEqual([file, model('lib/helpers.ts')]);
    // spans of components built in the helper file point into the helper file
    const first = ((r.value as dsl.Component).options.layers as dsl.Component[])[0];
    expect(getSpan(first)).toMatchObject({ file: model('lib/helpers.ts'), ...locate(model('lib/helpers.ts'), 'layer({') });
  });

  test('destructuring, spreads, defaults, ternaries, loops, template literals, closures', () => {
    const r = ok(model('features.ts'));
    const shared = { dataTransformation: taylorExpansion({ d: 3 }), remainder: zeroRemainder() };
    const mk = (m: number, n: number, rank: number, bias: boolean) =>
      head({ m, n, ...shared, parameterFabrication: rank > 1 ? lorrReconciliation({ r: rank, enableBias: bias }) : identityReconciliation(), outputProcessFunctions: n > 2 ? [relu()] : undefined });
    expect(r.value).toEqual(
      rpn({
        name: 'm8-1-dims+rank+bias-number-6-8',
        layers: [
          layer({ m: 4, n: 6, name: 'layer_0_4x6', heads: [mk(4, 6, 2, true)] }),
          layer({ m: 6, n: 6, name: 'layer_1_6x6', heads: [mk(6, 6, 1, false)] }),
          layer({ m: 6, n: 2, name: 'layer_2_6x2', heads: [mk(6, 2, 2, true)] }),
          layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: taylorExpansion(), remainder: linearRemainder({ enableBias: true }) })] }),
        ],
      }),
    );
  });

  test("import * as R from 'rpnc', import aliases and export { model as default }", () => {
    const r = ok(model('namespace.ts'));
    expect(r.value).toEqual(
      rpn({ layers: [layer({ m: 3, n: 3, heads: [head({ m: 3, n: 3, dataTransformation: taylorExpansion({ d: 1 }), parameterFabrication: lorrReconciliation(), remainder: zeroRemainder() })] })] }),
    );
  });

  test("a model file anywhere on disk (no node_modules near it) resolves 'rpnc'", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-frontend-'));
    try {
      const file = path.join(dir, 'model.ts');
      fs.writeFileSync(path.join(dir, 'dims.ts'), 'export const dims = [2, 3];\n');
      fs.writeFileSync(file, "import { rpn, layer, head, identityExpansion } from 'rpnc';\nimport { dims } from './dims';\nexport default rpn({ layers: [layer({ m: dims[0], n: dims[1], heads: [head({ m: 2, n: 3, dataTransformation: identityExpansion() })] })] });\n");
      const r = ok(file);
      expect(r.value).toEqual(rpn({ layers: [layer({ m: 2, n: 3, heads: [head({ m: 2, n: 3, dataTransformation: dsl.identityExpansion() })] })] }));
      expect(r.files).toEqual([file, path.join(dir, 'dims.ts')]);
      // the file changes on disk: the next load sees the new text
      fs.writeFileSync(path.join(dir, 'dims.ts'), 'export const dims = [2, 0];\n');
      expect(loadModel(file).diagnostics).toMatchObject([{ code: 'RPN1201', message: "option 'n' of layer() must be a positive integer, got 0", span: { file, ...locate(file, 'dims[1]') } }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the golden fixture models load', () => {
    const dir = path.join(here, '../../fixtures/models');
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).filter((x) => /^[abm]_.*\.ts$/.test(x))) {
      const r = loadModel(path.join(dir, f));
      expect(r.diagnostics, f).toEqual([]);
      expect(dsl.isComponent(r.value), f).toBe(true);
    }
  });
});

describe('errors', () => {
  test('file not found, a directory, not a .ts file', () => {
    const missing = loadModel(model('nope.ts'));
    expect(missing.diagnostics).toMatchObject([{ code: 'RPN1001', span: { file: model('nope.ts'), line: 1, col: 1 } }]);
    expect(missing.value).toBeUndefined();
    expect(loadModel(path.join(here, 'models')).diagnostics[0].code).toBe('RPN1001');
    expect(loadModel(path.join(here, '../../package.json')).diagnostics[0].code).toBe('RPN1001');
  });

  test('syntax error', () => {
    fails(model('errors/syntax.ts'), 'RPN1002', '[4, 3;', 5);
  });

  test('type error against the DSL types', () => {
    const d = fails(model('errors/type_error.ts'), 'RPN1003', "m: 'five'");
    expect(d.message).toContain("Type 'string' is not assignable to type 'number'");
  });

  test('Math.random() and Date.now() are not static', () => {
    const d = fails(model('errors/random.ts'), 'RPN1102', 'Math.random');
    expect(d.message).toContain('Math.random');
    fails(model('errors/date.ts'), 'RPN1102', 'Date.now');
  });

  test('globalThis / process are not reachable', () => {
    fails(model('errors/writes_file_2.ts'), 'RPN1102', 'globalThis');
  });

  test('an unknown option spread in from a const points at the property', () => {
    const d = fails(model('errors/unknown_option.ts'), 'RPN1201', 'taylorExpansion()');
    expect(d.message).toContain("unknown option 'dataTransfromation'");
    expect(d.hint).toContain('dataTransformation');
  });

  test('a bad option value points at the value', () => {
    const d = fails(model('errors/bad_value.ts'), 'RPN1201', 'degree })');
    expect(d.message).toContain("option 'd' of taylorExpansion()");
  });

  test('no default export', () => {
    fails(model('errors/no_default.ts'), 'RPN1004');
    fails(model('errors/default_function.ts'), 'RPN1107', 'export default');
  });

  test('infinite recursion and endless loops are bounded', () => {
    fails(model('errors/recursion.ts'), 'RPN1105', 'layers(n + 1)');
    const r = loadModel(model('errors/endless_loop.ts'), { limits: { maxSteps: 50_000 } });
    expect(r.diagnostics).toMatchObject([{ code: 'RPN1104', span: locate(model('errors/endless_loop.ts'), 'for (let') }]);
  });

  test('a model file that would write a file is never run', () => {
    const pwned = '/tmp/rpnc-frontend-test-pwned';
    fs.rmSync(pwned, { force: true });
    fails(model('errors/writes_file.ts'), 'RPN1005', "'node:fs'");
    expect(fs.existsSync(pwned)).toBe(false);
  });

  test('imports other than rpnc and relative .ts files', () => {
    const r = loadModel(model('errors/bad_import.ts'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RPN1005', 'RPN1006']);
    expect(r.diagnostics[0].span).toMatchObject(locate(model('errors/bad_import.ts'), "'some-package'"));
    expect(r.diagnostics[1].span).toMatchObject(locate(model('errors/bad_import.ts'), "'./does-not-exist.ts'"));
  });

  test('prototype keys are refused', () => {
    fails(model('errors/proto.ts'), 'RPN1108', "['__pro'");
    fails(model('errors/constructor.ts'), 'RPN1108', '(() => 1).constructor');
  });

  test('mutation, new, top-level statements, circular consts', () => {
    fails(model('errors/mutation.ts'), 'RPN1102', 'xs.push');
    fails(model('errors/new_expr.ts'), 'RPN1101', 'new Map');
    const top = loadModel(model('errors/top_level.ts'));
    expect(top.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([
      ['RPN1103', 3],
      ['RPN1103', 5],
    ]);
    fails(model('errors/circular.ts'), 'RPN1106', 'a + 1');
  });

  test('every code has a description', () => {
    for (const [code, text] of Object.entries(FRONTEND_CODES)) {
      expect(code).toMatch(/^RPN1\d{3}$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});
