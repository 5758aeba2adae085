/**
 * A restricted unpickler: reads the pickles tinybig writes (a `torch.save` state_dict's `data.pkl`,
 * protocol 2; a graph dict from `graph.save`, protocol 4 or 5) and nothing else. Written for rpnc,
 * safe by construction: **nothing in the file is ever executed or imported**.
 *
 * - Only the opcodes in `OPCODES` below are understood: the data opcodes of protocols 2–5 (containers,
 *   ints, floats, strings, bytes, memo, framing), `GLOBAL` / `REDUCE` / `BUILD` restricted as below, and
 *   `BINPERSID`. Every other opcode — `STACK_GLOBAL`, `INST`, `OBJ`, `NEWOBJ`, `NEWOBJ_EX`, `EXT*`,
 *   `PERSID`, out-of-band buffers, text-protocol opcodes — is refused with its name and byte offset.
 * - `GLOBAL` only resolves names in the caller's allow-list (`PickleOptions.globals`): a name outside it
 *   is refused at the GLOBAL opcode itself, before anything could look it up. The allow-lists live in one
 *   place each: `TORCH_GLOBALS` (compiler/weights/torch-checkpoint.ts) and none at all for graph pickles.
 *   An allowed global is a plain marker object ({@link PyGlobal}); `REDUCE` calls the allow-list's
 *   TypeScript handler for it, never anything else.
 * - `BUILD` (setting an object's state) is accepted only on dicts (OrderedDict's `_metadata`), and the
 *   state is kept as data, not applied.
 * - `BINPERSID` hands the persistent id (plain data) to the caller's `persistentLoad`, which refuses
 *   every kind but the one it knows.
 * - Limits (`PickleLimits`) are checked before anything is allocated: a declared string or bytes length
 *   larger than what is left of the file, the memo size and index, the MARK nesting, the depth of nested
 *   containers, the stack size, the elements of one container, and the total count of created values.
 *
 * Errors are `DiagnosticError`s: RPN3510 (opcode refused), RPN3511 (global refused), RPN3512 (persistent
 * id), RPN3513 (a limit), RPN3514 (malformed pickle), each naming the byte offset in the pickle.
 */
import { fail } from '../diagnostics.js';

/** A reference to an allowed global (`module.name`); inert data, callable only through the allow-list. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

export class PyTuple {
  constructor(readonly items: PyValue[], readonly depth: number) {}
}

export class PyList {
  constructor(readonly items: PyValue[], public depth = 1) {}
}

/** A Python dict (or OrderedDict): insertion order kept; keys compared by value (`hashKey`). */
export class PyDict {
  readonly entries = new Map<string, [PyValue, PyValue]>();
  /** Attributes set by BUILD (an OrderedDict's `_metadata`), kept as data. */
  state: PyValue = null;
  depth = 1;
  constructor(readonly ordered = false) {}
  get size(): number {
    return this.entries.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.entries.get(hashKey(key))?.[1];
  }
}

/** Python bytes. */
export class PyBytes {
  constructor(readonly data: Uint8Array) {}
}

/** What an allow-listed REDUCE handler returns (e.g. a tensor view); opaque to the unpickler. */
export interface PyObject {
  readonly kind: string;
}

export type PyValue = null | boolean | number | bigint | string | PyBytes | PyTuple | PyList | PyDict | PyGlobal | PyObject;

/** A REDUCE handler of an allowed global: gets the argument tuple's items, returns plain data. `at` is the REDUCE offset. */
export type ReduceHandler = (args: PyValue[], at: number) => PyValue;

export interface PickleLimits {
  /** Memo entries (and the largest memo index + 1). */
  memo: number;
  /** MARKs open at once, and the nesting depth of containers. */
  depth: number;
  /** Values on the stack at once. */
  stack: number;
  /** Bytes of one string or bytes object. */
  stringBytes: number;
  /** Elements of one list, tuple or dict. */
  containerSize: number;
  /** Values created in all (strings, numbers, containers, container elements). */
  totalValues: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  memo: 1 << 24,
  depth: 1000,
  stack: 1 << 24,
  stringBytes: 1 << 28,
  containerSize: 1 << 26,
  totalValues: 1 << 27,
};

export interface PickleOptions {
  /** Names what is read, e.g. "'ckpt' (archive/data.pkl)". */
  label: string;
  /** Allowed globals: `"module.name"` → its REDUCE handler, or `null` for a global that may only be referenced (storage classes). */
  globals?: ReadonlyMap<string, ReduceHandler | null>;
  /** Persistent ids (BINPERSID); without it every persistent id is refused. */
  persistentLoad?: (pid: PyValue, at: number) => PyValue;
  /** Added to every reported offset (the position of the pickle inside its file). */
  baseOffset?: number;
  limits?: Partial<PickleLimits>;
  /** A hint for refused globals/opcodes. */
  hint?: string;
}

/** Opcode byte → name, for every opcode of pickle protocols 0–5 (to name a refused one). */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2',
  0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** Why a known opcode is refused (the rest of OPCODE_NAMES that the switch below does not handle). */
const REFUSED_WHY: Record<string, string> = {
  STACK_GLOBAL: 'it imports a name computed at load time',
  INST: 'it imports and calls a class',
  OBJ: 'it calls a class',
  NEWOBJ: 'it calls cls.__new__',
  NEWOBJ_EX: 'it calls cls.__new__',
  EXT1: 'it imports a name from the extension registry',
  EXT2: 'it imports a name from the extension registry',
  EXT4: 'it imports a name from the extension registry',
  PERSID: 'text-protocol persistent ids are not written by torch',
};

const LATIN1 = new TextDecoder('latin1');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** Canonical dict key of a hashable value (Python semantics for str / int / bool / None / tuples of them). */
export function hashKey(v: PyValue): string {
  if (v === null) return 'N';
  if (typeof v === 'boolean') return `i:${v ? 1 : 0}`; // True == 1 in Python
  if (typeof v === 'number') return Number.isInteger(v) ? `i:${v}` : `f:${v}`;
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'string') return `s:${v}`;
  if (v instanceof PyBytes) return `b:${LATIN1.decode(v.data)}`;
  if (v instanceof PyTuple) return `t:(${v.items.map(hashKey).join(',')})`;
  if (v instanceof PyGlobal) return `g:${v.qualified}`;
  // other objects hash by identity in Python (a tensor as a key): equal only to themselves
  let id = objectIds.get(v as object);
  if (id === undefined) objectIds.set(v as object, (id = nextObjectId++));
  return `o:${(v as PyObject).kind}:${id}`;
}

/** A short description of a value for messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v instanceof PyBytes) return `bytes of length ${v.data.length}`;
  if (v instanceof PyTuple) return `a tuple of ${v.items.length}`;
  if (v instanceof PyList) return `a list of ${v.items.length}`;
  if (v instanceof PyDict) return `a dict of ${v.size}`;
  if (v instanceof PyGlobal) return v.qualified;
  return `a ${(v as PyObject).kind}`;
}

const depthOf = (v: PyValue): number => (v instanceof PyList || v instanceof PyDict || v instanceof PyTuple ? v.depth : 0);

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Is `bytes` a binary pickle (PROTO 2–5 first)? */
export function isPickle(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

/**
 * Unpickle `bytes` under the restrictions above. Returns the value STOP leaves on the stack; bytes after
 * STOP are refused (RPN3514).
 */
export function unpickle(bytes: Uint8Array, opts: PickleOptions): PyValue {
  const lim: PickleLimits = { ...DEFAULT_PICKLE_LIMITS, ...opts.limits };
  const base = opts.baseOffset ?? 0;
  const where = (at: number): string => `${opts.label}, byte ${at}${base ? ` (file offset ${base + at})` : ''}`;
  const malformed = (at: number, what: string): never =>
    fail('RPN3514', `malformed pickle at ${where(at)}: ${what}`, { hint: 'the file is truncated or corrupt: save it again' });
  const limit = (at: number, what: string): never =>
    fail('RPN3513', `pickle refused at ${where(at)}: ${what}`, { hint: 'a checkpoint or graph tinybig writes stays far below these limits: the file is damaged or crafted' });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let total = 0;
  let pos = 0;
  let op = 0; // offset of the current opcode

  const count = (n: number): void => {
    total += n;
    if (total > lim.totalValues) limit(op, `more than ${lim.totalValues} values created`);
  };
  const need = (n: number, what: string): void => {
    if (n > bytes.length - pos) malformed(op, `${what} needs ${n} bytes but only ${bytes.length - pos} are left (truncated?)`);
  };
  const u8 = (): number => {
    need(1, OPCODE_NAMES[bytes[op]!] ?? 'opcode');
    return bytes[pos++]!;
  };
  const u16 = (): number => { need(2, OPCODE_NAMES[bytes[op]!]!); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const u32 = (): number => { need(4, OPCODE_NAMES[bytes[op]!]!); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const i32 = (): number => { need(4, OPCODE_NAMES[bytes[op]!]!); const v = dv.getInt32(pos, true); pos += 4; return v; };
  const u64 = (): number => {
    need(8, OPCODE_NAMES[bytes[op]!]!);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) limit(op, `declared length ${v} is absurd`);
    return Number(v);
  };
  const take = (n: number, what: string): Uint8Array => {
    if (n > lim.stringBytes) limit(op, `${what} declares ${n} bytes (limit ${lim.stringBytes})`);
    need(n, `${what} of ${n} bytes`);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    count(1);
    return out;
  };
  const utf8 = (b: Uint8Array): string => {
    try {
      return UTF8.decode(b);
    } catch {
      return malformed(op, 'string is not valid UTF-8');
    }
  };
  const push = (v: PyValue): void => {
    if (stack.length >= lim.stack) limit(op, `more than ${lim.stack} values on the stack`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || (marks.length && stack.length < marks[marks.length - 1]!)) malformed(op, 'stack underflow');
    if (v === MARK) malformed(op, 'unexpected MARK on the stack');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK || (marks.length && stack.length <= marks[marks.length - 1]!)) malformed(op, 'stack underflow');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) return malformed(op, 'no MARK to pop to');
    const items = stack.splice(m).slice(1) as PyValue[]; // without the MARK itself
    if (items.length > lim.containerSize) limit(op, `a container of ${items.length} elements (limit ${lim.containerSize})`);
    return items;
  };
  const container = (items: PyValue[]): number => {
    let d = 0;
    for (const it of items) d = Math.max(d, depthOf(it));
    if (d + 1 > lim.depth) limit(op, `containers nested more than ${lim.depth} deep`);
    count(items.length + 1);
    return d + 1;
  };
  const tuple = (items: PyValue[]): PyTuple => new PyTuple(items, container(items));
  const extend = (list: PyValue, items: PyValue[]): void => {
    if (!(list instanceof PyList)) return refuseTarget(`append to ${describe(list)}`);
    if (list.items.length + items.length > lim.containerSize) limit(op, `a list of more than ${lim.containerSize} elements`);
    list.depth = Math.max(list.depth, container(items));
    for (const it of items) list.items.push(it);
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) return refuseTarget(`set items of ${describe(dict)}`);
    if (items.length % 2) malformed(op, 'odd number of values for SETITEMS');
    if (dict.size + items.length / 2 > lim.containerSize) limit(op, `a dict of more than ${lim.containerSize} entries`);
    dict.depth = Math.max(dict.depth, container(items));
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      if (k instanceof PyList || k instanceof PyDict) malformed(op, `unhashable dict key (${describe(k)})`);
      dict.entries.set(hashKey(k), [k, items[i + 1]!]);
    }
  };
  const refuseTarget = (what: string): never =>
    fail('RPN3510', `pickle refused at ${where(op)}: opcode ${OPCODE_NAMES[bytes[op]!]} would ${what}`, { hint: opts.hint });
  const memoPut = (idx: number, v: PyValue): void => {
    if (idx >= lim.memo || (!memo.has(idx) && memo.size >= lim.memo)) limit(op, `memo index ${idx} (limit ${lim.memo} entries)`);
    memo.set(idx, v);
  };
  const memoGet = (idx: number): void => {
    if (!memo.has(idx)) malformed(op, `memo entry ${idx} was never stored`);
    push(memo.get(idx)!);
  };

  for (;;) {
    op = pos;
    if (pos >= bytes.length) malformed(op, 'the pickle ends without STOP (truncated?)');
    const code = bytes[pos++]!;
    switch (code) {
      case 0x80: { // PROTO
        const v = u8();
        if (op !== 0 || v > 5) malformed(op, `unexpected PROTO ${v}`);
        break;
      }
      case 0x95: // FRAME: a length prefix only (the data follows inline)
        u64();
        break;
      case 0x2e: { // STOP
        const v = pop();
        if (stack.length || marks.length) malformed(op, `STOP with ${stack.length} values still on the stack`);
        if (pos !== bytes.length) malformed(pos, `${bytes.length - pos} bytes after STOP`);
        return v;
      }
      case 0x28: // MARK
        if (marks.length >= lim.depth) limit(op, `more than ${lim.depth} MARKs open`);
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(i32()); count(1); break; // BININT
      case 0x4b: push(u8()); count(1); break; // BININT1
      case 0x4d: push(u16()); count(1); break; // BININT2
      case 0x8a: { // LONG1: n-byte little-endian two's complement
        const n = u8();
        const b = take(n, 'LONG1');
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: { // BINFLOAT: big-endian float64
        need(8, 'BINFLOAT');
        push(dv.getFloat64(pos, false));
        pos += 8;
        count(1);
        break;
      }
      case 0x58: push(utf8(take(u32(), 'BINUNICODE string'))); break;
      case 0x8c: push(utf8(take(u8(), 'SHORT_BINUNICODE string'))); break;
      case 0x8d: push(utf8(take(u64(), 'BINUNICODE8 string'))); break;
      case 0x43: push(new PyBytes(take(u8(), 'SHORT_BINBYTES'))); break;
      case 0x42: push(new PyBytes(take(u32(), 'BINBYTES'))); break;
      case 0x8e: push(new PyBytes(take(u64(), 'BINBYTES8'))); break;
      case 0x55: push(LATIN1.decode(take(u8(), 'SHORT_BINSTRING'))); break; // Python 2 str
      case 0x54: { // BINSTRING (signed length)
        const n = i32();
        if (n < 0) malformed(op, `negative BINSTRING length ${n}`);
        push(LATIN1.decode(take(n, 'BINSTRING')));
        break;
      }
      case 0x7d: push(new PyDict()); count(1); break; // EMPTY_DICT
      case 0x5d: push(new PyList([])); count(1); break; // EMPTY_LIST
      case 0x29: push(tuple([])); break; // EMPTY_TUPLE
      case 0x74: push(tuple(popMark())); break; // TUPLE
      case 0x85: { const a = pop(); push(tuple([a])); break; } // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push(tuple([a, b, c])); break; } // TUPLE3
      case 0x6c: { const items = popMark(); push(new PyList(items, container(items))); break; } // LIST
      case 0x64: { const items = popMark(); const d = new PyDict(); setItems(d, items); push(d); break; } // DICT
      case 0x61: { const v = pop(); extend(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); extend(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memoPut(u8(), top()); break; // BINPUT
      case 0x72: memoPut(u32(), top()); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size, top()); break; // MEMOIZE
      case 0x68: memoGet(u8()); break; // BINGET
      case 0x6a: memoGet(u32()); break; // LONG_BINGET
      case 0x63: { // GLOBAL "module\nname\n": refused unless allow-listed, before any lookup
        const readLine = (what: string): string => {
          const end = bytes.indexOf(0x0a, pos);
          if (end < 0 || end - pos > 256) malformed(op, `GLOBAL ${what} is not a line of at most 256 bytes`);
          const s = LATIN1.decode(bytes.subarray(pos, end));
          pos = end + 1;
          return s;
        };
        const module = readLine('module');
        const name = readLine('name');
        const q = `${module}.${name}`;
        if (!opts.globals?.has(q)) {
          fail('RPN3511', `pickle refused at ${where(op)}: global '${q}' is not allowed (nothing was imported or run)`, {
            hint: opts.hint ?? 'rpnc reads only plain data from pickles',
          });
        }
        push(new PyGlobal(module, name));
        count(1);
        break;
      }
      case 0x52: { // REDUCE: only allow-listed handlers, with a tuple of arguments
        const args = pop();
        const fn = pop();
        if (!(fn instanceof PyGlobal)) return refuseTarget(`call ${describe(fn)}`);
        const handler = opts.globals?.get(fn.qualified);
        if (!handler) {
          fail('RPN3511', `pickle refused at ${where(op)}: '${fn.qualified}' may not be called (REDUCE)`, { hint: opts.hint });
        }
        if (!(args instanceof PyTuple)) malformed(op, `REDUCE arguments are ${describe(args)}, not a tuple`);
        push(handler((args as PyTuple).items, op + base));
        count(1);
        break;
      }
      case 0x62: { // BUILD: only a dict's attributes (OrderedDict._metadata), kept as data
        const state = pop();
        const target = top();
        if (!(target instanceof PyDict)) return refuseTarget(`set the state of ${describe(target)} (BUILD)`);
        target.state = state;
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) {
          fail('RPN3512', `pickle refused at ${where(op)}: a persistent id (${describe(pid)}) where none is expected`, { hint: opts.hint });
        }
        push(opts.persistentLoad(pid, op + base));
        count(1);
        break;
      }
      default: {
        const name = OPCODE_NAMES[code];
        const why = name ? REFUSED_WHY[name] ?? 'rpnc does not need it for a checkpoint or a graph' : 'it is not a pickle opcode';
        fail('RPN3510', `pickle refused at ${where(op)}: opcode ${name ?? `0x${code.toString(16).padStart(2, '0')}`}${name ? ` (0x${code.toString(16)})` : ''} is not allowed: ${why} (nothing was run)`, {
          hint: opts.hint ?? 'rpnc reads only plain data from pickles',
        });
      }
    }
  }
}
