/**
 * WeightStore: the merged checkpoint, queried by lowering with the shape each parameter must have.
 * It remembers which keys were used so the driver can reject unknown keys (RPN3103).
 */
import { fail, type Diagnostic } from '../diagnostics.js';
import { mergeWeightFiles } from './safetensors.js';

export { SeededRandom, fans } from './random.js';

export interface StoredTensor {
  shape: number[];
  data: Float32Array;
  /** File the tensor came from, for messages. */
  file?: string;
}

export interface GetOptions {
  /** What needs the weight, e.g. "head layers.0.heads.0 (identity_reconciliation, n=3, D=5 → l=15)". */
  requiredBy: string;
}

const fmtShape = (s: readonly number[]): string => `[${s.join(',')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export class WeightStore {
  private readonly tensors: Map<string, StoredTensor>;
  private readonly used = new Set<string>();

  /** `source` names where the weights came from in messages (e.g. the file list). */
  constructor(tensors: Map<string, StoredTensor>, readonly source = 'the weight files') {
    this.tensors = tensors;
  }

  /** Warnings of the file readers (e.g. RPN3522, tensors converted to float32). */
  warnings: Diagnostic[] = [];

  static fromFiles(paths: string[]): WeightStore {
    const merged = mergeWeightFiles(paths);
    const store = new WeightStore(merged.tensors, paths.map((p) => `'${p}'`).join(', ') || 'no weight files');
    store.warnings = merged.warnings;
    return store;
  }

  has(key: string): boolean {
    return this.tensors.has(key);
  }

  keys(): string[] {
    return [...this.tensors.keys()];
  }

  markUsed(key: string): void {
    this.used.add(key);
  }

  /** The weight `key`, which must have `expectedShape`; marks it used. */
  get(key: string, expectedShape: readonly number[], opts: GetOptions): Float32Array {
    const t = this.tensors.get(key);
    if (!t) {
      const close = this.closeKeys(key, expectedShape);
      fail('RPN3101', `missing weight '${key}' (shape ${fmtShape(expectedShape)}) required by ${opts.requiredBy}; not found in ${this.source}`, {
        hint: close.length
          ? `keys with a similar name in the checkpoint: ${close.map((k) => `'${k}' ${fmtShape(this.tensors.get(k)!.shape)}`).join(', ')} — was the checkpoint saved from a different model layout?`
          : `the checkpoint has ${this.tensors.size} keys and none resembles it: pass the checkpoint of this model, or initialise randomly with --seed N`,
      });
    }
    if (!sameShape(t.shape, expectedShape)) {
      const from = t.file ? ` in '${t.file}'` : '';
      const n = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
      const transposed = n(t.shape) === n(expectedShape) ? ' It has the same number of elements: was it saved transposed or reshaped?' : '';
      fail('RPN3102', `weight '${key}'${from} has shape ${fmtShape(t.shape)} but ${opts.requiredBy} expects ${fmtShape(expectedShape)}`, {
        hint: `the expected shape follows from the model's dimensions and options; the checkpoint was probably saved from a model with different sizes or options — check them in the model file.${transposed}`,
      });
    }
    this.used.add(key);
    return t.data;
  }

  /** Keys present but never fetched with `get` or marked used, sorted. */
  unusedKeys(): string[] {
    return this.keys().filter((k) => !this.used.has(k)).sort();
  }

  /** Throws RPN3103 naming every unused key (call after lowering). */
  assertAllUsed(): void {
    const unused = this.unusedKeys();
    if (unused.length === 0) return;
    const shown = unused.slice(0, 10).map((k) => `'${k}'`).join(', ') + (unused.length > 10 ? `, … (${unused.length} in all)` : '');
    fail('RPN3103', `${this.source} contain${unused.length === 1 ? 's a key' : ` ${unused.length} keys`} the model does not use: ${shown}`, {
      hint: 'the checkpoint belongs to a different model (more heads/layers, other options?): check the model file, or remove those keys from the checkpoint',
    });
  }

  /**
   * tinybig lists a shared head under every index, so its parameters appear under several keys.
   * All present `keys` must hold identical tensors (same shape, bitwise-equal values) else RPN3104.
   * Marks them all used (only one copy is compiled).
   */
  checkAliasesEqual(keys: readonly string[]): void {
    const present = keys.filter((k) => this.tensors.has(k));
    const [first, ...rest] = present;
    if (first === undefined) return;
    const a = this.tensors.get(first)!;
    for (const k of rest) {
      const b = this.tensors.get(k)!;
      let diff = -1;
      if (sameShape(a.shape, b.shape)) {
        for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) { diff = i; break; }
      }
      const why = !sameShape(a.shape, b.shape)
        ? `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ`
        : diff >= 0 ? `they first differ at index ${diff} (${a.data[diff]} vs ${b.data[diff]})` : '';
      if (why) {
        fail('RPN3104', `shared weights '${first}' and '${k}' must be identical but ${why}`, {
          hint: 'these keys are the same shared module listed under several indices; the checkpoint was edited or saved from a model without sharing — make them equal or drop the sharing in the model file',
        });
      }
    }
    for (const k of present) this.used.add(k);
  }

  /** Up to 5 keys that look like `key` (same last segment, or small edit distance); right shape first. */
  private closeKeys(key: string, shape: readonly number[]): string[] {
    const last = key.split('.').pop()!;
    const limit = Math.max(2, Math.floor(key.length / 4));
    const scored: { k: string; d: number }[] = [];
    for (const k of this.tensors.keys()) {
      const d = editDistance(key, k, limit + 1);
      const bonus = sameShape(this.tensors.get(k)!.shape, shape) ? 0.5 : 0;
      if (d <= limit || k.split('.').pop() === last) scored.push({ k, d: d - bonus });
    }
    return scored.sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1)).slice(0, 5).map((s) => s.k);
  }
}

/** Levenshtein distance, capped at `cap` (returns `cap` once it is certainly ≥ cap). */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return Math.min(prev[b.length]!, cap);
}
