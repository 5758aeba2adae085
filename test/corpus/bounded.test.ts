/**
 * Issue #18: bounded work for inputs that cannot be checked-in corpus files (a 3 GB sparse file, a
 * FIFO, generated 30,000-term expressions), code frames from the text already read, and terminal
 * safety. Each runs as a real rpnc process with its time and peak RSS measured.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRpncMeasured } from '../helpers/rpnc.js';
import { codeFrame, escapeControl, formatDiagnostic } from '../../compiler/diagnostics.js';
import { loadModel } from '../../compiler/frontend/index.js';
import { MAX_SOURCE_BYTES } from '../../compiler/spec/limits.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
let tmp: string;

/** `rpnc <argv>` in the test's temporary folder, timed and with its peak RSS. */
const rpnc = (argv: string[], timeoutMs = 60_000) => runRpncMeasured(tmp, argv, timeoutMs);

const HEAD = "import { rpn, perceptronLayer } from 'rpnc';\n";
const TAIL = 'export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });\n';

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-bounded-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('files are checked before they are read', () => {
  it('a 3 GB model file is refused from its size (RPN1010), not read', async () => {
    const file = path.join(tmp, 'huge.ts');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 3 * 1024 ** 3); // sparse: nothing is written
    const r = await rpnc(['build', file, '-o', path.join(tmp, 'huge.onnx')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error RPN1010: the model file');
    expect(r.stderr).toContain('3221225472 bytes');
    expect(r.peakRssKb).toBeLessThan(400_000); // reading it would take 3-4 GB
    expect(fs.existsSync(path.join(tmp, 'huge.onnx'))).toBe(false);
  }, 90_000);

  it.skipIf(process.platform === 'win32')('a FIFO as the model file is refused at once, and its code frame does not read it', async () => {
    const fifo = path.join(tmp, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    const r = await rpnc(['build', fifo, '-o', path.join(tmp, 'pipe.onnx')], 30_000);
    expect(r.code, r.stderr).toBe(1); // (a hang would be killed: code null)
    expect(r.stderr).toContain(`${fifo}:1:1 - error RPN1001: '${fifo}' is not a file: it is a FIFO (named pipe)`);
  }, 60_000);

  it.skipIf(process.platform === 'win32')('a FIFO or a device as weights, input or golden file is refused at once (RPN3001, RPN3201), never opened', async () => {
    const model = path.join(root, 'fixtures/models/a_identity_bias.ts');
    const weights = path.join(root, 'fixtures/golden/a_identity_bias/weights.safetensors');
    const fifo = (name: string) => {
      const f = path.join(tmp, name);
      execFileSync('mkfifo', [f]);
      return f;
    };
    const [w, i, g] = [fifo('w.safetensors'), fifo('x.json'), fifo('io.safetensors')];
    const onnx = path.join(tmp, 'ab.onnx');
    expect((await rpnc(['build', model, '-w', weights, '-o', onnx])).code).toBe(0);
    const runs = await Promise.all([
      rpnc(['build', '-w', w, model, '-o', path.join(tmp, 'fifo.onnx')], 30_000),
      rpnc(['inspect', model, '-w', '/dev/zero'], 30_000),
      rpnc(['run', onnx, '-i', i], 30_000),
      rpnc(['check', model, '-w', weights, '--golden', g], 30_000),
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1]); // a hang would be killed: code null
    expect(runs[0]!.stderr).toContain(`error RPN3001: weight file '${w}' is a FIFO (named pipe), not a regular file`);
    expect(runs[1]!.stderr).toContain("error RPN3001: weight file '/dev/zero' is a character device, not a regular file");
    expect(runs[2]!.stderr).toContain(`error RPN3201: tensor file '${i}' is a FIFO (named pipe), not a regular file`);
    expect(runs[3]!.stderr).toContain(`error RPN3201: tensor file '${g}' is a FIFO (named pipe), not a regular file`);
    expect(fs.existsSync(path.join(tmp, 'fifo.onnx'))).toBe(false);
  }, 60_000);

  it('an import above the source limit is refused at the import (RPN1010)', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'imp-'));
    fs.writeFileSync(path.join(dir, 'big.ts'), `export const n = 2;\n${'//'.padEnd(MAX_SOURCE_BYTES, 'x')}\n`);
    const model = path.join(dir, 'model.ts');
    fs.writeFileSync(model, `${HEAD}import { n } from './big.ts';\nexport default rpn({ layers: [perceptronLayer({ m: n, n })] });\n`);
    const r = loadModel(model);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['RPN1010', 2, 19]]);
  });

  it('code frames come from the text that was analysed, not from a second read', () => {
    const file = path.join(tmp, 'changed.ts');
    fs.writeFileSync(file, `${HEAD}const m: number = 'two';\n${TAIL}`);
    const r = loadModel(file);
    fs.writeFileSync(file, '// rewritten after the read\n'.repeat(5));
    expect(formatDiagnostic(r.diagnostics[0]!)).toContain("2 | const m: number = 'two';");
  });
});

describe('the front end is bounded as a whole', () => {
  it('30,000 chained terms: refused before the type checker (RPN1011), in seconds (was 41 s)', async () => {
    const file = path.join(tmp, 'terms.ts');
    fs.writeFileSync(file, `${HEAD}const k = ${Array.from({ length: 30_000 }, () => '1').join(' + ')};\n${TAIL}`);
    const r = await rpnc(['build', file, '-o', path.join(tmp, 'terms.onnx')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${file}:2:11 - error RPN1011: expressions nested more than 500 deep`);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.peakRssKb).toBeLessThan(600_000);
    // the code frame shows a window of the 120,000-character line
    expect(r.stderr.split('\n').every((l) => l.length < 200)).toBe(true);
  }, 60_000);

  it('a 1 MiB array literal: refused by its node count (RPN1011) within time and memory', async () => {
    const file = path.join(tmp, 'nodes.ts');
    fs.writeFileSync(file, `${HEAD}const k = [${'1,'.repeat(Math.floor((MAX_SOURCE_BYTES - 200) / 2))}];\n${TAIL}`);
    const r = await rpnc(['build', file, '-o', path.join(tmp, 'nodes.onnx')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error RPN1011: the model\'s files have more than 200,000 syntax nodes');
    expect(r.ms).toBeLessThan(40_000);
    expect(r.peakRssKb).toBeLessThan(800_000);
  }, 90_000);
});

describe('terminal safety', () => {
  it('control characters of a model file are escaped in code frames and messages', () => {
    const file = path.join(tmp, 'escape.ts');
    // OSC 52 (clipboard write), a screen clear, a cursor move up that would overwrite a line, a bidi override
    fs.writeFileSync(file, `${HEAD}const m: number = '\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[1Abuild ok\u202e';\n${TAIL}`);
    const r = loadModel(file);
    const text = formatDiagnostic(r.diagnostics[0]!);
    expect(text).toContain('RPN1003');
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(text).toContain('\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[1Abuild ok\\u202e');
  });

  it('escapeControl keeps printable text and newlines; the caret follows the escaped column', () => {
    expect(escapeControl('a\tb\nc')).toBe('a\tb\nc');
    expect(escapeControl('a\nb', true)).toBe('a\\nb');
    expect(codeFrame("x = '\x1b' + y", 1, 11)).toBe(`1 | x = '\\x1b' + y\n  | ${' '.repeat(13)}^`);
  });
});

describe('inputs nested as deep as they like get their own code, never RPN4000', () => {
  it('a 5,000-deep JSON tensor (run -i): RPN3207', async () => {
    const { parseJsonTensor } = await import('../../runtime/io/json-tensor.js');
    expect(() => parseJsonTensor('['.repeat(5000) + ']'.repeat(5000), 'x.json')).toThrow(/RPN3207: 'x.json': arrays nested more than 32 deep/);
  });

  it('a 5,000-deep safetensors header (in a tensor entry or __metadata__): RPN3004', async () => {
    const { parseSafetensors } = await import('../../compiler/weights/safetensors.js');
    const file = (header: string) => {
      const h = Buffer.from(header);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return new Uint8Array(Buffer.concat([len, h]));
    };
    expect(() => parseSafetensors(file(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`), 'w.safetensors')).toThrow(/RPN3004: 'w.safetensors': safetensors header nests objects and arrays 5001 deep/);
    expect(() => parseSafetensors(file(`{"__metadata__":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`), 'w.safetensors')).toThrow(/RPN3004/);
  });

  it('a YAML alias bomb in a config: RPN1702', async () => {
    const { importConfig } = await import('../../compiler/import/index.js');
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('configurations:\n  model_configs:\n    model_class: tinybig.model.rpn\n    model_parameters:\n      name: *a11');
    const t = performance.now();
    const res = importConfig(lines.join('\n'), { format: 'yaml', fileName: 'bomb.yaml' });
    expect(res.diagnostics.map((d) => d.code)).toEqual(['RPN1702']);
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});

describe('configs: deep nesting and keys named after Object.prototype (issue #18)', () => {
  const banknote = () => fs.readFileSync(path.join(root, 'fixtures/tinybig-configs/banknote_configs.yaml'), 'utf8');
  /** banknote with `line` inserted after the first line that is exactly `after` (same indentation as the line after it). */
  const withLine = (after: string, line: string): { text: string; line: number } => {
    const lines = banknote().split('\n');
    const i = lines.findIndex((l) => l === after);
    if (i < 0) throw new Error(`no line '${after}'`);
    const indent = /^ */.exec(lines[i + 1]!)![0];
    lines.splice(i + 1, 0, indent + line);
    return { text: lines.join('\n'), line: i + 2 };
  };
  const importYaml = async (text: string) => (await import('../../compiler/import/index.js')).importConfig(text, { format: 'yaml', fileName: 'c.yaml' });

  it('keys constructor, __proto__, prototype, toString, hasOwnProperty: unknown parameters where parameters are read, ignored where tinybig ignores them; Object.prototype untouched', async () => {
    const plain = await importYaml(banknote());
    expect(plain.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // outside the model config tinybig reads nothing: the same model file
    for (const [after, line] of [['configurations:', 'constructor: 1'], ['configurations:', '__proto__: { polluted: 1 }'], ['  model_configs:', 'toString: x']] as const) {
      const r = await importYaml(withLine(after, line).text);
      expect(r.diagnostics.filter((d) => d.severity === 'error'), line).toEqual([]);
      expect(r.source, line).toBe(plain.source);
    }
    const cases: [string, string, string, RegExp][] = [
      ['    model_parameters:', 'constructor: 3', 'RPN1706', /unknown parameter 'constructor' of tinybig\.model\.rpn/],
      ['          layer_parameters:', 'prototype: 2', 'RPN1706', /unknown parameter 'prototype' of tinybig\.module\.rpn_layer/],
      ['                head_parameters:', '__proto__: { polluted: 1 }', 'RPN1706', /unknown parameter '__proto__' of tinybig\.module\.rpn_head/],
      ['                head_parameters:', 'toString: 1', 'RPN1706', /unknown parameter 'toString' of tinybig\.module\.rpn_head/],
      ['                    function_parameters:', 'hasOwnProperty: 1', 'RPN1706', /unknown parameter 'hasOwnProperty' of tinybig\.expansion\.combinatorial_normal_expansion/],
      ['                    function_parameters:', 'valueOf: { a: 1 }', 'RPN1706', /unknown parameter 'valueOf'/],
      // was silently dropped: params['constructor'] found Object.prototype.constructor, "functions given directly win"
      ['                head_parameters:', 'constructor_configs: 1', 'RPN1706', /constructor_configs\[?0?\]? must be a mapping with 'function_class'|constructor_configs must be a mapping/],
      ['                head_parameters:', 'output_process_functions: constructor', 'RPN1704', /unsupported function 'constructor'/],
      ['                head_parameters:', 'output_process_functions: torch.nn.functional.toString', 'RPN1704', /unsupported function 'torch\.nn\.functional\.toString'/],
    ];
    for (const [after, text, code, message] of cases) {
      const at = withLine(after, text);
      const r = await importYaml(at.text);
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code), text).toEqual([code]);
      expect(errors[0]!.message, text).toMatch(message);
      expect(errors[0]!.span?.line, text).toBe(at.line);
    }
    const classes: [string, RegExp][] = [['tinybig.expansion.toString', /unsupported class 'tinybig\.expansion\.toString'/], ['tinybig.expansion.constructor', /unsupported class/], ['__proto__', /unsupported class '__proto__'/], ['torch.nn.hasOwnProperty', /unsupported class/]];
    for (const [cls, message] of classes) {
      const r = await importYaml(banknote().replace('function_class: tinybig.expansion.combinatorial_normal_expansion', `function_class: ${cls}`));
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.span?.line]), cls).toEqual([['RPN1704', 48]]);
      expect(r.diagnostics[0]!.message).toMatch(message);
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a 5,000-deep config (YAML flow, YAML block, JSON) is refused with RPN1702 at the level past 100, in milliseconds', async () => {
    const { importConfig } = await import('../../compiler/import/index.js');
    const head = 'configurations:\n  model_configs:\n    model_class: tinybig.model.rpn\n    model_parameters:\n      name: ';
    const texts: [string, 'yaml' | 'json', number, number][] = [
      [`${head}${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'yaml', 5, 109],
      [`${head}\n${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(8 + i)}k:`).join('\n')} 1\n`, 'yaml', 102, 105],
      [`${head}\n        ${'- '.repeat(5000)}x\n`, 'yaml', 6, 201],
      [`{"configurations": {"model_configs": {"model_class": "tinybig.model.rpn", "model_parameters": {"name": ${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}}}}}`, 'json', 1, 680],
    ];
    for (const [text, format, line, col] of texts) {
      const t = performance.now();
      const r = importConfig(text, { format, fileName: `deep.${format}` });
      expect(r.diagnostics.map((x) => x.code)).toEqual(['RPN1702']);
      const d = r.diagnostics[0]!;
      expect(d!.message).toContain('nests more than 100 levels deep');
      expect([d!.span?.line, d!.span?.col]).toEqual([line, col]);
      expect(performance.now() - t).toBeLessThan(2_000);
    }
  });
});

describe('pickles and graph files nested as deep as they like (issue #18)', () => {
  /** PROTO 2, the opcodes, STOP. */
  const pickle = (...ops: number[][]): Uint8Array => {
    const out = [0x80, 2];
    for (const part of ops) for (const b of part) out.push(b); // (not push(...part): 10⁵ arguments overflow the stack)
    out.push(0x2e);
    return Uint8Array.from(out);
  };
  const times = (n: number, op: number): number[] => new Array<number>(n).fill(op);
  const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];
  const N = 100_000;
  const deepLists = () => pickle(times(N, 0x5d), times(N - 1, 0x61)); // EMPTY_LIST ×N, APPEND ×(N−1)
  const deepMarks = () => pickle(times(N, 0x28), times(N, 0x6c)); // MARK ×N, LIST ×N

  it('100,000 nested EMPTY_LIST/APPEND or MARKs: RPN3513 at the 1,001st level; a 100,000-deep chain through the memo and a cycle: RPN3530', async () => {
    const { readTinybigGraphPickle } = await import('../../compiler/weights/torch-checkpoint.js');
    const codeOf = (bytes: Uint8Array): string => {
      try {
        readTinybigGraphPickle(bytes, 'g.pkl');
        return 'read';
      } catch (e) {
        return (e as { diagnostics?: { code: string; message: string }[] }).diagnostics?.map((d) => `${d.code} ${d.message}`).join('; ') ?? `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    expect(codeOf(deepLists())).toMatch(/^RPN3513 pickle refused at 'g\.pkl', byte 101001: containers nested more than 1000 deep/);
    expect(codeOf(deepMarks())).toMatch(/^RPN3513 pickle refused at 'g\.pkl', byte 1002: more than 1000 MARKs open/);
    // each new list appended to the previous one fetched from the memo (LONG_BINGET i, EMPTY_LIST, LONG_BINPUT i+1, APPEND),
    // all gathered by MARK … LIST: list 0 is 100,001 deep, and nothing downstream recurses into it
    const chain = [0x28, 0x5d, 0x72, ...u32(0)]; // MARK, EMPTY_LIST, LONG_BINPUT 0
    for (let i = 0; i < N; i++) chain.push(0x6a, ...u32(i), 0x5d, 0x72, ...u32(i + 1), 0x61);
    chain.push(0x6c); // LIST
    expect(codeOf(pickle(chain))).toMatch(/^RPN3530 'g\.pkl' is not a tinybig graph: it holds a list of 100001, not a dict/);
    expect(codeOf(pickle([0x5d, 0x72, ...u32(0), 0x6a, ...u32(0), 0x61]))).toMatch(/^RPN3530 'g\.pkl' is not a tinybig graph: it holds a list of 1, not a dict/); // l = []; l.append(l)
  });

  it('a graph file nested 5,000 deep (JSON) or 100,000 deep (pickle): RPN2132 at graphFilePath', async () => {
    const { loadSpec } = await import('../../compiler/compile.js');
    const dir = fs.mkdtempSync(path.join(tmp, 'graph-'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(path.join(dir, 'deep.json'), `{"nodes": ${'['.repeat(5000)}${']'.repeat(5000)}, "links": []}`);
    fs.writeFileSync(path.join(dir, 'deep_links.json'), `{"nodes": [0, 1], "links": [${'['.repeat(5000)}${']'.repeat(5000)}]}`);
    fs.writeFileSync(path.join(dir, 'deep.pkl'), deepLists());
    const cases: [string, RegExp][] = [
      ['deep.json', /"nodes" must be an array of node ids/],
      ['deep_links.json', /link 0 is not a \[source, target\] pair/],
      ['deep.pkl', /a pickle rpnc refuses to read \(RPN3513: .*containers nested more than 1000 deep/],
    ];
    for (const [file, message] of cases) {
      const model = path.join(dir, `${file.replace('.', '_')}.ts`);
      fs.writeFileSync(model, `import { gcn } from 'rpnc';\nexport default gcn({ dims: [4, 3], graphFilePath: './${file}' });\n`);
      let err: unknown;
      try {
        loadSpec(model);
      } catch (e) {
        err = e;
      }
      const d = (err as { diagnostics?: { code: string; message: string; span?: { line: number; col: number } }[] }).diagnostics?.[0];
      expect(d?.code, String(err)).toBe('RPN2132');
      expect(d!.message).toMatch(message);
      expect([d!.span?.line, d!.span?.col]).toEqual([2, 51]);
    }
  });
});

describe('ONNX files nested as deep as they like (issue #18)', () => {
  /** A ModelProto whose graph holds an If-like node whose attribute holds a graph … `levels` times. */
  function nestedOnnx(levels: number): Uint8Array {
    const varint = (n: number): Buffer => {
      const out: number[] = [];
      while (n > 127) {
        out.push((n & 127) | 128);
        n = Math.floor(n / 128);
      }
      out.push(n);
      return Buffer.from(out);
    };
    const field = (no: number, bytes: Buffer): Buffer => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
    let g = field(2, Buffer.from('g')); // GraphProto.name
    for (let i = 0; i < levels; i++) {
      const attr = Buffer.concat([field(1, Buffer.from('then_branch')), Buffer.from([0xa0, 0x01, 5]), field(6, g)]); // name, type = GRAPH, g
      g = Buffer.concat([field(1, Buffer.concat([field(4, Buffer.from('If')), field(5, attr)])), field(2, Buffer.from('g'))]);
    }
    return new Uint8Array(Buffer.concat([Buffer.from([0x08, 7]), field(7, g), field(8, Buffer.from([0x10, 13]))]));
  }

  it('5,000 subgraphs inside subgraphs: refused from the wire bytes (protobufjs recursed into a stack overflow); 32 levels decode', async () => {
    const { inspectOnnx } = await import('../../compiler/inspect.js');
    const { decodeModelProto } = await import('../../compiler/onnx/nesting.js');
    const { compileSpec, seededWeights } = await import('../../compiler/compile.js');
    const { buildModelSpec } = await import('../../compiler/spec/build.js');
    const { perceptronLayer } = await import('../../compiler/dsl/index.js');
    expect(() => inspectOnnx(nestedOnnx(5000))).toThrow(/RPN340[12]: .*nest(ed)? more than 100 deep/);
    // each level is graph → node → attribute (3 messages): 32 levels are 98 deep with the model, 33 are 101
    expect(() => decodeModelProto(nestedOnnx(33))).toThrow(/nest more than 100 deep/);
    expect(decodeModelProto(nestedOnnx(32)).graph?.node?.length).toBe(1);
    expect(inspectOnnx(nestedOnnx(32)).nodeCount).toBe(1);
    const spec = buildModelSpec(perceptronLayer({ m: 2, n: 2 }));
    expect(decodeModelProto(compileSpec(spec, seededWeights(spec, 0)).onnx).graph?.node?.length).toBeGreaterThan(0);
  });
});

describe('rpnc.source_sha256 covers the whole source closure (issue #18)', () => {
  it('changes when a relative import changes; equals the entry text hash for a single file', async () => {
    const { compileFile } = await import('../../compiler/compile.js');
    const { createHash } = await import('node:crypto');
    const dir = fs.mkdtempSync(path.join(tmp, 'closure-'));
    const model = path.join(dir, 'model.ts');
    const entry = `${HEAD}import { n } from './dims.ts';\nexport default rpn({ layers: [perceptronLayer({ m: 2, n })] });\n`;
    fs.writeFileSync(model, entry);
    const sha = () => compileFile(model).model.metadata['rpnc.source_sha256'];
    fs.writeFileSync(path.join(dir, 'dims.ts'), 'export const n = 2;\n');
    const a = sha();
    fs.writeFileSync(path.join(dir, 'dims.ts'), 'export const n = 2; // same model, other source\n');
    const b = sha();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
    const single = path.join(dir, 'single.ts');
    const text = `${HEAD}${TAIL}`;
    fs.writeFileSync(single, text);
    expect(compileFile(single).model.metadata['rpnc.source_sha256']).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe("the newcomer's path (issue #18)", () => {
  it('build --emit ir -o writes the IR to that file; -w before the model path takes one file', async () => {
    const out = path.join(tmp, 'model.ir');
    const r = await rpnc(['build', '-w', path.join(root, 'test/corpus/weights/good.safetensors'), path.join(root, 'test/corpus/weights/model.ts'), '--emit', 'ir', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^input %x: float32\[batch,3\]\n/);
    expect(r.stderr).toContain(`wrote ${out} (the IR as text)`);
  }, 60_000);

  it('import follows -q: no "wrote" line', async () => {
    const cfg = path.join(tmp, 'cfg.yaml');
    fs.copyFileSync(path.join(root, 'fixtures/tinybig-configs/banknote_configs.yaml'), cfg);
    const r = await rpnc(['import', cfg, '-o', path.join(tmp, 'cfg.ts'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(fs.existsSync(path.join(tmp, 'cfg.ts'))).toBe(true);
  }, 60_000);
});

describe('check mismatch hints (issue #18)', () => {
  it('says the ONNX is right when it matches the golden and only the reference differs; mentions Dropout for golden mismatches', async () => {
    const { mismatchDiagnostic } = await import('../../compiler/check.js');
    const ag = (a: string, b: string, ok: boolean) => ({ a, b, ok, maxAbs: ok ? 0 : 0.5, maxRel: 0, worst: ok ? undefined : 3 });
    const report = (comparisons: ReturnType<typeof ag>[]) => ({ comparisons }) as never;
    const onlyRef = mismatchDiagnostic(report([ag('onnxruntime', 'reference', false), ag('onnxruntime', 'golden', true), ag('reference', 'golden', false)]))!;
    expect(onlyRef.hint).toContain('the compiled ONNX matches the golden outputs');
    expect(onlyRef.hint).not.toContain('bug in rpnc');
    const golden = mismatchDiagnostic(report([ag('onnxruntime', 'reference', true), ag('onnxruntime', 'golden', false), ag('reference', 'golden', false)]))!;
    expect(golden.hint).toContain('Dropout');
    expect(mismatchDiagnostic(report([ag('onnxruntime', 'reference', false)]))!.hint).toContain('bug in rpnc');
  });
});
