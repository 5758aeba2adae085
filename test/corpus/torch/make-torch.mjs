#!/usr/bin/env node
/**
 * Generates the hostile torch.save / pickle corpus (issue #15): checkpoint files broken or booby-trapped
 * in one way each, for ../weights/model.ts (layers.0.heads.0.w [1, 6], layers.0.heads.0.b [2]), and
 * expect.json with what `rpnc build model.ts -w <file>` must say (exit code, diagnostic code, a text the
 * message must contain). Run: node test/corpus/torch/make-torch.mjs
 *
 * Written byte by byte (a small pickle assembler and zip writer) so that the files can lie. `good_*.pt`
 * are the controls: the same writer, nothing wrong, so each hostile file differs from a loadable one in
 * one way. The payloads that would run code (os.system, subprocess, exec, …) touch a canary file
 * `$RPNC_CANARY_DIR/<name>` when a real Python unpickles them: the tests prove rpnc never does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const W = 'layers.0.heads.0.w';
const B = 'layers.0.heads.0.b';
const wv = [0.5, -0.25, 1, 0.125, -1, 2];
const bv = [0.1, -0.2];

// ---- pickle assembler ------------------------------------------------------------------------------
const ascii = (s) => [...Buffer.from(s, 'latin1')];
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return [...b]; };
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return [...b]; };
const op = {
  proto: (v) => [0x80, v],
  stop: [0x2e],
  mark: [0x28],
  global: (m, n) => [0x63, ...ascii(`${m}\n${n}\n`)],
  str: (s) => { const b = [...Buffer.from(s, 'utf8')]; return [0x58, ...u32(b.length), ...b]; },
  int: (n) => (n < 256 ? [0x4b, n] : [0x4a, ...u32(n)]),
  tuple: [0x74], tuple1: [0x85], tuple2: [0x86], tuple3: [0x87], emptyTuple: [0x29],
  emptyDict: [0x7d], emptyList: [0x5d], setitems: [0x75], setitem: [0x73], append: [0x61],
  reduce: [0x52], build: [0x62], binpersid: [0x51], false: [0x89], true: [0x88], none: [0x4e],
  binput: (i) => [0x71, i], longBinput: (i) => [0x72, ...u32(i)], binget: (i) => [0x68, i],
};
const cat = (...parts) => parts.flat(Infinity);

/** `torch._utils._rebuild_tensor_v2((storage pid), offset, size, stride, False, OrderedDict())` */
function tensor({ storage = 'FloatStorage', key, numel, offset = 0, size, stride, location = 'cpu', kind = 'storage', extraArg = false, fn = ['torch._utils', '_rebuild_tensor_v2'] }) {
  const tup = (xs) => cat(op.mark, xs.map(op.int), op.tuple);
  return cat(
    op.global(...fn), op.mark,
    op.mark, op.str(kind), op.global('torch', storage), op.str(key), op.str(location), op.int(numel), op.tuple, op.binpersid,
    op.int(offset), tup(size), tup(stride), op.false, op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
    extraArg ? op.emptyDict : [],
    op.tuple, op.reduce,
  );
}
const wTensor = (o = {}) => tensor({ key: '0', numel: 6, size: [1, 6], stride: [6, 1], ...o });
const bTensor = (o = {}) => tensor({ key: '1', numel: 2, size: [2], stride: [1], ...o });
/** An OrderedDict state_dict of the two tensors (what torch.save writes, protocol 2). */
const stateDict = ({ w = wTensor(), b = bTensor(), metadata = true } = {}) => cat(
  op.proto(2), op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
  op.mark, op.str(W), w, op.str(B), b, op.setitems,
  metadata ? cat(op.emptyDict, op.str('_metadata'), op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce, op.str(''), op.emptyDict, op.str('version'), op.int(1), op.setitem, op.setitem, op.setitem, op.build) : [],
  op.stop,
);
/** A payload that runs `touch "$RPNC_CANARY_DIR/<name>"` through `module.fn` when Python unpickles it. */
const touch = (name) => `touch "$RPNC_CANARY_DIR/${name}"`;
const callGlobal = (m, f, ...args) => cat(op.proto(2), op.global(m, f), op.mark, args.map((a) => (typeof a === 'string' ? op.str(a) : a)), op.tuple, op.reduce, op.stop);

// ---- zip writer ------------------------------------------------------------------------------------
const f32 = (vs) => { const b = Buffer.alloc(vs.length * 4); vs.forEach((v, i) => b.writeFloatLE(v, i * 4)); return [...b]; };
let CRC;
function crc32(buf) {
  CRC ??= Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  let c = 0xffffffff;
  for (const x of buf) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/**
 * A zip archive of stored entries { name, data, method?, flags?, crc?, size? (a lie in the directory),
 * localName?, at? (reuse the local header of entry i) }, written like torch's miniz writer (bit 3 data descriptors, bit 11 UTF-8).
 * Options: zip64 (ZIP64 end records and extra fields), count (override the entry count).
 */
function zip(entries, { zip64 = false, count, cdOffsetDelta = 0 } = {}) {
  const out = [];
  const central = [];
  const locals = [];
  for (const [i, e] of entries.entries()) {
    const data = Buffer.from(e.data);
    const name = Buffer.from(e.name, 'latin1');
    const flags = e.flags ?? 0x0808;
    const crc = e.crc ?? crc32(data);
    let local;
    if (e.at !== undefined) local = locals[e.at];
    else {
      local = out.length;
      const lname = Buffer.from(e.localName ?? e.name, 'latin1');
      out.push(...u32(0x04034b50), 20, 0, flags & 0xff, flags >> 8, e.method ?? 0, 0, 0, 0, 0, 0, ...u32(0), ...u32(0), ...u32(0), lname.length & 0xff, lname.length >> 8, 0, 0, ...lname, ...data);
      if (flags & 8) out.push(...u32(0x08074b50), ...u32(crc), ...u32(data.length), ...u32(data.length));
    }
    locals.push(local);
    const extra = zip64 ? [1, 0, 24, 0, ...u64(e.size ?? data.length), ...u64(e.size ?? data.length), ...u64(local)] : [];
    const big = (v) => (zip64 ? 0xffffffff : v);
    central.push(...u32(0x02014b50), 45, 3, 45, 0, flags & 0xff, flags >> 8, e.method ?? 0, 0, 0, 0, 0, 0, ...u32(crc), ...u32(big(e.size ?? data.length)), ...u32(big(e.size ?? data.length)),
      name.length & 0xff, name.length >> 8, extra.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32(big(local)), ...name, ...extra);
  }
  const cdOffset = out.length;
  out.push(...central);
  const n = count ?? entries.length;
  if (zip64) {
    const rec = out.length;
    out.push(...u32(0x06064b50), ...u64(44), 45, 0, 45, 0, ...u32(0), ...u32(0), ...u64(n), ...u64(n), ...u64(central.length), ...u64(cdOffset + cdOffsetDelta));
    out.push(...u32(0x07064b50), ...u32(0), ...u64(rec), ...u32(1));
    out.push(...u32(0x06054b50), 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, ...u32(0xffffffff), ...u32(0xffffffff), 0, 0);
  } else {
    out.push(...u32(0x06054b50), 0, 0, 0, 0, n & 0xff, (n >> 8) & 0xff, n & 0xff, (n >> 8) & 0xff, ...u32(central.length), ...u32(cdOffset + cdOffsetDelta), 0, 0);
  }
  return Buffer.from(out);
}
/** A torch.save archive: archive/data.pkl, archive/data/0 (w), archive/data/1 (b), version records. */
function ckpt({ pkl = stateDict(), w = f32(wv), b = f32(bv), extra = [], top = 'archive', byteorder = 'little', zipOpts = {}, mutate = (e) => e } = {}) {
  const entries = [
    { name: `${top}/data.pkl`, data: pkl },
    ...(byteorder === null ? [] : [{ name: `${top}/byteorder`, data: ascii(byteorder) }]),
    { name: `${top}/data/0`, data: w },
    { name: `${top}/data/1`, data: b },
    { name: `${top}/version`, data: ascii('3\n') },
    { name: `${top}/.data/serialization_id`, data: ascii('1234567890123456789012345678901234567890') },
    ...extra,
  ];
  return zip(mutate(entries), zipOpts);
}

// ---- the corpus ------------------------------------------------------------------------------------
const files = {};
const expect = {};
const add = (name, bytes, e) => { files[name] = bytes; expect[name] = e; };
const refused = (code, contains) => ({ exit: 1, code, ...(contains ? { contains } : {}) });

// controls: loadable
add('good_torch2.pt', ckpt({ pkl: stateDict({ w: wTensor({ extraArg: true }), b: bTensor({ extraArg: true }) }) }), { exit: 0 });
add('good_torch1.pt', ckpt({ byteorder: null, top: 'model_checkpoint', pkl: stateDict({ metadata: false }) }), { exit: 0 });
add('good_zip64.pt', ckpt({ zipOpts: { zip64: true } }), { exit: 0 });
add('good_no_descriptor.pt', ckpt({ mutate: (es) => es.map((e) => ({ ...e, flags: 0 })) }), { exit: 0 });
add('good_parameter_cuda.pt', ckpt({ pkl: stateDict({ w: cat(op.global('torch._utils', '_rebuild_parameter'), op.mark, wTensor({ location: 'cuda:1' }), op.true, op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce, op.tuple, op.reduce), b: bTensor({ location: 'xpu:0' }) }) }), { exit: 0 });

// code execution through globals: refused at the GLOBAL opcode, nothing imported
add('os_system_reduce.pt', ckpt({ pkl: callGlobal('os', 'system', touch('os_system_reduce')) }), refused('RPN3511', "global 'os.system' is not allowed"));
add('posix_system.pt', ckpt({ pkl: callGlobal('posix', 'system', touch('posix_system')) }), refused('RPN3511', "'posix.system'"));
add('subprocess_popen.pt', ckpt({ pkl: callGlobal('subprocess', 'Popen', cat(op.mark, op.str('sh'), op.str('-c'), op.str(touch('subprocess_popen')), [0x6c])) }), refused('RPN3511', "'subprocess.Popen'"));
add('builtins_exec.pt', ckpt({ pkl: callGlobal('builtins', 'exec', `import os; os.system('${touch('builtins_exec')}')`) }), refused('RPN3511', "'builtins.exec'"));
add('builtins_eval.pt', ckpt({ pkl: callGlobal('builtins', 'eval', `__import__('os').system('${touch('builtins_eval')}')`) }), refused('RPN3511', "'builtins.eval'"));
add('global_in_state_dict.pt', ckpt({ pkl: stateDict({ w: callGlobal('os', 'system', touch('global_in_state_dict')).slice(2, -1) }) }), refused('RPN3511', "'os.system'"));
add('torch_load_global.pt', ckpt({ pkl: callGlobal('torch', 'load', 'x') }), refused('RPN3511', "'torch.load'"));
add('storage_class_called.pt', ckpt({ pkl: cat(op.proto(2), op.global('torch', 'FloatStorage'), op.emptyTuple, op.reduce, op.stop) }), refused('RPN3511', "'torch.FloatStorage' may not be called"));
add('global_newline_name.pt', ckpt({ pkl: cat(op.proto(2), [0x63], ascii('os'), op.stop) }), refused('RPN3514', 'GLOBAL'));
// code execution through opcodes that import or call
add('stack_global.pt', ckpt({ pkl: cat(op.proto(4), [0x8c, 2], ascii('os'), [0x8c, 6], ascii('system'), [0x93], [0x8c, 3], ascii('pwd'), op.tuple1, op.reduce, op.stop) }), refused('RPN3510', 'STACK_GLOBAL'));
add('inst.pt', ckpt({ pkl: cat(op.proto(2), op.mark, op.str(touch('inst')), [0x69], ascii('os\nsystem\n'), op.stop) }), refused('RPN3510', 'INST'));
add('obj.pt', ckpt({ pkl: cat(op.proto(2), op.mark, op.global('collections', 'OrderedDict'), [0x6f], op.stop) }), refused('RPN3510', 'OBJ'));
add('newobj.pt', ckpt({ pkl: cat(op.proto(2), op.global('collections', 'OrderedDict'), op.emptyTuple, [0x81], op.stop) }), refused('RPN3510', 'NEWOBJ'));
add('newobj_ex.pt', ckpt({ pkl: cat(op.proto(4), op.global('collections', 'OrderedDict'), op.emptyTuple, op.emptyDict, [0x92], op.stop) }), refused('RPN3510', 'NEWOBJ_EX'));
add('ext1.pt', ckpt({ pkl: cat(op.proto(2), [0x82, 1], op.stop) }), refused('RPN3510', 'EXT1'));
add('build_on_tensor.pt', ckpt({ pkl: stateDict({ w: cat(wTensor(), op.emptyDict, op.str('__class__'), op.str('x'), op.setitem, op.build) }) }), refused('RPN3510', 'BUILD'));
add('append_to_tensor.pt', ckpt({ pkl: stateDict({ w: cat(wTensor(), op.none, op.append) }) }), refused('RPN3510', 'APPEND'));
add('reduce_on_dict.pt', ckpt({ pkl: cat(op.proto(2), op.emptyDict, op.emptyTuple, op.reduce, op.stop) }), refused('RPN3510', 'REDUCE'));
add('protocol5_buffer.pt', ckpt({ pkl: cat(op.proto(5), [0x97], op.stop) }), refused('RPN3510', 'NEXT_BUFFER'));
add('bytearray8.pt', ckpt({ pkl: cat(op.proto(5), [0x96], u64(1), [0], op.stop) }), refused('RPN3510', 'BYTEARRAY8'));
add('text_protocol.pt', ckpt({ pkl: cat(ascii('I1\n'), op.stop) }), refused('RPN3510', 'INT'));
add('unknown_opcode.pt', ckpt({ pkl: cat(op.proto(2), [0xff], op.stop) }), refused('RPN3510', '0xff'));
// persistent ids
add('persid_text.pt', ckpt({ pkl: cat(op.proto(2), [0x50], ascii('0\n'), op.stop) }), refused('RPN3510', 'PERSID'));
add('persid_kind.pt', ckpt({ pkl: stateDict({ w: wTensor({ kind: 'module' }) }) }), refused('RPN3512', "of kind \"module\""));
add('persid_storage_type.pt', ckpt({ pkl: stateDict({ w: cat(op.global('torch._utils', '_rebuild_tensor_v2'), op.mark, op.mark, op.str('storage'), op.global('collections', 'OrderedDict'), op.str('0'), op.str('cpu'), op.int(6), op.tuple, op.binpersid, op.stop) }) }), refused('RPN3512', 'storage type collections.OrderedDict'));
add('persid_location_meta.pt', ckpt({ pkl: stateDict({ w: wTensor({ location: 'meta' }) }) }), refused('RPN3512', 'meta tensors hold no data'));
add('persid_location.pt', ckpt({ pkl: stateDict({ w: wTensor({ location: 'file:///etc/passwd' }) }) }), refused('RPN3512', 'location'));
add('persid_key_path.pt', ckpt({ pkl: stateDict({ w: wTensor({ key: '../../w' }) }) }), refused('RPN3512', 'storage key'));
add('persid_redeclared.pt', ckpt({ pkl: stateDict({ b: bTensor({ key: '0', numel: 2 }) }) }), refused('RPN3512', 'redeclares storage 0'));
// limits and malformed pickles
add('memo_index_huge.pt', ckpt({ pkl: cat(op.proto(2), op.none, op.longBinput(0xfffffff0), op.stop) }), refused('RPN3513', 'memo index 4294967280'));
add('nested_lists.pt', ckpt({ pkl: cat(op.proto(2), Array.from({ length: 1500 }, () => op.emptyList), Array.from({ length: 1499 }, () => op.append), op.stop) }), refused('RPN3513', 'nested more than 1000 deep'));
add('nested_marks.pt', ckpt({ pkl: cat(op.proto(2), Array.from({ length: 1500 }, () => op.mark), op.stop) }), refused('RPN3513', 'MARKs open'));
add('string_huge.pt', ckpt({ pkl: cat(op.proto(2), [0x58], u32(0xfffffff0), ascii('abc'), op.stop) }), refused('RPN3513', 'declares 4294967280 bytes'));
add('string_absurd_8.pt', ckpt({ pkl: cat(op.proto(4), [0x8d], u64(2n ** 62n), ascii('abc'), op.stop) }), refused('RPN3513', 'absurd'));
add('string_truncated.pt', ckpt({ pkl: cat(op.proto(2), [0x58], u32(1000), ascii('abc')) }), refused('RPN3514', 'truncated'));
add('no_stop.pt', ckpt({ pkl: stateDict().slice(0, -1) }), refused('RPN3514', 'without STOP'));
add('after_stop.pt', ckpt({ pkl: cat(stateDict(), op.none) }), refused('RPN3514', 'after STOP'));
add('stack_underflow.pt', ckpt({ pkl: cat(op.proto(2), op.tuple2, op.stop) }), refused('RPN3514', 'underflow'));
add('memo_missing.pt', ckpt({ pkl: cat(op.proto(2), op.binget(7), op.stop) }), refused('RPN3514', 'memo entry 7'));
add('rebuild_bad_args.pt', ckpt({ pkl: stateDict({ w: cat(op.global('torch._utils', '_rebuild_tensor_v2'), op.mark, op.int(1), op.tuple, op.reduce) }) }), refused('RPN3514', '6 or 7 arguments'));
add('not_a_dict.pt', ckpt({ pkl: cat(op.proto(2), op.emptyList, op.stop) }), refused('RPN3521', 'a list of 0'));
add('value_not_tensor.pt', ckpt({ pkl: stateDict({ b: op.str('hello') }) }), refused('RPN3521', `'${B}' is "hello"`));
// tensors and storages
add('storage_short.pt', ckpt({ w: f32(wv.slice(0, 5)) }), refused('RPN3520', 'has 20 bytes'));
add('view_past_storage.pt', ckpt({ pkl: stateDict({ w: wTensor({ offset: 1 }) }) }), refused('RPN3520', 'reaches element 6'));
add('stride_past_storage.pt', ckpt({ pkl: stateDict({ w: wTensor({ stride: [6, 2] }) }) }), refused('RPN3520', 'reaches element 10'));
add('stride_zero_bomb.pt', ckpt({ pkl: stateDict({ w: wTensor({ size: [1, 1000000000], stride: [0, 0] }) }) }), refused('RPN3525', 'reads elements more than once'));
add('zip_unicode_top_folder.pt', ckpt({ top: 'modèle checkpoint' }), { exit: 0 });
add('storage_record_missing.pt', ckpt({ mutate: (es) => es.filter((e) => !e.name.endsWith('data/1')) }), refused('RPN3504', "no record 'archive/data/1'"));
add('dtype_int64.pt', ckpt({ pkl: stateDict({ w: wTensor({ storage: 'LongStorage' }) }), w: [...f32(wv), ...f32(wv)] }), refused('RPN3008', 'int64'));
add('value_nan.pt', ckpt({ w: f32([0.5, NaN, 1, 0, 0, 0]) }), refused('RPN3009', 'NaN at index 1'));
add('byteorder_big.pt', ckpt({ byteorder: 'big' }), refused('RPN3504', "'big'"));
add('torchscript.pt', ckpt({ mutate: (es) => [...es.filter((e) => !e.name.endsWith('data.pkl')), { name: 'archive/constants.pkl', data: cat(op.proto(2), op.emptyTuple, op.stop) }, { name: 'archive/code/__torch__.py', data: ascii('import os\n') }] }), refused('RPN3504', 'TorchScript'));
// the zip container
const good = ckpt();
add('zip_truncated_half.pt', good.subarray(0, good.length >> 1), refused('RPN3501', 'no end of central directory'));
add('zip_truncated_tail.pt', good.subarray(0, good.length - 5), refused('RPN3501', 'truncated'));
add('zip_compressed.pt', ckpt({ mutate: (es) => es.map((e, i) => (i === 0 ? { ...e, method: 8 } : e)) }), refused('RPN3502', 'compressed (method 8'));
add('zip_encrypted.pt', ckpt({ mutate: (es) => es.map((e, i) => (i === 2 ? { ...e, flags: 0x0809 } : e)) }), refused('RPN3502', 'encrypted'));
add('zip_slip_dotdot.pt', ckpt({ extra: [{ name: 'archive/../../../tmp/rpnc-zip-slip', data: ascii('x') }] }), refused('RPN3503', "'..'"));
add('zip_absolute.pt', ckpt({ extra: [{ name: '/etc/cron.d/rpnc', data: ascii('x') }] }), refused('RPN3503', 'absolute'));
add('zip_backslash.pt', ckpt({ extra: [{ name: 'archive\\..\\x', data: ascii('x') }] }), refused('RPN3503', 'backslash'));
add('zip_two_folders.pt', ckpt({ extra: [{ name: 'other/data.pkl', data: ascii('x') }] }), refused('RPN3503', "outside the archive's top folder 'archive/'"));
add('zip_duplicate.pt', ckpt({ extra: [{ name: 'archive/data.pkl', data: stateDict() }] }), refused('RPN3503', 'appears twice'));
add('zip_control_char.pt', ckpt({ extra: [{ name: 'archive/x\u0000y', data: ascii('x') }] }), refused('RPN3503', 'control'));
add('zip_overlapping.pt', ckpt({ mutate: (es) => [...es, { name: 'archive/data/2', data: f32(wv), at: 2 }] }), refused('RPN3501', 'local header name differs'));
add('zip_size_overlaps_next.pt', ckpt({ mutate: (es) => es.map((e, i) => (i === 2 ? { ...e, size: 60 } : e)) }), refused('RPN3501', 'overlap'));
add('zip_local_name_lies.pt', ckpt({ mutate: (es) => es.map((e, i) => (i === 2 ? { ...e, localName: 'archive/data/9' } : e)) }), refused('RPN3501', 'local header name differs'));
add('zip_crc.pt', ckpt({ mutate: (es) => es.map((e, i) => (i === 0 ? { ...e, crc: 0x12345678 } : e)) }), refused('RPN3501', 'CRC-32'));
add('zip_cd_offset_past_end.pt', ckpt({ zipOpts: { cdOffsetDelta: 100000 } }), refused('RPN3501', 'central directory'));
add('zip_count_lies.pt', ckpt({ zipOpts: { count: 60000 } }), refused('RPN3501', 'cannot fit'));
add('zip64_offset_lies.pt', ckpt({ zipOpts: { zip64: true, cdOffsetDelta: 1 << 30 } }), refused('RPN3501', 'central directory'));
add('zip_empty.pt', zip([]), refused('RPN3504', 'data.pkl'));
// other kinds of files given as weights
add('legacy.pt', Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]), refused('RPN3523', 'legacy'));
add('plain_pickle.pkl', Buffer.from(callGlobal('os', 'system', touch('plain_pickle'))), refused('RPN3524', 'is a pickle'));

for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(here, name), bytes);
fs.writeFileSync(path.join(here, 'expect.json'), JSON.stringify(expect, null, 2) + '\n');
console.log(`${Object.keys(files).length} files written to ${here}`);
