/**
 * `rpnc inspect <checkpoint> [--model model.ts]`: what a weight file holds (keys, shapes, dtypes as
 * stored) and, given the model, where each tensor lands (the head and parameter it fills, a shared
 * head's alias, a processing function's tensor) and which of the model's parameters it lacks.
 */
import { parameterManifest } from '../spec/params.js';
import type { ModelSpec } from '../spec/types.js';
import { parseWeightFile, readWeightBytes } from './safetensors.js';
import { maxOf } from '../../ir/arrays.js';

export interface CheckpointEntry {
  key: string;
  /** As stored: torch dtype (`float32`, `float64`, `int64`, …) or safetensors dtype (`F32`, …). */
  dtype: string;
  shape: number[];
  elements: number;
  /** With a model: where the tensor lands, or why it is not used. */
  landsIn?: string;
  /** With a model: the shape the model expects when it differs. */
  expected?: number[];
}

export interface CheckpointReport {
  file: string;
  format: 'torch.save' | 'safetensors';
  entries: CheckpointEntry[];
  /** With a model: parameters the model needs that the file does not hold. */
  missing?: { key: string; shape: number[] }[];
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Read a weight file (recognised by content) and describe it, against `spec` when given. */
export function describeCheckpoint(file: string, spec?: ModelSpec): CheckpointReport {
  const f = parseWeightFile(readWeightBytes(file), file);
  const format = f.format;
  const entries: CheckpointEntry[] =
    f.format === 'torch.save'
      ? f.entries.map((e) => ({ ...e, elements: prod(e.shape) }))
      : [...f.tensors].map(([key, t]) => ({ key, dtype: t.dtype, shape: t.shape, elements: prod(t.shape) }));
  const report: CheckpointReport = { file, format, entries };
  if (!spec) return report;
  const manifest = new Map(parameterManifest(spec).map((p) => [p.key, p.shape]));
  const heads = spec.layers.flatMap((l) => l.heads);
  for (const e of entries) {
    const want = manifest.get(e.key);
    if (want) {
      const head = heads.find((h) => e.key.startsWith(h.prefix));
      e.landsIn = head ? `${head.prefix.replace(/\.$/, '')}: ${e.key.slice(head.prefix.length)}` : e.key;
      if (want.length !== e.shape.length || want.some((d, i) => d !== e.shape[i])) e.expected = want;
      continue;
    }
    const alias = heads.flatMap((h) => h.aliases.map((a) => ({ h, a }))).find(({ a }) => e.key.startsWith(a));
    const owner = [...heads].sort((a, b) => b.prefix.length - a.prefix.length).find((h) => e.key.startsWith(h.prefix));
    e.landsIn = alias
      ? `alias of ${alias.h.prefix}${e.key.slice(alias.a.length)} (shared head: must be equal)`
      : owner && /\.(output_process_functions|input_process_functions)\./.test(e.key) ? `${owner.prefix.replace(/\.$/, '')}: processing function tensor`
      : owner && /\.(data_transformation|parameter_fabrication|head_fusion|channel_fusion)\./.test(e.key) ? `${owner.prefix.replace(/\.$/, '')}: derived or side-car tensor`
      : /\.(head_fusion|parameter_fabrication)\./.test(e.key) ? 'fusion or side-car tensor'
      : 'not used by the model (RPN3103 at build)';
  }
  const have = new Set(entries.map((e) => e.key));
  report.missing = [...manifest].filter(([k]) => !have.has(k)).map(([key, shape]) => ({ key, shape }));
  return report;
}

/** The human-readable listing. */
export function formatCheckpointReport(r: CheckpointReport): string {
  const rows = r.entries.map((e) => [e.key, e.dtype, `[${e.shape.join(', ')}]`, e.elements.toLocaleString('en-US'), e.landsIn === undefined ? '' : e.landsIn + (e.expected ? `  (expects [${e.expected.join(', ')}]: RPN3102)` : '')]);
  const header = ['key', 'dtype', 'shape', 'elements', ...(r.missing ? ['lands in'] : [])];
  const w = header.map((h, i) => maxOf(rows.map((x) => x[i]!.length), h.length));
  const line = (x: string[]) => x.slice(0, header.length).map((c, i) => (i === 3 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  const total = r.entries.reduce((a, e) => a + e.elements, 0);
  const out = [`${r.file}: ${r.format}, ${r.entries.length} tensors, ${total.toLocaleString('en-US')} elements`, line(header), ...rows.map(line)];
  if (r.missing) out.push(r.missing.length ? `missing for the model (RPN3101/RPN3106 at build): ${r.missing.map((m) => `${m.key} [${m.shape.join(', ')}]`).join(', ')}` : 'every parameter of the model is in the file');
  return out.join('\n') + '\n';
}
