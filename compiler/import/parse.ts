/**
 * Reading a tinybig config (YAML as PyYAML reads it, or JSON) into plain values, with a
 * map from config paths (`a.b[0].c`) to their spans in the file, so that every import diagnostic can
 * point at the node it is about.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { DiagnosticError, type Diagnostic, type SourceSpan } from '../diagnostics.js';
import { MAX_CONFIG_DEPTH, tooDeep, valueTooDeep } from './depth.js';

/** The format of a tinybig model config. */
export type ConfigFormat = 'yaml' | 'json';

export interface ParsedConfig {
  value: unknown;
  /** Duplicate keys (kept last-wins, like PyYAML). */
  warnings: Diagnostic[];
  /** Span of the node at `path` (its value, else its key); for a missing path, the nearest ancestor's key. */
  locate(path: string): SourceSpan | undefined;
}

/** `a.b` + key -> `a.b.key`; + index -> `a.b[3]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? m[1] : '';
}

/**
 * tinybig reads configs with PyYAML: YAML 1.2 core scalars plus PyYAML's YAML-1.1 booleans yes/no/on/off
 * (not y/n: `n: 3` is the key 'n').
 */
const pyyamlBool = {
  identify: (v: unknown) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:y|Y|on|On|ON)/.test(s),
};

export function parseConfig(text: string, format: ConfigFormat, fileName: string): ParsedConfig {
  const lines = new LineCounter();
  const span = (start: number, end: number): SourceSpan => {
    const pos = lines.linePos(start);
    return { file: fileName, line: pos.line, col: pos.col, start, end };
  };
  // before any parser, composer or walk that recurses once per level
  const deep = tooDeep(text);
  if (deep !== undefined) {
    lineCounterFor(text, lines);
    throw new DiagnosticError({
      code: 'RPN1702',
      severity: 'error',
      message: `'${fileName}' nests more than ${MAX_CONFIG_DEPTH} levels deep (mappings, lists and brackets inside each other); a tinybig config has about 15`,
      hint: 'a model config is configurations → model_configs → model_parameters → layer_configs → …: check the brackets and the indentation',
      span: span(deep, deep + 1),
    });
  }
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const at = /position (\d+)/.exec(msg);
      // without a position in the message, the YAML parser (JSON is YAML) usually finds the spot
      const off = at ? Number(at[1]) : parseDocument(text, { prettyErrors: false }).errors[0]?.pos[0];
      lineCounterFor(text, lines);
      throw new DiagnosticError({
        code: 'RPN1702',
        severity: 'error',
        message: `malformed JSON in '${fileName}': ${msg.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/, '')}`,
        hint: 'fix the JSON syntax (or give a .yaml file)',
        span: off !== undefined ? span(off, off + 1) : undefined,
      });
    }
  }
  // JSON is YAML too: the YAML parser gives the node ranges for both formats.
  const options = (lineCounter: LineCounter, uniqueKeys: boolean) => ({ version: '1.2' as const, customTags: [pyyamlBool], merge: true, lineCounter, prettyErrors: false, uniqueKeys });
  let doc = parseDocument(text, options(lines, true));
  const warnings: Diagnostic[] = [];
  if (format === 'yaml' && doc.errors.length && doc.errors.every((e) => e.code === 'DUPLICATE_KEY')) {
    // PyYAML (what tinybig reads configs with) keeps the last of duplicate keys: so do we, with a warning
    for (const e of doc.errors) {
      warnings.push({ code: 'RPN1702', severity: 'warning', message: `duplicate key '${text.slice(e.pos[0], e.pos[1])}' in '${fileName}': the last value is used (as PyYAML does)`, hint: 'remove the duplicate key', span: span(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)) });
    }
    doc = parseDocument(text, options(new LineCounter(), false)); // same offsets; `lines` is filled already
  }
  if (format === 'yaml') {
    if (doc.errors.length) {
      const err = doc.errors[0];
      throw new DiagnosticError({
        code: 'RPN1702',
        severity: 'error',
        message: `malformed YAML in '${fileName}': ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        hint: 'fix the YAML syntax (indentation, brackets, unique keys)',
        span: span(err.pos[0], Math.max(err.pos[1], err.pos[0] + 1)),
      });
    }
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // an alias bomb (aliases of aliases expanding exponentially), or aliases nested past the stack
      const bomb = /alias count/i.test((e as Error).message) || (e instanceof RangeError);
      if (!bomb) throw e;
      throw new DiagnosticError({
        code: 'RPN1702',
        severity: 'error',
        message: `'${fileName}': its YAML aliases expand to too much (${e instanceof RangeError ? 'nested too deeply' : 'more than 1,000 alias expansions'})`,
        hint: 'write the values out instead of nesting aliases of aliases (&a [*b, *b, …])',
      });
    }
  }
  if (valueTooDeep(value)) {
    // aliases of aliases, each within the textual limit
    throw new DiagnosticError({
      code: 'RPN1702',
      severity: 'error',
      message: `'${fileName}': its YAML aliases expand to values nested more than ${MAX_CONFIG_DEPTH} levels deep`,
      hint: 'write the values out instead of nesting aliases of aliases (&a [*b, *b, …])',
    });
  }
  const spans = new Map<string, SourceSpan>();
  const keySpans = new Map<string, SourceSpan>();
  const walk = (node: unknown, path: string): void => {
    if (isAlias(node) || isScalar(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = childPath(path, key);
        const k = pair.key as Node | null;
        if (k?.range) keySpans.set(p, span(k.range[0], k.range[1]));
        const v = pair.value as Node | null;
        if (v?.range && !(isScalar(v) && v.value === null && v.range[0] === v.range[1])) spans.set(p, span(v.range[0], v.range[1]));
        walk(v, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = childPath(path, i);
        const v = item as Node | null;
        if (v?.range) spans.set(p, span(v.range[0], v.range[1]));
        walk(v, p);
      });
    }
  };
  if (!doc.errors.length) walk(doc.contents, '');
  return {
    value,
    warnings,
    locate(path: string) {
      for (let p = path; ; p = parentPath(p)) {
        const s = p === path ? (spans.get(p) ?? keySpans.get(p)) : (keySpans.get(p) ?? spans.get(p));
        if (s || p === '') return s;
      }
    },
  };
}

function lineCounterFor(text: string, lines: LineCounter): void {
  lines.addNewLine(0);
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.addNewLine(i + 1);
}
