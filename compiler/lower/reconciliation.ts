/**
 * Lowering of parameter reconciliations ψ (tinybig.reconciliation) to IR: the parameter row
 * w (1, l) -> W (n, D). Everything here reads only constants, so constant folding turns it into
 * one dense W at compile time (`--no-fold` keeps these ops in the ONNX file).
 * `applyReconciliation` is the head product κ·Wᵀ in the form cost.ts chooses: the dense W, or a
 * factored form whose small constants fold but never multiply back into W (a MatMul with κ is not
 * constant), or ψ kept unfolded for the smallest file.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { type Tensor, tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import type { ReconciliationSpec } from '../spec/types.js';
import { type BlockLayout, blockLayout, type FormCost } from './cost.js';

/** Consecutive pieces of w, taken in order: `take(len, shape)`. */
function splitter(b: GraphBuilder, w: Value) {
  let at = 0;
  return (len: number, shape: number[]): Value => {
    const piece = b.slice(w, [at], [at + len], [1]);
    at += len;
    return b.reshape(piece, shape);
  };
}

/**
 * `extras`: the reconciliation's side-car tensors by attribute name (spec/params.ts `reconciliationExtras`):
 * random matrices / mask / hypernet MLP. They become constants, so ψ still folds to one dense W.
 */
export function lowerReconciliation(b: GraphBuilder, w: Value | undefined, r: ReconciliationSpec, extras: Record<string, Float32Array> = {}): Value {
  const { n, D } = r;
  const o = r.options;
  const need = (): Value => w ?? fail('RPN4102', `${r.type} needs its parameter row`);
  const side = (name: string, shape: number[]): Value => {
    const data = extras[name] ?? fail('RPN4102', `${r.type} needs its side-car tensor '${r.prefix}${name}'`);
    return b.constant(tensor('float32', shape, data), `${r.prefix}${name}`);
  };
  switch (r.type) {
    case 'identity_reconciliation':
      return b.reshape(need(), [n, D]);
    case 'lorr_reconciliation': {
      const take = splitter(b, need());
      const rank = o.r as number;
      const A = take(n * rank, [n, rank]);
      const B = take(rank * D, [rank, D]);
      return b.matmul(A, B);
    }
    case 'constant_reconciliation':
      return b.constant(tensor('float32', [n, D], new Array(n * D).fill(o.c as number)));
    case 'zero_reconciliation':
      return b.constant(tensor('float32', [n, D]));
    case 'one_reconciliation':
      return b.constant(tensor('float32', [n, D], new Array(n * D).fill(1)));
    case 'constant_eye_reconciliation': {
      const t = tensor('float32', [n, D]);
      for (let i = 0; i < Math.min(n, D); i++) (t.data as Float32Array)[i * D + i] = 1;
      return b.constant(t);
    }
    case 'duplicated_padding_reconciliation': {
      // W.flat[f] = w[f mod (s·t)]: a row-major tile of w, p·q times
      const p = o.p as number;
      const q = o.q as number;
      return b.reshape(b.tile(need(), [1, p * q]), [n, D]);
    }
    case 'hm_reconciliation':
    case 'lphm_reconciliation':
    case 'dual_lphm_reconciliation': {
      // W = reshape(outer(a, β), n×D) — a reshaped outer product, not a Kronecker product.
      const { a, beta } = hmVectors(b, need(), r);
      return b.reshape(b.matmul(b.reshape(a, [-1, 1]), b.reshape(beta, [1, -1])), [n, D]);
    }
    case 'masking_reconciliation':
      // W = reshape(w) ⊙ M, M the fixed 0/1 mask tinybig drew at its first forward
      return b.mul(b.reshape(need(), [n, D]), side('mask_matrix', [n, D]));
    case 'duplicated_diagonal_padding_reconciliation': {
      // p = q = n: W = I_n ⊗ w (1×t), i.e. row i holds w in columns i·t … i·t+t−1 (t = D/n)
      const t = D / n;
      const block = tensor('float32', [n, D]);
      for (let i = 0; i < n; i++) for (let j = 0; j < t; j++) (block.data as Float32Array)[i * D + i * t + j] = 1;
      return b.mul(b.tile(need(), [n, n]), b.constant(block));
    }
    case 'random_matrix_adaption_reconciliation': {
      // W = diag(λ1)·A·diag(λ2)·Bᵀ = (λ1 ⊙_rows A ⊙_cols λ2)·Bᵀ
      const rank = o.r as number;
      const take = splitter(b, need());
      const l1 = take(n, [n, 1]);
      const l2 = take(rank, [1, rank]);
      const A = side('A', [n, rank]);
      const B = side('B', [D, rank]);
      return b.matmul(b.mul(b.mul(A, l1), l2), b.transpose(B, [1, 0]));
    }
    case 'random_matrix_hypernet_reconciliation': {
      // W = reshape_{n×D}(((σ((w·P)·Qᵀ))·S)·Tᵀ)
      const rank = o.r as number;
      const h = o.hiddenDim as number;
      const P = side('P', [r.l, rank]);
      const Q = side('Q', [h, rank]);
      const S = side('S', [h, rank]);
      const T = side('T', [n * D, rank]);
      const z = b.sigmoid(b.matmul(b.matmul(need(), P), b.transpose(Q, [1, 0])));
      return b.reshape(b.matmul(b.matmul(z, S), b.transpose(T, [1, 0])), [n, D]);
    }
    case 'hypernet_reconciliation': {
      // W = reshape_{n×D}(L2(σ(L1(w)))), L(x) = x·weightᵀ + bias
      const h = o.hiddenDim as number;
      const w1 = side('net.0.weight', [h, r.l]);
      const b1 = side('net.0.bias', [h]);
      const w2 = side('net.2.weight', [n * D, h]);
      const b2 = side('net.2.bias', [n * D]);
      const z = b.sigmoid(b.add(b.matmul(need(), b.transpose(w1, [1, 0])), b1));
      return b.reshape(b.add(b.matmul(z, b.transpose(w2, [1, 0])), b2), [n, D]);
    }
    default:
      return fail('RPN4101', `no lowering for reconciliation ${r.type}`);
  }
}

/** The hm family's flat vectors a (pq) and β (st) from the parameter row. */
function hmVectors(b: GraphBuilder, w: Value, r: ReconciliationSpec): { a: Value; beta: Value } {
  const L = blockLayout(r);
  const { p, q, s, t } = L;
  const rank = r.options.r as number;
  const take = splitter(b, w);
  if (r.type === 'hm_reconciliation') return { a: take(p * q, [p * q]), beta: take(s * t, [s * t]) };
  if (r.type === 'lphm_reconciliation') {
    const a = take(p * q, [p * q]);
    const S = take(s * rank, [s, rank]);
    const T = take(rank * t, [rank, t]);
    return { a, beta: b.reshape(b.matmul(S, T), [s * t]) };
  }
  const P = take(p * rank, [p, rank]);
  const Q = take(rank * q, [rank, q]);
  const S = take(s * rank, [s, rank]);
  const T = take(rank * t, [rank, t]);
  return { a: b.reshape(b.matmul(P, Q), [p * q]), beta: b.reshape(b.matmul(S, T), [s * t]) };
}

/**
 * The constant 0/1 regrouping of `blockLayout`, arranged for building C: row (j·s1 + v)·s1 + ρ,
 * column u' is 1 when block g = ρ·q1 + j of a group's row ρ is block v of a's entry u' (g = u'·s1 + v).
 */
function regrouping(L: BlockLayout): Tensor {
  const M = tensor('float32', [L.q1 * L.s1 * L.s1, L.q1]);
  for (let rho = 0; rho < L.s1; rho++)
    for (let j = 0; j < L.q1; j++) {
      const g = rho * L.q1 + j;
      const u = Math.floor(g / L.s1);
      const v = g % L.s1;
      (M.data as Float32Array)[((j * L.s1 + v) * L.s1 + rho) * L.q1 + u] = 1;
    }
  return M;
}

/**
 * κ·Wᵀ for W = reshape_{n×D}(outer(a, β)) without forming W (cost.ts `blockLayout`):
 *   Z = reshape(κ, (·, q1, t1))·reshape(β, (s1, t1))ᵀ  -> (batch, q1·s1)
 *   y = Z·C,  C[(j, v), σ·s1 + ρ] = Σ_u' [block ρ·q1 + j is block v of u'] · a[σ·q1 + u']  (q1·s1 × n)
 * C is built from a by a few small constant ops that fold.
 */
function applyBlocks(b: GraphBuilder, kappa: Value, a: Value, beta: Value, r: ReconciliationSpec, name: (what: string) => string): Value {
  const L = blockLayout(r);
  const N = L.q1 * L.s1;
  const betaT = b.transpose(b.reshape(beta, [L.s1, L.t1]), [1, 0], { name: name('beta') }); // (t1, s1)
  const Z = L.q1 === 1 ? b.matmul(kappa, betaT) : b.reshape(b.matmul(b.reshape(kappa, [-1, L.q1, L.t1]), betaT), [-1, N]); // (batch, q1·s1)
  const At = b.transpose(b.reshape(a, [L.groups, L.q1]), [1, 0]); // (q1, groups)
  const C3 = b.reshape(b.matmul(b.constant(regrouping(L)), At), [N, L.s1, L.groups]); // [(j,v), ρ, σ]
  const C = b.reshape(b.transpose(C3, [0, 2, 1]), [N, r.n], { name: name('C') });
  return b.matmul(Z, C);
}

/**
 * The head product κ (batch, D) · ψ(w)ᵀ -> (batch, n) in the fabrication form chosen by cost.ts.
 * Value names: `<prefix><form value><sfx>`, sfx = '' or `.c` per channel, e.g. `layers.0.heads.0.lorr_A`,
 * `…hm_beta`, `…hm_C`, `…dup_beta`, `…dup_C`, `…W` (dense), `…W_runtime`.
 */
/** Ops that only move w's numbers; they may fold even when ψ is kept unfolded. */
const LAYOUT_OPS = new Set(['Slice', 'Reshape', 'Transpose', 'Unsqueeze', 'Squeeze']);

export function applyReconciliation(
  b: GraphBuilder,
  kappa: Value,
  w: Value | undefined,
  r: ReconciliationSpec,
  extras: Record<string, Float32Array>,
  choice: FormCost,
  prefix: string,
  sfx = '',
): Value {
  // node names carry the reconciliation and its fabrication form (rpnc profile)
  return b.scoped(`reconciliation[${r.type}:${choice.form}]`, () => applyInForm(b, kappa, w, r, extras, choice, prefix, sfx));
}

function applyInForm(
  b: GraphBuilder,
  kappa: Value,
  w: Value | undefined,
  r: ReconciliationSpec,
  extras: Record<string, Float32Array>,
  choice: FormCost,
  prefix: string,
  sfx: string,
): Value {
  const need = (): Value => w ?? fail('RPN4102', `${r.type} needs its parameter row`);
  switch (choice.form) {
    case 'lorr-factored': {
      const rank = r.options.r as number;
      const take = splitter(b, need());
      const A = take(r.n * rank, [r.n, rank]);
      const B = take(rank * r.D, [rank, r.D]);
      const Bt = b.transpose(B, [1, 0], { name: `${prefix}lorr_B${sfx}` }); // (D, r)
      const At = b.transpose(A, [1, 0], { name: `${prefix}lorr_A${sfx}` }); // (r, n)
      return b.matmul(b.matmul(kappa, Bt), At);
    }
    case 'hm-factored': {
      const { a, beta } = hmVectors(b, need(), r);
      return applyBlocks(b, kappa, a, beta, r, (what) => `${prefix}hm_${what}${sfx}`);
    }
    case 'duplicated-padding-factored': {
      // W tiles w: the hm block form with a = 1 (p·q entries)
      const pq = (r.n * r.D) / r.l;
      const ones = b.constant(tensor('float32', [pq], new Array(pq).fill(1)));
      return applyBlocks(b, kappa, ones, b.reshape(need(), [r.l]), r, (what) => `${prefix}dup_${what}${sfx}`);
    }
    case 'runtime-fabricated': {
      // ψ stays in the file: its nodes that make data (MatMul, Tile, …) are noFold, so only the
      // pieces of w are stored (layout ops on w still fold: same bytes, fewer nodes)
      const from = b.graph.nodes.length;
      const W = lowerReconciliation(b, w, r, extras);
      for (const node of b.graph.nodes.slice(from)) if (!LAYOUT_OPS.has(node.op)) node.noFold = true;
      if (W.producer) W.name = b.graph.uniqueName(`${prefix}W_runtime${sfx}`);
      return b.gemm(kappa, W, null, { transB: true }); // κ·Wᵀ without a transposed copy of W
    }
    default:
      return b.matmul(kappa, b.transpose(lowerReconciliation(b, w, r, extras), [1, 0], { name: `${prefix}W${sfx}` }));
  }
}
