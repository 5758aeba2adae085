/**
 * The library API as a Node program uses it: compile from a path and from source text, run with
 * createSession, check against the reference interpreter and real tinybig's golden outputs; errors
 * are typed DiagnosticErrors, warnings come back, and nothing is printed and nothing exits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { check, compile, createSession, DiagnosticError, runReference, runSession, type Diagnostic } from '../../index.js';

const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'fixtures/example.ts');
const golden = (c: string, f: string) => path.join(root, 'fixtures/golden', c, f);

let spies: [string, MockInstance][] = [];
beforeEach(() => {
  spies = [
    ['process.stdout.write', vi.spyOn(process.stdout, 'write')],
    ['process.stderr.write', vi.spyOn(process.stderr, 'write')],
    ['console.log', vi.spyOn(console, 'log')],
    ['console.error', vi.spyOn(console, 'error')],
    ['console.warn', vi.spyOn(console, 'warn')],
    [
      'process.exit',
      vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
        throw new Error(`process.exit(${code}) called by the library`);
      }) as never),
    ],
  ];
});
afterEach(() => {
  // the library prints nothing and never exits
  const calls = spies.map(([name, s]) => [name, s.mock.calls.length] as const);
  vi.restoreAllMocks();
  expect(calls.filter(([, n]) => n > 0)).toEqual([]);
});

/** Call `f`, expect a DiagnosticError, return its diagnostics. */
function diagnosticsOf(f: () => unknown): Diagnostic[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticError);
    return (e as DiagnosticError).diagnostics;
  }
  throw new Error('expected a DiagnosticError');
}

const x = { shape: [3, 8], data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i)) };

describe('compile', () => {
  it('compiles a file; ONNX Runtime agrees with the reference interpreter', async () => {
    const r = compile(example, { seed: 5 });
    expect(r.diagnostics).toEqual([]);
    expect(r.spec.m).toBe(8);
    expect(r.spec.n).toBe(3);
    expect(r.onnx.length).toBeGreaterThan(500);
    expect(r.ir).toMatch(/MatMul|Gemm/);
    const s = await createSession(r.onnx, { ep: 'cpu' });
    const y = await runSession(s, x);
    expect(y.shape).toEqual([3, 3]);
    const ref = runReference(r.spec, r.weights, { rows: 3, cols: 8, data: x.data });
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i] - ref.data[i])).toBeLessThan(1e-5);
    // softmax rows sum to 1
    for (let i = 0; i < 3; i++) expect(y.data[3 * i] + y.data[3 * i + 1] + y.data[3 * i + 2]).toBeCloseTo(1, 5);
  });

  it('compiles source text to the same bytes as the file holding it', () => {
    const text = fs.readFileSync(example, 'utf8');
    const fromFile = compile(example, { seed: 2 });
    const fromText = compile(text, { seed: 2 }); // contains newlines: source text
    expect(Buffer.compare(Buffer.from(fromText.onnx), Buffer.from(fromFile.onnx))).toBe(0);
    // a one-line source needs `source: true`
    const one = compile("import { mlp } from 'rpnc'; export default mlp({ dims: [5, 2] });", { source: true });
    expect([one.spec.m, one.spec.n]).toEqual([5, 2]);
  });

  it('resolves relative imports of source text from options.path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-api-'));
    fs.writeFileSync(path.join(dir, 'sizes.ts'), 'export const m = 6;\nexport const n = 4;\n');
    const r = compile("import { mlp } from 'rpnc';\nimport { m, n } from './sizes.ts';\nexport default mlp({ dims: [m, n] });\n", { path: path.join(dir, 'virtual.ts') });
    expect([r.spec.m, r.spec.n]).toEqual([6, 4]);
  });

  it('throws typed, located diagnostics for errors in source text', () => {
    const src = "import { mlp } from 'rpnc';\n\nexport default mlp({ dims: [4, 2], withTaylr: true });\n";
    const [d] = diagnosticsOf(() => compile(src, { path: 'bad-model.ts' }));
    expect(d.code).toBe('RPN1003');
    expect(d.severity).toBe('error');
    expect(d.span?.file).toBe(path.resolve('bad-model.ts'));
    expect(d.span?.line).toBe(3);
    expect(d.message).toContain('withTaylr');
  });

  it('throws RPN1001 for a missing file and RPN3xxx for wrong weights', () => {
    expect(diagnosticsOf(() => compile(path.join(root, 'no/such/model.ts')))[0].code).toBe('RPN1001');
    const wrong = diagnosticsOf(() => compile(path.join(root, 'fixtures/models/a_identity_bias.ts'), { weights: [golden('a_taylor_d3_lorr', 'weights.safetensors')] }));
    expect(wrong[0].code).toMatch(/^RPN3\d{3}$/);
  });

  it('returns warnings instead of throwing (BatchNorm without running statistics: RPN2201)', () => {
    const src = [
      "import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, batchNorm1d } from 'rpnc';",
      'export default rpn({ layers: [layer({ m: 3, n: 2, heads: [head({ m: 3, n: 2, dataTransformation: identityExpansion(),',
      '  parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), outputProcessFunctions: [batchNorm1d({ numFeatures: 2 })] })] })] });',
      '',
    ].join('\n');
    const r = compile(src);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['RPN2201', 'warning']]);
    expect(r.onnx.length).toBeGreaterThan(0);
  });
});

describe('check', () => {
  it('agrees with real tinybig on a golden case', async () => {
    const c = 'a_linear_remainder_silu';
    const r = await check(path.join(root, `fixtures/models/${c}.ts`), { weights: [golden(c, 'weights.safetensors')], golden: golden(c, 'io.safetensors') });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.comparisons.map((a) => `${a.a} vs ${a.b}`)).toEqual(['onnxruntime (cpu) vs reference', 'onnxruntime (cpu) vs golden', 'reference vs golden']);
    expect(r.inputShape).toEqual([4, 4]);
    for (const a of r.comparisons) expect(a.maxAbs).toBeLessThan(1e-5);
  });

  it('reports a disagreement as ok: false with RPN5101, without throwing', async () => {
    const r = await check(path.join(root, 'fixtures/models/a_identity_bias.ts'), { weights: [golden('a_identity_bias', 'weights.safetensors')], golden: golden('a_identity_identity_zero', 'io.safetensors') });
    expect(r.ok).toBe(false);
    expect(r.comparisons[0].ok).toBe(true); // ONNX Runtime vs reference still agree
    expect(r.comparisons.slice(1).every((a) => !a.ok)).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RPN5101']);
  });

  it('checks source text with a random input of the requested batch', async () => {
    const r = await check("import { kan } from 'rpnc';\nexport default kan({ dims: [3, 5, 2] });\n", { seed: 7, batch: 6 });
    expect(r.ok).toBe(true);
    expect(r.inputShape).toEqual([6, 3]);
    expect(r.outputShape).toEqual([6, 2]);
    expect(r.outputs.onnxruntime).toHaveLength(12);
  });

  it('throws a typed diagnostic for golden data of the wrong width', async () => {
    await expect(check(example, { golden: golden('a_linear_remainder_silu', 'io.safetensors') })).rejects.toSatisfy(
      (e: unknown) => e instanceof DiagnosticError && e.diagnostics[0].code === 'RPN6002' && /takes \[batch, 8\]/.test(e.diagnostics[0].message),
    );
  });
});

describe('library sources', () => {
  it('never print or exit: no console, process.exit or process.stdout/stderr outside cli/', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            const code = line.replace(/^\s*(\*|\/\/).*$/, ''); // comments (TSDoc examples) may show console use
            if (/\bconsole\.|\bprocess\.(exit|stdout|stderr)\b/.test(code)) offenders.push(`${path.relative(root, p)}:${i + 1}`);
          });
        }
      }
    };
    for (const d of ['compiler', 'ir', 'runtime']) walk(path.join(root, d));
    expect(offenders).toEqual([]);
  });
});
