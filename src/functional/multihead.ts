/**
 * Multi-head attention (Vaswani et al., 2017), PyTorch's F.multi_head_attention_forward:
 *
 *   Q = query W_q^T + b_q,   K = key W_k^T + b_k,   V = value W_v^T + b_v
 *   head_h = softmax(Q_h K_h^T / sqrt(d) + M) V_h     (Q_h: the h-th slice of d = E / H features)
 *   out = concat(head_1, ..., head_H) W_o^T + b_o
 *
 * W_q, W_k, W_v are the three row blocks of in_proj_weight [3E, E] (or separate q/k/v_proj_weight
 * when key and value have other widths kdim, vdim). Masks, as nn.MultiheadAttention's: attnMask
 * [L, S] or [N*H, L, S] and keyPaddingMask [N, S], boolean (true = NOT allowed to attend) or float
 * (added to the scores); isCausal adds -inf above the diagonal. A query row whose keys are all
 * masked gets NaN, as in PyTorch.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { type FloatDType, isFloat } from '../core/dtype.js';
import { linear } from '../ops/linear.js';
import type { Generator } from '../core/rng.js';
import { additiveMask, attend } from './attention.js';
import { tagOps } from '../core/events.js';

export interface MultiheadWeights {
  numHeads: number;
  /** [3E, E], or null with separate projection weights */
  inProjWeight: Tensor | null;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** [3E] or null */
  inProjBias: Tensor | null;
  outProjWeight: Tensor;
  outProjBias: Tensor | null;
}

export interface MultiheadAttentionOptions {
  /** [N, S] (or [S] unbatched): true / -inf = that key is padding */
  keyPaddingMask?: Tensor | null;
  /** [L, S] or [N*numHeads, L, S]: true / -inf = not allowed */
  attnMask?: Tensor | null;
  /** return the attention weights (default true, as PyTorch) */
  needWeights?: boolean;
  /** average the weights over the heads (default true) */
  averageAttnWeights?: boolean;
  /** mask out keys j > i (in addition to attnMask) */
  isCausal?: boolean;
}

export interface MultiheadForwardOptions extends MultiheadAttentionOptions {
  /** inputs are [N, L, E] rather than [L, N, E] (default false) */
  batchFirst?: boolean;
  /** dropout probability on the attention weights, applied when `training` (default 0) */
  dropoutP?: number;
  training?: boolean;
  generator?: Generator;
  /** run the composed ops even where the fused attention op could (for tests) */
  composed?: boolean;
}

/** Returns [output, weights or null], the output shaped like query, weights [N, L, S] (averaged) or [N, H, L, S]. */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, w: MultiheadWeights, opts: MultiheadForwardOptions = {},
): [Tensor, Tensor | null] {
  return tagOps({ layer: 'MultiheadAttention', heads: w.numHeads }, () => mhaForward(query, key, value, w, opts));
}

function mhaForward(query: Tensor, key: Tensor, value: Tensor, w: MultiheadWeights, opts: MultiheadForwardOptions): [Tensor, Tensor | null] {
  const op = 'MultiheadAttention';
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (!(t instanceof Tensor)) throw new NablaError(`${op}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${name} must be floating-point, got ${t.dtype}`);
  }
  if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError(`${op}: query should be unbatched 2-D [L, E] or batched 3-D, got ${fmtShape(query.shape)}`);
  const batched = query.ndim === 3;
  if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new ShapeError(`${op}: for a ${query.ndim}-D query, key and value must be ${query.ndim}-D too, got key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)}`);
  }
  const batchFirst = opts.batchFirst ?? false;
  const selfAttn = query === key && key === value;
  const kvSame = key === value;
  // batch first, batched: [N, L, E]
  const bf = (t: Tensor): Tensor => (!batched ? t.unsqueeze(0) : batchFirst ? t : t.transpose(0, 1));
  const q0 = bf(query);
  const k0 = selfAttn ? q0 : bf(key);
  const v0 = kvSame ? k0 : bf(value);
  const [n, l, e] = q0.shape as [number, number, number];
  const s = k0.shape[1]!;
  if (k0.shape[0] !== n || v0.shape[0] !== n) throw new ShapeError(`${op}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} have different batch sizes`);
  if (v0.shape[1] !== s) throw new ShapeError(`${op}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} have different lengths`);
  const H = w.numHeads;
  if (!Number.isInteger(H) || H <= 0 || e % H !== 0) throw new ShapeError(`${op}: embedDim ${e} is not divisible by numHeads ${H}`);
  const hd = e / H;
  const d = query.dtype as FloatDType;

  // ---- projections, split into heads [N, H, len, hd] as views
  const heads = (t: Tensor, len: number): Tensor => t.reshape([n, len, H, hd]).permute(0, 2, 1, 3);
  let q: Tensor;
  let k: Tensor;
  let v: Tensor;
  const bq = w.inProjBias === null ? null : w.inProjBias.narrow(0, 0, e);
  const bk = w.inProjBias === null ? null : w.inProjBias.narrow(0, e, e);
  const bv = w.inProjBias === null ? null : w.inProjBias.narrow(0, 2 * e, e);
  if (w.inProjWeight !== null) {
    const W = w.inProjWeight;
    if (W.ndim !== 2 || W.shape[0] !== 3 * e || W.shape[1] !== e) throw new ShapeError(`${op}: in_proj_weight ${fmtShape(W.shape)} does not fit embedDim ${e}: expected [${3 * e}, ${e}]`);
    if (key.shape[key.ndim - 1] !== e || value.shape[value.ndim - 1] !== e) {
      throw new ShapeError(`${op}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have ${e} features (give kdim/vdim to the layer for other widths)`);
    }
    if (selfAttn) {
      // one GEMM; q, k, v are views of its [N, L, 3, H, hd] output
      const qkv = linear(q0, W, w.inProjBias).reshape([n, l, 3, H, hd]).permute(2, 0, 3, 1, 4);
      q = qkv.select(0, 0);
      k = qkv.select(0, 1);
      v = qkv.select(0, 2);
    } else {
      q = heads(linear(q0, W.narrow(0, 0, e), bq), l);
      if (kvSame) {
        const bkv = w.inProjBias === null ? null : w.inProjBias.narrow(0, e, 2 * e);
        const kv = linear(k0, W.narrow(0, e, 2 * e), bkv).reshape([n, s, 2, H, hd]).permute(2, 0, 3, 1, 4);
        k = kv.select(0, 0);
        v = kv.select(0, 1);
      } else {
        k = heads(linear(k0, W.narrow(0, e, e), bk), s);
        v = heads(linear(v0, W.narrow(0, 2 * e, e), bv), s);
      }
    }
  } else {
    const { qProjWeight: Wq, kProjWeight: Wk, vProjWeight: Wv } = w;
    if (!Wq || !Wk || !Wv) throw new NablaError(`${op}: without in_proj_weight, q_proj_weight, k_proj_weight and v_proj_weight are required`);
    const fits = (W: Tensor, t: Tensor, name: string): void => {
      if (W.ndim !== 2 || W.shape[0] !== e || W.shape[1] !== t.shape[t.ndim - 1]) {
        throw new ShapeError(`${op}: ${name} ${fmtShape(W.shape)} does not fit an input of ${t.shape[t.ndim - 1]} features (expected [${e}, ${t.shape[t.ndim - 1]}])`);
      }
    };
    fits(Wq, query, 'q_proj_weight');
    fits(Wk, key, 'k_proj_weight');
    fits(Wv, value, 'v_proj_weight');
    q = heads(linear(q0, Wq, bq), l);
    k = heads(linear(k0, Wk, bk), s);
    v = heads(linear(v0, Wv, bv), s);
  }

  // ---- one additive mask broadcastable to [N, H, L, S]
  const mask = combinedMask(op, opts, batched, n, H, l, s, d);
  const training = opts.training ?? true;
  const { out, weights } = attend(q, k, v, {
    mask,
    causal: opts.isCausal ?? false,
    scale: 1 / Math.sqrt(hd),
    dropoutP: training ? (opts.dropoutP ?? 0) : 0,
    needWeights: opts.needWeights ?? true,
    generator: opts.generator,
    composed: opts.composed,
  });
  // heads back together: [N, H, L, hd] -> [N, L, E] (a view for the fused op's output)
  const merged = out.permute(0, 2, 1, 3).reshape([n, l, e]);
  let y = linear(merged, w.outProjWeight, w.outProjBias);
  y = !batched ? y.squeeze(0) : batchFirst ? y : y.transpose(0, 1);
  let wts: Tensor | null = null;
  if (weights !== null) {
    wts = (opts.averageAttnWeights ?? true) ? weights.sum(1).div(H) : weights;
    if (!batched) wts = wts.squeeze(0);
  }
  return [y, wts];
}

function combinedMask(
  op: string, opts: MultiheadAttentionOptions, batched: boolean, n: number, H: number, l: number, s: number, d: FloatDType,
): Tensor | null {
  const asFloat = (m: Tensor, what: string): Tensor => {
    if (!(m instanceof Tensor)) throw new NablaError(`${op}: ${what} must be a Tensor or null, got ${typeof m}`);
    if (m.dtype === 'bool') return additiveMask(m, d);
    if (!isFloat(m.dtype)) throw new DTypeError(`${op}: ${what} must be boolean or floating-point, got ${m.dtype}`);
    return m.dtype === d ? m : m.to(d);
  };
  let mask: Tensor | null = null;
  const am = opts.attnMask ?? null;
  if (am !== null) {
    const m = asFloat(am, 'attnMask');
    if (m.ndim === 2) {
      if (m.shape[0] !== l || m.shape[1] !== s) throw new ShapeError(`${op}: the 2-D attnMask is ${fmtShape(m.shape)}, but should be [${l}, ${s}]`);
      mask = m;
    } else if (m.ndim === 3) {
      if (m.shape[0] !== n * H || m.shape[1] !== l || m.shape[2] !== s) {
        throw new ShapeError(`${op}: the 3-D attnMask is ${fmtShape(m.shape)}, but should be [${n * H}, ${l}, ${s}] (batch * numHeads, L, S)`);
      }
      mask = m.reshape([n, H, l, s]);
    } else throw new ShapeError(`${op}: attnMask must be 2-D or 3-D, got ${fmtShape(m.shape)}`);
  }
  const kpm = opts.keyPaddingMask ?? null;
  if (kpm !== null) {
    const m = asFloat(kpm, 'keyPaddingMask');
    const want = batched ? [n, s] : [s];
    if (m.ndim !== want.length || m.shape.some((x, i) => x !== want[i])) {
      throw new ShapeError(`${op}: keyPaddingMask is ${fmtShape(m.shape)}, but should be [${want.join(', ')}]`);
    }
    const m4 = m.reshape([n, 1, 1, s]);
    mask = mask === null ? m4 : mask.add(m4);
  }
  return mask;
}
