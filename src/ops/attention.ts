/**
 * Scaled dot-product attention as one fused op, per batch b and head h:
 *
 *   S = scale Q K^T + M,   P = softmax_rows(S),   O = P V        (Q [L, d], K [S, d], V [S, dv])
 *
 * where M is an additive mask (0 or -inf, or any float) and, with `causal`, -inf above the
 * diagonal (query i sees keys j <= i). Backward (FlashAttention-2's), with G = dJ/dO:
 *
 *   D_i = G_i . O_i,   dP = G V^T,   dS = P (*) (dP - D),   dQ = scale dS K,   dK = scale dS^T Q,   dV = P^T G
 *
 * The op keeps only its inputs, O and the log-sum-exp of each row of S (lse_i, so P is
 * recomputed as exp(S - lse) block by block): memory O(L d) per head instead of the L x S
 * matrices P and dP the composed ops hold. The kernels (AttentionArgs in src/backend/types.ts)
 * walk keys in blocks with an online softmax and skip blocks above the diagonal when causal.
 * The backward is hand-written because attention is a Transformer's hot spot and its composed
 * form (matmul, softmax, matmul) holds and re-reads the full score matrix each way; recorded
 * backward passes (createGraph) run the same formulas as differentiable ops instead.
 *
 * Not differentiated: the mask (the op refuses a mask that requires grad; callers compose then).
 * Rows whose scores are all -inf give NaN, as softmax does in PyTorch.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type FloatDType, type TypedArray, allocateUninit, isFloat } from '../core/dtype.js';
import { isGradEnabled } from '../core/autograd.js';
import { broadcastStrides } from '../core/shape.js';
import { B } from '../backend/registry.js';
import type { HeadView, Strided } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { contiguous } from './view.js';

export interface AttentionOptions {
  /** additive float mask broadcastable to [B, H, L, S] (or null); not differentiated */
  mask?: Tensor | null;
  /** query i attends only to keys j <= i */
  causal?: boolean;
  /** multiplies Q K^T (default 1/sqrt(d)) */
  scale?: number;
}

/** The [b, h, row] strides of a 4-D tensor whose last axis is contiguous (a contiguous copy otherwise). */
function headView(t: Tensor): [Tensor, HeadView] {
  const u = t.strides[3] === 1 || t.shape[3] === 1 ? t : contiguous(t, true);
  return [u, { data: u._storage, offset: u.offset, strides: [u.strides[0]!, u.strides[1]!, u.strides[2]!] }];
}

/**
 * O = softmax(scale Q K^T + mask) V for q [B, H, L, d], k [B, H, S, d], v [B, H, S, dv]
 * (views with a contiguous last axis are read in place). Returns O [B, H, L, dv], stored as
 * [B, L, H, dv] so that merging the heads back (permute + reshape) needs no copy.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (!(t instanceof Tensor)) throw new NablaError(`attention: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.ndim !== 4) throw new ShapeError(`attention: expected ${name} [batch, heads, length, width], got ${fmtShape(t.shape)}`);
  }
  const [b, h, l, d] = q.shape as [number, number, number, number];
  const s = k.shape[2]!;
  const dv = v.shape[3]!;
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== d || v.shape[0] !== b || v.shape[1] !== h || v.shape[2] !== s) {
    throw new ShapeError(`attention: query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} do not fit: expected key [${b}, ${h}, S, ${d}] and value [${b}, ${h}, S, dv]`);
  }
  const dt = q.dtype;
  if (!isFloat(dt) || k.dtype !== dt || v.dtype !== dt) throw new DTypeError(`attention: query, key and value must share one floating-point dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  const mask = opts.mask ?? null;
  let maskView: Strided | null = null;
  let maskT: Tensor | null = null;
  if (mask !== null) {
    if (!(mask instanceof Tensor)) throw new NablaError(`attention: mask must be a Tensor or null, got ${typeof mask}`);
    if (mask.requiresGrad && isGradEnabled()) throw new NablaError('attention: the fused op does not differentiate the mask; compose the attention from matmul and softmax for a learned mask');
    if (!isFloat(mask.dtype)) throw new DTypeError(`attention: the mask must be additive floats (0 / -inf), got ${mask.dtype}; convert a boolean mask first`);
    if (mask.ndim > 4) throw new ShapeError(`attention: mask ${fmtShape(mask.shape)} has more than 4 dimensions`);
    const full = [b, h, l, s];
    const ms = [...new Array<number>(4 - mask.ndim).fill(1), ...mask.shape];
    if (ms.some((m, i) => m !== 1 && m !== full[i])) throw new ShapeError(`attention: mask ${fmtShape(mask.shape)} does not broadcast to the scores [${full.join(', ')}]`);
    maskT = mask.dtype === dt ? mask : mask.to(dt);
    const strides = [...new Array<number>(4 - mask.ndim).fill(0), ...maskT.strides];
    maskView = { data: maskT._storage, offset: maskT.offset, strides: broadcastStrides(ms, strides, full) };
  }
  const causal = opts.causal ?? false;
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  if (!Number.isFinite(scale)) throw new NablaError(`attention: scale must be a finite number, got ${scale}`);

  const [qc, qv] = headView(q);
  const [kc, kv] = headView(k);
  const [vc, vv] = headView(v);
  // O stored [B, L, H, dv], seen as [B, H, L, dv]
  const store = allocateUninit(dt, b * l * h * dv);
  const out = new Tensor(store, [b, h, l, dv], [l * h * dv, dv, h * dv, 1]);
  const ov: HeadView = { data: store, offset: 0, strides: [l * h * dv, dv, h * dv] };
  const lse = allocateUninit(dt, b * h * l);
  const args = { batch: b, heads: h, l, s, d, dv, q: qv, k: kv, v: vv, mask: maskView, causal, scale, out: ov, lse };
  B().attentionForward(args);
  const inputs = [q, k, v];
  const record = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  return result('attention', out, inputs, record ? (g) => attentionBackward(g, { ...args, qc, kc, vc, maskT, outT: out }) : null, {
    causal,
    scale,
    mask: maskT,
  });
}

interface Saved {
  batch: number; heads: number; l: number; s: number; d: number; dv: number;
  q: HeadView; k: HeadView; v: HeadView; out: HeadView; mask: Strided | null;
  causal: boolean; scale: number; lse: TypedArray;
  qc: Tensor; kc: Tensor; vc: Tensor; maskT: Tensor | null; outT: Tensor;
}

function attentionBackward(g: Tensor, s: Saved): Tensor[] {
  if (isGradEnabled()) return composedBackward(g, s);
  const dt = s.qc.dtype;
  const gg = g.dtype === dt ? g : g.to(dt);
  const [, gv] = headView(gg);
  const dq = emptyUninit(dt, [s.batch, s.heads, s.l, s.d]);
  const dk = emptyUninit(dt, [s.batch, s.heads, s.s, s.d]);
  const dv = emptyUninit(dt, [s.batch, s.heads, s.s, s.dv]);
  const hv = (t: Tensor): HeadView => ({ data: t._storage, offset: 0, strides: [t.strides[0]!, t.strides[1]!, t.strides[2]!] });
  B().attentionBackward({ ...s, g: gv, gradQ: hv(dq), gradK: hv(dk), gradV: hv(dv) });
  return [dq, dk, dv];
}

/** The backward's formulas as differentiable ops (recorded backward, double differentiation). */
function composedBackward(g: Tensor, s: Saved): Tensor[] {
  const { qc: q, kc: k, vc: v } = s;
  const p = composedWeights(q, k, s.maskT, s.causal, s.scale);
  const dV = p.mT.matmul(g);
  const dP = g.matmul(v.mT);
  // D_i = G_i . O_i = sum_j P_ij dP_ij, written so that its dependence on q, k, v is recorded
  const D = p.mul(dP).sum(-1, true);
  const dS = p.mul(dP.sub(D)).mul(s.scale);
  return [dS.matmul(k), dS.mT.matmul(q), dV];
}

/** P = softmax(scale Q K^T + mask (+ causal -inf)) from differentiable ops (the L x S matrix). */
export function composedWeights(q: Tensor, k: Tensor, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  let scores = q.matmul(k.mT).mul(scale);
  if (mask !== null) scores = scores.add(mask);
  if (causal) scores = scores.add(causalMask(q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!, scores.dtype as FloatDType));
  return scores.softmax(-1);
}

/** [L, S] with 0 where j <= i and -inf above the diagonal. */
export function causalMask(l: number, s: number, dtype: FloatDType): Tensor {
  const m = allocateUninit(dtype, l * s);
  for (let i = 0; i < l; i++) for (let j = 0; j < s; j++) m[i * s + j] = j > i ? -Infinity : 0;
  return new Tensor(m, [l, s]);
}
