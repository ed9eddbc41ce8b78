/**
 * A fused GRU recurrence over a whole sequence: one autograd node for all T steps with a
 * hand-written backward, for the same reason as `lstmSequence` (src/ops/lstm.ts): composed from
 * Tensor ops, each step records many small ops and slicing step t out of the input projection
 * has an O(T^2) backward; fused, each step is one GEMM plus one call of the backend's
 * `gruCellForward` (backward: `gruCellBackward` plus one GEMM), with no allocation per step.
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
import { noteWrite } from '../core/residency.js';
import { B } from '../backend/registry.js';
import type { GruCellArgs, GruCellBackwardArgs } from '../backend/types.js';
import { empty, result } from './result.js';
import { gemmAt, transposed } from './lstm.js';

function dataOf(t: Tensor): TypedArray {
  return t.detach()._contiguousData();
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
  const O = out._storage;
  const act = allocate(dtype, T * Bn * H3); // r, z, n per time position
  const pn = allocate(dtype, T * BH); // p_n (hidden projection of the n gate, with b_hn)
  const p = allocate(dtype, Bn * H3);
  const time = (s: number): number => (reverse ? T - 1 - s : s);

  const cell: GruCellArgs = {
    batch: Bn, hidden: H, x: X, xOffset: 0, p, hPrev: h0d, hPrevOffset: 0, h: O, hOffset: 0,
    act, actOffset: 0, pn, pnOffset: 0,
  };
  const kernels = B();
  for (let s = 0; s < T; s++) {
    const t = time(s);
    const tp = reverse ? t + 1 : t - 1;
    const hPrev = s === 0 ? h0d : O;
    const hOff = s === 0 ? 0 : tp * BH;
    if (bias === null) p.fill(0);
    else for (let b = 0; b < Bn; b++) p.set(bias, b * H3);
    noteWrite(p); // (p is read by the kernels of every step)
    gemmAt(Bn, H3, H, hPrev, hOff, H, false, Wt, 0, H3, false, p, 0, H3, 1);
    const gOff = t * Bn * H3;
    cell.xOffset = gOff;
    cell.actOffset = gOff;
    cell.hPrev = hPrev;
    cell.hPrevOffset = hOff;
    cell.hOffset = t * BH;
    cell.pnOffset = t * BH;
    kernels.gruCellForward(cell);
  }

  const inputs = bHh === null ? [xg, wHh, h0] : [xg, wHh, h0, bHh];
  return result('gruSequence', out, inputs, (grad) => {
    const G = dataOf(grad);
    const dxg = empty(dtype, [T, Bn, H3]);
    const D = dxg._storage;
    const dp = allocate(dtype, T * Bn * H3); // dJ/dp_t per time position
    let dh = allocate(dtype, BH);
    let dhNext = allocate(dtype, BH);
    const cell: GruCellBackwardArgs = {
      batch: Bn, hidden: H, act, actOffset: 0, pn, pnOffset: 0, hPrev: h0d, hPrevOffset: 0,
      gradH: G, gradHOffset: 0, dh, dx: D, dxOffset: 0, dp, dpOffset: 0, dhPrev: dhNext,
    };
    const kernels = B();
    for (let s = T - 1; s >= 0; s--) {
      const t = time(s);
      const tp = reverse ? t + 1 : t - 1;
      const gOff = t * Bn * H3;
      cell.actOffset = gOff;
      cell.dxOffset = gOff;
      cell.dpOffset = gOff;
      cell.pnOffset = t * BH;
      cell.gradHOffset = t * BH;
      cell.hPrev = s === 0 ? h0d : O;
      cell.hPrevOffset = s === 0 ? 0 : tp * BH;
      cell.dh = dh;
      cell.dhPrev = dhNext;
      kernels.gruCellBackward(cell); // dx_t, dp_t, and dhNext <- dh_t * z
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
      if (rest > 0) gemmAt(H3, H, rest, dp, dOff, H3, true, O, hOff, H, false, dW._storage, 0, H, 0);
      gemmAt(H3, H, Bn, dp, first * Bn * H3, H3, true, h0d, 0, H, false, dW._storage, 0, H, 1);
    }
    let db: Tensor | null = null;
    if (bHh !== null && bHh.requiresGrad) {
      db = empty(dtype, [H3]);
      const s = db._storage;
      for (let row = 0; row < T * Bn; row++) for (let j = 0; j < H3; j++) s[j] = s[j]! + dp[row * H3 + j]!;
    }
    const grads = [xg.requiresGrad ? dxg : null, dW, h0.requiresGrad ? new Tensor(dh, [Bn, H]) : null];
    return bHh === null ? grads : [...grads, db];
  }, { reverse });
}
