/**
 * Reference recurrent-cell kernels: the pointwise gate math of one LSTM / GRU time step and its
 * backward, as plain loops in doubles. The recurrent GEMMs stay with the caller (src/ops/lstm.ts,
 * src/ops/gru.ts); the formulas are in the docs of LstmCellArgs etc. (src/backend/types.ts).
 */
import type { GruCellArgs, GruCellBackwardArgs, LstmCellArgs, LstmCellBackwardArgs } from '../types.js';

/** 1 / (1 + e^-x): exact enough in doubles for every x (e^-x overflows to Infinity, giving 0). */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function lstmCellForward(p: LstmCellArgs): void {
  const { batch, hidden: H, gates: A, cPrev, c: C, h: Hs, tanhC: TC } = p;
  for (let b = 0; b < batch; b++) {
    const gr = p.gatesOffset + b * 4 * H;
    const pr = p.cPrevOffset + b * H;
    const cr = p.cOffset + b * H;
    const hr = p.hOffset + b * H;
    const tr = p.tanhCOffset + b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(A[gr + j]!);
      const f = sigmoid(A[gr + H + j]!);
      const g = Math.tanh(A[gr + 2 * H + j]!);
      const o = sigmoid(A[gr + 3 * H + j]!);
      A[gr + j] = i;
      A[gr + H + j] = f;
      A[gr + 2 * H + j] = g;
      A[gr + 3 * H + j] = o;
      const c = f * cPrev[pr + j]! + i * g;
      const tc = Math.tanh(c);
      C[cr + j] = c;
      TC[tr + j] = tc;
      Hs[hr + j] = o * tc;
    }
  }
}

export function lstmCellBackward(p: LstmCellBackwardArgs): void {
  const { batch, hidden: H, gates: A, tanhC: TC, cPrev, gradH, gradC, dh, dc, dGates: D } = p;
  for (let b = 0; b < batch; b++) {
    const gr = p.gatesOffset + b * 4 * H;
    const dr = p.dGatesOffset + b * 4 * H;
    const tr = p.tanhCOffset + b * H;
    const pr = p.cPrevOffset + b * H;
    const ghr = p.gradHOffset + b * H;
    const gcr = p.gradCOffset + b * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const i = A[gr + j]!;
      const f = A[gr + H + j]!;
      const g = A[gr + 2 * H + j]!;
      const o = A[gr + 3 * H + j]!;
      const tc = TC[tr + j]!;
      const dht = gradH[ghr + j]! + dh[k]!;
      const dct = gradC[gcr + j]! + dc[k]! + dht * o * (1 - tc * tc);
      D[dr + j] = dct * g * i * (1 - i);
      D[dr + H + j] = dct * cPrev[pr + j]! * f * (1 - f);
      D[dr + 2 * H + j] = dct * i * (1 - g * g);
      D[dr + 3 * H + j] = dht * tc * o * (1 - o);
      dc[k] = dct * f;
    }
  }
}

export function gruCellForward(q: GruCellArgs): void {
  const { batch, hidden: H, x: X, p: P, hPrev, h: Hs, act, pn } = q;
  for (let b = 0; b < batch; b++) {
    const xr = q.xOffset + b * 3 * H;
    const pr = b * 3 * H;
    const ar = q.actOffset + b * 3 * H;
    const hp = q.hPrevOffset + b * H;
    const hr = q.hOffset + b * H;
    const nr = q.pnOffset + b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(X[xr + j]! + P[pr + j]!);
      const z = sigmoid(X[xr + H + j]! + P[pr + H + j]!);
      const pnj = P[pr + 2 * H + j]!;
      const n = Math.tanh(X[xr + 2 * H + j]! + r * pnj);
      act[ar + j] = r;
      act[ar + H + j] = z;
      act[ar + 2 * H + j] = n;
      pn[nr + j] = pnj;
      Hs[hr + j] = (1 - z) * n + z * hPrev[hp + j]!;
    }
  }
}

export function gruCellBackward(q: GruCellBackwardArgs): void {
  const { batch, hidden: H, act, pn, hPrev, gradH, dh, dx, dp, dhPrev } = q;
  for (let b = 0; b < batch; b++) {
    const ar = q.actOffset + b * 3 * H;
    const xr = q.dxOffset + b * 3 * H;
    const dr = q.dpOffset + b * 3 * H;
    const nr = q.pnOffset + b * H;
    const hp = q.hPrevOffset + b * H;
    const gr = q.gradHOffset + b * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const r = act[ar + j]!;
      const z = act[ar + H + j]!;
      const n = act[ar + 2 * H + j]!;
      const dht = gradH[gr + j]! + dh[k]!;
      const dan = dht * (1 - z) * (1 - n * n);
      const dar = dan * pn[nr + j]! * r * (1 - r);
      const daz = dht * (hPrev[hp + j]! - n) * z * (1 - z);
      dx[xr + j] = dar;
      dx[xr + H + j] = daz;
      dx[xr + 2 * H + j] = dan;
      dp[dr + j] = dar;
      dp[dr + H + j] = daz;
      dp[dr + 2 * H + j] = dan * r;
      dhPrev[k] = dht * z;
    }
  }
}
