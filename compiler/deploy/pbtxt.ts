/**
 * A protobuf text-format parser (the syntax of Triton's config.pbtxt) checked against a message type
 * of a .proto schema: every field name, enum value, scalar type and nesting is looked up in the schema
 * (protobufjs' reflection of Triton's own model_config.proto, vendored beside this file). Unknown
 * fields, bad enum values, strings for numbers, a non-repeated field given twice and two members of
 * one oneof are errors with `line:col`, as in protobuf's own TextFormat parser.
 *
 * The result is a plain object with the schema's field names (snake_case), repeated fields as arrays,
 * maps as records, 64-bit integers as numbers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import protobuf from 'protobufjs';
import { packageRoot } from '../version.js';
import { pushAll } from '../../ir/arrays.js';

/** A config.pbtxt (protobuf text format) that does not parse against the schema; `line` and `col` are 1-based. */
export class PbtxtError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${line}:${col}: ${message}`);
  }
}

interface Token {
  kind: 'ident' | 'number' | 'string' | 'punct' | 'eof';
  text: string;
  value?: string;
  line: number;
  col: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const col = i - lineStart + 1;
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      out.push({ kind: 'ident', text: m[0], line, col });
      i += m[0].length;
    } else if ((m = /^-?(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fF]?|inf(inity)?|nan)/i.exec(rest))) {
      out.push({ kind: 'number', text: m[0], line, col });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new PbtxtError('unterminated string', line, col);
        if (src[j] === '\\') {
          const e = src[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };
          if (e in simple) {
            value += simple[e];
            j += 2;
            continue;
          }
          const oct = /^[0-7]{1,3}/.exec(src.slice(j + 1));
          if (oct) {
            value += String.fromCharCode(parseInt(oct[0], 8));
            j += 1 + oct[0].length;
            continue;
          }
          const hex = /^x([0-9a-fA-F]{1,2})/.exec(src.slice(j + 1));
          if (hex) {
            value += String.fromCharCode(parseInt(hex[1], 16));
            j += 1 + hex[0].length;
            continue;
          }
          throw new PbtxtError(`bad escape '\\${e}' in string`, line, j - lineStart + 1);
        }
        value += src[j++];
      }
      if (j >= src.length) throw new PbtxtError('unterminated string', line, col);
      out.push({ kind: 'string', text: src.slice(i, j + 1), value, line, col });
      i = j + 1;
    } else if ('{}[]<>:,;'.includes(c)) {
      out.push({ kind: 'punct', text: c, line, col });
      i++;
    } else {
      throw new PbtxtError(`unexpected character '${c}'`, line, col);
    }
  }
  out.push({ kind: 'eof', text: 'end of input', line, col: i - lineStart + 1 });
  return out;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}
  private peek(): Token {
    return this.toks[this.pos];
  }
  private next(): Token {
    return this.toks[this.pos++];
  }
  private fail(t: Token, msg: string): never {
    throw new PbtxtError(msg, t.line, t.col);
  }
  private accept(p: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === p) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expect(p: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== p) this.fail(t, `expected '${p}', found '${t.text}'`);
  }

  /** Fields of `type` until `end` ('}' / '>' or eof). */
  message(type: protobuf.Type, end: string | null): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const seen = new Set<string>();
    const oneofSeen = new Map<string, string>();
    for (;;) {
      const t = this.peek();
      if (end === null ? t.kind === 'eof' : t.kind === 'punct' && t.text === end) {
        this.pos++;
        return obj;
      }
      if (t.kind === 'eof') this.fail(t, `expected '${end}' before the end of input`);
      if (t.kind !== 'ident') this.fail(t, `expected a field name of ${type.name}, found '${t.text}'`);
      this.pos++;
      const field = type.fields[t.text];
      if (!field) {
        this.fail(t, `message ${type.fullName.replace(/^\./, '')} has no field named '${t.text}' (fields: ${Object.keys(type.fields).join(', ')})`);
      }
      if (field.partOf) {
        const other = oneofSeen.get(field.partOf.name);
        if (other && other !== field.name) this.fail(t, `fields '${other}' and '${field.name}' are both members of oneof '${field.partOf.name}'`);
        oneofSeen.set(field.partOf.name, field.name);
      }
      const repeated = field.repeated || field.map;
      if (!repeated && seen.has(field.name)) this.fail(t, `non-repeated field '${field.name}' is given more than once`);
      seen.add(field.name);
      const values = this.fieldValues(field, t);
      if (field.map) {
        const rec = (obj[field.name] ??= {}) as Record<string, unknown>;
        for (const v of values as { key?: unknown; value?: unknown }[]) {
          if (v.key === undefined) this.fail(t, `map entry of '${field.name}' has no key`);
          rec[String(v.key)] = v.value ?? (field.resolvedType ? {} : defaultScalar(field.type));
        }
      } else if (field.repeated) {
        pushAll((obj[field.name] ??= []) as unknown[], values);
      } else {
        if (values.length !== 1) this.fail(t, `non-repeated field '${field.name}' is given a list`);
        obj[field.name] = values[0];
      }
      this.accept(',') || this.accept(';');
    }
  }

  private fieldValues(field: protobuf.Field, nameTok: Token): unknown[] {
    const isMessage = field.map || field.resolvedType instanceof protobuf.Type;
    const colon = this.accept(':');
    if (!isMessage && !colon) this.fail(this.peek(), `expected ':' after scalar field '${field.name}'`);
    const one = (): unknown => (isMessage ? this.messageValue(field) : this.scalar(field));
    if (this.accept('[')) {
      if (!field.repeated && !field.map) this.fail(nameTok, `non-repeated field '${field.name}' is given a list`);
      const vals: unknown[] = [];
      if (this.accept(']')) return vals;
      for (;;) {
        vals.push(one());
        if (this.accept(']')) return vals;
        this.expect(',');
      }
    }
    return [one()];
  }

  private messageValue(field: protobuf.Field): unknown {
    const t = this.next();
    if (t.kind !== 'punct' || (t.text !== '{' && t.text !== '<')) this.fail(t, `expected '{' to open message field '${field.name}', found '${t.text}'`);
    const end = t.text === '{' ? '}' : '>';
    if (field.map) {
      const mf = field as unknown as protobuf.MapField;
      const entry = new protobuf.Type(`${field.name}Entry`).add(new protobuf.Field('key', 1, mf.keyType)).add(new protobuf.Field('value', 2, mf.type));
      // resolve the value type in the map field's scope
      entry.fields.value.resolvedType = mf.resolvedType;
      return this.message(entry, end);
    }
    return this.message(field.resolvedType as protobuf.Type, end);
  }

  private scalar(field: protobuf.Field): unknown {
    const t = this.next();
    const type = field.resolvedType instanceof protobuf.Enum ? 'enum' : field.type;
    if (type === 'enum') {
      const en = field.resolvedType as protobuf.Enum;
      if (t.kind === 'ident') {
        if (!(t.text in en.values)) this.fail(t, `'${t.text}' is not a value of enum ${en.name} (values: ${Object.keys(en.values).join(', ')})`);
        return t.text;
      }
      if (t.kind === 'number' && /^-?\d+$/.test(t.text)) {
        const name = en.valuesById[Number(t.text)];
        if (name === undefined) this.fail(t, `${t.text} is not a value of enum ${en.name}`);
        return name;
      }
      this.fail(t, `expected a value of enum ${en.name} for '${field.name}', found '${t.text}'`);
    }
    if (type === 'string' || type === 'bytes') {
      if (t.kind !== 'string') this.fail(t, `expected a string for '${field.name}', found '${t.text}'`);
      let s = t.value ?? '';
      while (this.peek().kind === 'string') s += this.next().value; // adjacent strings concatenate
      return s;
    }
    if (type === 'bool') {
      if (t.kind === 'ident' && ['true', 'True', 't'].includes(t.text)) return true;
      if (t.kind === 'ident' && ['false', 'False', 'f'].includes(t.text)) return false;
      if (t.kind === 'number' && (t.text === '0' || t.text === '1')) return t.text === '1';
      this.fail(t, `expected true or false for '${field.name}', found '${t.text}'`);
    }
    if (type === 'float' || type === 'double') {
      if (t.kind === 'ident' && /^-?(inf|infinity|nan)$/i.test(t.text)) return Number(t.text.replace(/inf(inity)?/i, 'Infinity').replace(/nan/i, 'NaN'));
      if (t.kind !== 'number') this.fail(t, `expected a number for '${field.name}', found '${t.text}'`);
      return Number(t.text.replace(/[fF]$/, ''));
    }
    const range = INT_RANGES[type];
    if (!range) this.fail(t, `field '${field.name}' has an unsupported type ${type}`);
    if (t.kind !== 'number' || !/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text)) this.fail(t, `expected an integer (${type}) for '${field.name}', found '${t.text}'`);
    const neg = t.text.startsWith('-');
    const v = BigInt(neg ? t.text.slice(1) : t.text) * (neg ? -1n : 1n);
    if (v < range[0] || v > range[1]) this.fail(t, `${t.text} is out of range for ${type} field '${field.name}'`);
    return Number(v);
  }
}

function defaultScalar(type: string): unknown {
  return type === 'string' || type === 'bytes' ? '' : type === 'bool' ? false : 0;
}

/** Parse `text` as a message of `type` (text format). Throws PbtxtError with line:col. */
export function parseTextFormat(type: protobuf.Type, text: string): Record<string, unknown> {
  return new Parser(tokenize(text)).message(type, null);
}

let modelConfigType: protobuf.Type | undefined;

/** The path of the vendored model_config.proto. */
export function modelConfigProtoPath(): string {
  return path.join(packageRoot(), 'compiler', 'deploy', 'model_config.proto');
}

/** `inference.ModelConfig` of Triton's model_config.proto (vendored, parsed once). */
export function tritonModelConfigType(): protobuf.Type {
  if (!modelConfigType) {
    const root = protobuf.parse(fs.readFileSync(modelConfigProtoPath(), 'utf8'), { keepCase: true }).root;
    root.resolveAll();
    modelConfigType = root.lookupType('inference.ModelConfig');
  }
  return modelConfigType;
}

/** A config.pbtxt parsed against Triton's ModelConfig. Throws PbtxtError. */
export function parseModelConfig(text: string): Record<string, unknown> {
  return parseTextFormat(tritonModelConfigType(), text);
}
