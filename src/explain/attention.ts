/**
 * Finding and recording one attention head. The layers tag their ops (core/events.ts, tagOps):
 * multi-head attention runs its composed form under explain (withDetailedOps), each step tagged
 * with its role: 'scores' (S = s Q K^T), 'mask' (S + M), 'softmax' (P), 'weighted sum' (O = P V).
 * The first attention on the tape is narrated for batch element 0 and head 0: every value and
 * gradient below is a tensor autograd computed (the intermediates retain their gradients).
 */
import type { Tensor } from '../core/tensor.js';
import type { ForwardEvent } from '../core/events.js';
import { snapshot, type TensorSnapshot } from './snapshot.js';
import type { AttentionStep } from './types.js';

export interface FoundAttention {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  scores: Tensor;
  masked: Tensor;
  p: Tensor;
  o: Tensor;
  scale: number;
  causal: boolean;
  heads: number;
}

const roleOf = (e: ForwardEvent): string | undefined => e.tags?.find((t) => t.layer === 'attention')?.role;

/** The first tagged attention of the forward pass, or null. */
export function findAttention(events: readonly ForwardEvent[]): FoundAttention | null {
  const i = events.findIndex((e) => roleOf(e) === 'scores');
  if (i < 0) return null;
  const group: ForwardEvent[] = [];
  // this attention's events: from its first 'scores' op through its 'weighted sum'
  for (let j = i; j < events.length && roleOf(events[j]!) !== undefined; j++) {
    if (group.some((e) => roleOf(e) === 'weighted sum') && roleOf(events[j]!) !== 'weighted sum') break;
    group.push(events[j]!);
  }
  const byRole = (r: string): ForwardEvent[] => group.filter((e) => roleOf(e) === r);
  const scores = byRole('scores');
  const soft = byRole('softmax');
  const out = byRole('weighted sum');
  if (scores.length === 0 || soft.length === 0 || out.length === 0) return null;
  // Q K^T: the scores op with two matrix inputs, Q and K^T (a view of K)
  const qk = scores.find((e) => e.inputs.length === 2 && e.inputs.every((t) => t.ndim >= 2));
  if (qk === undefined) return null;
  const kT = qk.inputs[1]!;
  const tag = qk.tags!.find((t) => t.layer === 'attention')!;
  const mha = qk.tags!.find((t) => t.layer === 'MultiheadAttention');
  const masks = byRole('mask');
  const last = out[out.length - 1]!;
  return {
    q: qk.inputs[0]!,
    k: kT,
    v: last.inputs[1]!,
    scores: scores[scores.length - 1]!.output,
    masked: masks.length > 0 ? masks[masks.length - 1]!.output : scores[scores.length - 1]!.output,
    p: soft[soft.length - 1]!.output,
    o: last.output,
    scale: Number(tag['scale']),
    causal: tag['causal'] === true,
    heads: typeof mha?.['heads'] === 'number' ? (mha['heads'] as number) : 1,
  };
}

/** Makes autograd keep the gradients of the head's intermediates (call before backward). */
export function retainAttention(a: FoundAttention): void {
  for (const t of [a.q, a.k, a.v, a.scores, a.masked, a.p, a.o]) if (t.requiresGrad) t.retainGrad();
}

/** Head 0 of batch element 0: the [rows, cols] slice of a [..., rows, cols] tensor. */
function head(t: Tensor): TensorSnapshot {
  const s = snapshot(t);
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  return { shape: [rows, cols], data: s.data.slice(0, rows * cols), norm: Math.hypot(...s.data.slice(0, rows * cols)) };
}

const zeros = (t: Tensor): TensorSnapshot => {
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  return { shape: [rows, cols], data: new Array<number>(rows * cols).fill(0), norm: 0 };
};

/** K^T's producer view: K [S, d] is the transpose of the K^T slice. */
function transposed(s: TensorSnapshot): TensorSnapshot {
  const [r, c] = s.shape as [number, number];
  const data = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = s.data[i * c + j]!;
  return { shape: [c, r], data, norm: s.norm };
}

export function recordAttention(a: FoundAttention): AttentionStep {
  const g = (t: Tensor): TensorSnapshot => (t.grad ? head(t.grad) : zeros(t));
  const scores = head(a.scores);
  const masked = head(a.masked);
  return {
    heads: a.heads,
    scale: a.scale,
    causal: a.causal,
    Q: head(a.q),
    K: transposed(head(a.k)),
    V: head(a.v),
    S: scores,
    M: { shape: masked.shape, data: masked.data.map((v, i) => v - scores.data[i]!), norm: 0 },
    Smasked: masked,
    P: head(a.p),
    O: head(a.o),
    dO: g(a.o),
    dP: g(a.p),
    dS: g(a.masked),
    dQ: g(a.q),
    dK: transposed(g(a.k)),
    dV: g(a.v),
  };
}
