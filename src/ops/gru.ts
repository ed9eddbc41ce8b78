/**
 * A fused GRU recurrence over a whole sequence: one autograd node for all T steps with a
 * hand-written backward, for the same reason as `lstmSequence` (src/ops/lstm.ts): composed from
 * Tensor ops, each step records many small ops and slicing step t out of the input projection
 * has an O(T^2) backward; fused, each step is one GEMM plus one pointwise pass.
 *
 * The math (PyTorch's gate order r, z, n; `xg` holds x_t W_ih^T + b_ih; b_hn stays inside the
 * r product, which is why b_hh is passed separately):
 *
 *   p_t = h_{t-1} W_hh^T + b_hh                    [B, 3H], split into p_r, p_z, p_n
 *   r = sigma(xg_r + p_r)   z = sigma(xg_z + p_z)   n = tanh(xg_n + r * p_n)
 *   h_t = (1 - z) * n + z * h_{t-1}
 *
 * Backward with dh = dJ/dh_t (from the output and from step t+1):
 *
 *   dn = dh (1-z)          da_n = dn (1-n^2)        dr = da_n * p_n
 *   da_r = dr r(1-r)       da_z = dh (h_{t-1} - n) z(1-z)
 *   dJ/dxg_t = [da_r, da_z, da_n]       dJ/dp_t = [da_r, da_z, da_n * r]
 *   dJ/dh_{t-1} = dh * z + dJ/dp_t W_hh
 *   dJ/dW_hh = sum_t dJ/dp_t^T h_{t-1}     dJ/db_hh = sum_{t,b} dJ/dp_t
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, ShapeError, fmtShape } from '../core/errors.js';
import { type TypedArray, allocate, isFloat } from '../core/dtype.js';
import { empty, result } from './result.js';
import { gemmAt, transposed } from './lstm.js';

function dataOf(t: Tensor): TypedArray {
  return t.detach()._contiguousData();
}

/** 1 / (1 + e^-x): exact enough in doubles for every x (e^-x overflows to Infinity, giving 0). */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Runs the GRU recurrence over a precomputed input projection.
 *
 * @param xg   [T, B, 3H]: x_t W_ih^T + b_ih (time order)
 * @param wHh  [3H, H]
 * @param bHh  [3H] or null
 * @param h0   [B, H]
 * @param reverse  process t = T-1 .. 0; outputs stay at their time positions
 * @returns h_t for every t, [T, B, H]
 */
export function gruSequence(xg: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, reverse = false): Tensor {
  if (xg.ndim !== 3 || xg.shape[2]! % 3 !== 0) throw new ShapeError(`gruSequence: xg must be [T, B, 3H], got ${fmtShape(xg.shape)}`);
  const [T, Bn, H3] = xg.shape as [number, number, number];
  const H = H3 / 3;
  const checks: [string, Tensor | null, number[]][] = [['wHh', wHh, [H3, H]], ['bHh', bHh, [H3]], ['h0', h0, [Bn, H]]];
  for (const [name, t, shape] of checks) {
    if (t === null) continue;
    if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`gruSequence: ${name} must be ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    }
    if (t.dtype !== xg.dtype) throw new DTypeError(`gruSequence: ${name} is ${t.dtype} but xg is ${xg.dtype}; use one float dtype`);
  }
  if (!isFloat(xg.dtype)) throw new DTypeError(`gruSequence: expected float tensors, got ${xg.dtype}`);
  const dtype = xg.dtype;
  const X = dataOf(xg);
  const W = dataOf(wHh);
  const Wt = transposed(W, H3, H);
  const bias = bHh === null ? null : dataOf(bHh);
  const h0d = dataOf(h0);
  const BH = Bn * H;
  const out = empty(dtype, [T, Bn, H]);
  const O = out.storage;
  const act = allocate(dtype, T * Bn * H3); // r, z, n per time position
  const pn = allocate(dtype, T * BH); // p_n (hidden projection of the n gate, with b_hn)
  const p = allocate(dtype, Bn * H3);
  const time = (s: number): number => (reverse ? T - 1 - s : s);

  for (let s = 0; s < T; s++) {
    const t = time(s);
    const tp = reverse ? t + 1 : t - 1;
    const hPrev = s === 0 ? h0d : O;
    const hOff = s === 0 ? 0 : tp * BH;
    if (bias === null) p.fill(0);
    else for (let b = 0; b < Bn; b++) p.set(bias, b * H3);
    gemmAt(Bn, H3, H, hPrev, hOff, H, false, Wt, 0, H3, false, p, 0, H3, 1);
    const gOff = t * Bn * H3;
    for (let b = 0; b < Bn; b++) {
      const gr = gOff + b * H3;
      const pr = b * H3;
      const hr = t * BH + b * H;
      const hp = hOff + b * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(X[gr + j]! + p[pr + j]!);
        const z = sigmoid(X[gr + H + j]! + p[pr + H + j]!);
        const pnj = p[pr + 2 * H + j]!;
        const n = Math.tanh(X[gr + 2 * H + j]! + r * pnj);
        act[gr + j] = r;
        act[gr + H + j] = z;
        act[gr + 2 * H + j] = n;
        pn[hr + j] = pnj;
        O[hr + j] = (1 - z) * n + z * hPrev[hp + j]!;
      }
    }
  }

  const inputs = bHh === null ? [xg, wHh, h0] : [xg, wHh, h0, bHh];
  return result('gruSequence', out, inputs, (grad) => {
    const G = dataOf(grad);
    const dxg = empty(dtype, [T, Bn, H3]);
    const D = dxg.storage;
    const dp = allocate(dtype, T * Bn * H3); // dJ/dp_t per time position
    let dh = allocate(dtype, BH);
    let dhNext = allocate(dtype, BH);
    for (let s = T - 1; s >= 0; s--) {
      const t = time(s);
      const tp = reverse ? t + 1 : t - 1;
      const hPrev = s === 0 ? h0d : O;
      const hOff = s === 0 ? 0 : tp * BH;
      const gOff = t * Bn * H3;
      for (let b = 0; b < Bn; b++) {
        const gr = gOff + b * H3;
        const hr = t * BH + b * H;
        const hp = hOff + b * H;
        for (let j = 0; j < H; j++) {
          const k = b * H + j;
          const r = act[gr + j]!;
          const z = act[gr + H + j]!;
          const n = act[gr + 2 * H + j]!;
          const dht = G[hr + j]! + dh[k]!;
          const dan = dht * (1 - z) * (1 - n * n);
          const dar = dan * pn[hr + j]! * r * (1 - r);
          const daz = dht * (hPrev[hp + j]! - n) * z * (1 - z);
          D[gr + j] = dar;
          D[gr + H + j] = daz;
          D[gr + 2 * H + j] = dan;
          dp[gr + j] = dar;
          dp[gr + H + j] = daz;
          dp[gr + 2 * H + j] = dan * r;
          dhNext[k] = dht * z;
        }
      }
      // dJ/dh_{t-1} = dh * z + dJ/dp_t W_hh
      gemmAt(Bn, H, H3, dp, gOff, H3, false, W, 0, H, false, dhNext, 0, H, 1);
      const tmp = dh;
      dh = dhNext;
      dhNext = tmp;
    }
    let dW: Tensor | null = null;
    if (wHh.requiresGrad) {
      dW = empty(dtype, [H3, H]);
      const first = time(0);
      const rest = (T - 1) * Bn;
      const dOff = reverse ? 0 : Bn * H3;
      const hOff = reverse ? BH : 0;
      if (rest > 0) gemmAt(H3, H, rest, dp, dOff, H3, true, O, hOff, H, false, dW.storage, 0, H, 0);
      gemmAt(H3, H, Bn, dp, first * Bn * H3, H3, true, h0d, 0, H, false, dW.storage, 0, H, 1);
    }
    let db: Tensor | null = null;
    if (bHh !== null && bHh.requiresGrad) {
      db = empty(dtype, [H3]);
      const s = db.storage;
      for (let row = 0; row < T * Bn; row++) for (let j = 0; j < H3; j++) s[j] = s[j]! + dp[row * H3 + j]!;
    }
    const grads = [xg.requiresGrad ? dxg : null, dW, h0.requiresGrad ? new Tensor(dh, [Bn, H]) : null];
    return bHh === null ? grads : [...grads, db];
  }, { reverse });
}
