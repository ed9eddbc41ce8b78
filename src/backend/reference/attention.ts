/**
 * Reference attention kernels (the contract is in AttentionArgs, src/backend/types.ts):
 *
 *   s_ij = scale q_i . k_j + mask_ij  (-inf for j > i when causal),  p_ij = softmax_j(s_ij),  out_i = sum_j p_ij v_j
 *
 * Readable loops that still never hold the l x s score matrix: each query row walks its keys once
 * with an online softmax (Milakov & Gimelshein, 2018): a running maximum m, a running sum
 * l = sum_j exp(s_ij - m) and an accumulator acc = sum_j exp(s_ij - m) v_j; when a score raises m,
 * l and acc are rescaled by exp(m_old - m_new). Then out_i = acc / l and lse_i = m + log l.
 * The backward recomputes p_ij = exp(s_ij - lse_i) from the saved log-sum-exp
 * (FlashAttention-2's backward, one row and one key at a time).
 */
import type { AttentionArgs, AttentionBackwardArgs, HeadView, Strided } from '../types.js';

const at = (t: HeadView, b: number, h: number, i: number): number => t.offset + b * t.strides[0] + h * t.strides[1] + i * t.strides[2];

function dot(a: HeadView, ao: number, b: HeadView, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a.data[ao + c]! * b.data[bo + c]!;
  return s;
}

/** The additive mask at (b, h, i, j), 0 without a mask. */
function maskAt(m: Strided | null, b: number, h: number, i: number, j: number): number {
  if (m === null) return 0;
  const st = m.strides;
  return m.data[m.offset + b * st[0]! + h * st[1]! + i * st[2]! + j * st[3]!]!;
}

export function attentionForward(a: AttentionArgs): void {
  const { batch, heads, l, s, d, dv, q, k, v, mask, causal, scale, out, lse } = a;
  const acc = new Float64Array(dv);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < l; i++) {
        const qo = at(q, b, h, i);
        const end = causal ? Math.min(s, i + 1) : s;
        let m = -Infinity;
        let sum = 0;
        acc.fill(0);
        for (let j = 0; j < end; j++) {
          const sij = scale * dot(q, qo, k, at(k, b, h, j), d) + maskAt(mask, b, h, i, j);
          if (sij === -Infinity) continue; // contributes exp(-inf) = 0
          if (sij > m) {
            const r = Math.exp(m - sij); // 0 on the first finite score
            sum *= r;
            for (let c = 0; c < dv; c++) acc[c]! *= r;
            m = sij;
          }
          const p = Math.exp(sij - m);
          sum += p;
          const vo = at(v, b, h, j);
          for (let c = 0; c < dv; c++) acc[c]! += p * v.data[vo + c]!;
        }
        const oo = at(out, b, h, i);
        // sum = 0: every score was -inf, softmax is 0/0 = NaN (as PyTorch's)
        for (let c = 0; c < dv; c++) out.data[oo + c] = sum === 0 ? NaN : acc[c]! / sum;
        lse[(b * heads + h) * l + i] = sum === 0 ? NaN : m + Math.log(sum);
      }
    }
  }
}

function zero(t: HeadView, batch: number, heads: number, rows: number, width: number): void {
  for (let b = 0; b < batch; b++) for (let h = 0; h < heads; h++) for (let i = 0; i < rows; i++) t.data.fill(0, at(t, b, h, i), at(t, b, h, i) + width);
}

export function attentionBackward(a: AttentionBackwardArgs): void {
  const { batch, heads, l, s, d, dv, q, k, v, mask, causal, scale, out, lse, g } = a;
  zero(a.gradQ, batch, heads, l, d);
  zero(a.gradK, batch, heads, s, d);
  zero(a.gradV, batch, heads, s, dv);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < l; i++) {
        const qo = at(q, b, h, i);
        const go = at(g, b, h, i);
        const dqo = at(a.gradQ, b, h, i);
        const D = dot(g, go, out, at(out, b, h, i), dv);
        const L = lse[(b * heads + h) * l + i]!;
        const end = causal ? Math.min(s, i + 1) : s;
        for (let j = 0; j < end; j++) {
          const ko = at(k, b, h, j);
          const vo = at(v, b, h, j);
          const p = Math.exp(scale * dot(q, qo, k, ko, d) + maskAt(mask, b, h, i, j) - L);
          const dvo = at(a.gradV, b, h, j);
          for (let c = 0; c < dv; c++) a.gradV.data[dvo + c]! += p * g.data[go + c]!;
          const ds = p * (dot(g, go, v, vo, dv) - D) * scale;
          const dko = at(a.gradK, b, h, j);
          for (let c = 0; c < d; c++) {
            a.gradQ.data[dqo + c]! += ds * k.data[ko + c]!;
            a.gradK.data[dko + c]! += ds * q.data[qo + c]!;
          }
        }
      }
    }
  }
}
