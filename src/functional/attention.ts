/**
 * Scaled dot-product attention (Vaswani et al., 2017), for queries q [..., L, E], keys
 * k [..., S, E] and values v [..., S, Ev]:
 *
 *   Attention(Q, K, V) = softmax(scale Q K^T + M) V,   scale = 1/sqrt(E) by default
 *
 * M is the mask: -inf where a query may not look (so its weight is exactly 0), 0 elsewhere, or any
 * float added to the scores. Two implementations with the same numbers:
 * - the fused op (src/ops/attention.ts): never holds the L x S weights, used when the weights are
 *   not wanted, no dropout is applied and the mask is not learned;
 * - the composed ops (matmul, softmax, dropout, matmul), which return the weights too.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type FloatDType, isFloat } from '../core/dtype.js';
import { isGradEnabled } from '../core/autograd.js';
import { zeros } from '../ops/create.js';
import { attention, causalMask } from '../ops/attention.js';
import { type Generator } from '../core/rng.js';
import { dropout } from './dropout.js';
import { detailedOps, tagOps } from '../core/events.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. Boolean: true marks the pairs that TAKE PART in attention
   * (PyTorch's scaled_dot_product_attention; nn.MultiheadAttention's masks mean the opposite);
   * float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** dropout probability on the attention weights (default 0; applied whenever > 0, as PyTorch) */
  dropoutP?: number;
  /** query i attends only to keys j <= i (cannot be combined with attnMask) */
  isCausal?: boolean;
  /** multiplies Q K^T (default 1/sqrt(E)) */
  scale?: number | null;
  generator?: Generator;
}

/** PyTorch's F.scaled_dot_product_attention: softmax(scale q k^T + mask) v, [..., L, Ev]. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductAttentionOptions = {}): Tensor {
  checkQkv('scaledDotProductAttention', q, k, v);
  const attnMask = opts.attnMask ?? null;
  const causal = opts.isCausal ?? false;
  if (causal && attnMask !== null) throw new NablaError('scaledDotProductAttention: give either attnMask or isCausal, not both (as PyTorch)');
  let mask: Tensor | null = null;
  if (attnMask !== null) {
    if (!(attnMask instanceof Tensor)) throw new NablaError(`scaledDotProductAttention: attnMask must be a Tensor or null, got ${typeof attnMask}`);
    // true = may attend: the additive mask is -inf where it is false
    mask = attnMask.dtype === 'bool' ? additiveMask(attnMask.logicalNot(), q.dtype as FloatDType) : attnMask;
  }
  return attend(q, k, v, {
    mask,
    causal,
    scale: opts.scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]!),
    dropoutP: opts.dropoutP ?? 0,
    needWeights: false,
    generator: opts.generator,
  }).out;
}

export interface AttendOptions {
  /** additive float mask broadcastable to [..., L, S], or null */
  mask: Tensor | null;
  causal: boolean;
  scale: number;
  dropoutP: number;
  needWeights: boolean;
  generator?: Generator | undefined;
  /** use the composed ops even when the fused op could run (tests compare the two) */
  composed?: boolean;
}

/** out = softmax(scale q k^T + mask) v and, if asked for, the weights (after dropout, as PyTorch returns them). */
export function attend(q: Tensor, k: Tensor, v: Tensor, o: AttendOptions): { out: Tensor; weights: Tensor | null } {
  if (!(o.dropoutP >= 0 && o.dropoutP <= 1)) throw new NablaError(`attention: dropout probability must be in [0, 1], got ${o.dropoutP}`);
  const lead = q.shape.slice(0, -2);
  const fusable =
    o.composed !== true && !detailedOps() && !o.needWeights && o.dropoutP === 0 && q.ndim <= 4 && q.ndim >= 2 &&
    k.ndim === q.ndim && v.ndim === q.ndim &&
    lead.every((d, i) => k.shape[i] === d && v.shape[i] === d) &&
    (o.mask === null || (o.mask.ndim <= 4 && !(o.mask.requiresGrad && isGradEnabled())));
  if (fusable) {
    const pad = 4 - q.ndim;
    const to4 = (t: Tensor): Tensor => (pad === 0 ? t : t.reshape([...new Array<number>(pad).fill(1), ...t.shape]));
    const out = attention(to4(q), to4(k), to4(v), { mask: o.mask, causal: o.causal, scale: o.scale });
    return { out: pad === 0 ? out : out.reshape([...lead, q.shape[q.ndim - 2]!, v.shape[v.ndim - 1]!]), weights: null };
  }
  // the composed form, each step tagged with its role (explain reads the head from these tags)
  const role = <T>(r: string, f: () => T): T => tagOps({ layer: 'attention', role: r, scale: o.scale, causal: o.causal }, f);
  const s0 = role('scores', () => q.matmul(k.mT).mul(o.scale));
  const s = o.mask === null && !o.causal ? s0 : role('mask', () => {
    let t = o.mask === null ? s0 : s0.add(o.mask);
    if (o.causal) t = t.add(causalMask(q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!, t.dtype as FloatDType));
    return t;
  });
  let p = role('softmax', () => s.softmax(-1));
  if (o.dropoutP > 0) p = dropout(p, o.dropoutP, { generator: o.generator });
  return { out: role('weighted sum', () => p.matmul(v)), weights: o.needWeights ? p : null };
}

/** A boolean mask (true = masked out) as additive floats: -inf where true, 0 elsewhere. */
export function additiveMask(m: Tensor, dtype: FloatDType): Tensor {
  return zeros(m.shape, { dtype }).maskedFill(m, -Infinity);
}

export { causalMask };

function checkQkv(op: string, q: Tensor, k: Tensor, v: Tensor): void {
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (!(t instanceof Tensor)) throw new NablaError(`${op}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.ndim < 2) throw new ShapeError(`${op}: ${name} needs at least 2 dimensions [..., length, features], got ${fmtShape(t.shape)}`);
    if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${name} must be floating-point, got ${t.dtype}`);
  }
  if (k.shape[k.ndim - 1] !== q.shape[q.ndim - 1]) {
    throw new ShapeError(`${op}: query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)} must have the same feature size`);
  }
  if (k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) {
    throw new ShapeError(`${op}: key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} must have the same length S`);
  }
}
