/**
 * An LSTM layer read off the tape. nabla runs the recurrence as one fused op, `lstmSequence`
 * (src/ops/lstm.ts), whose forward event holds its inputs [xg, W_hh, h_0, c_0] (xg_t =
 * W_ih x_t + b_ih + b_hh for every step, from the `matmul`/`add` events before it) and whose
 * output holds every h_t and c_t; its backward event holds dJ/dh_t, dJ/dc_t arriving from outside
 * and the op's own dJ/dz_t for every step. The gates live only inside the fused kernel, so explain
 * recomputes them in float64 from the recorded xg_t, h_{t-1}, c_{t-1} and W_hh with the layer's
 * equations (PyTorch's gate order i, f, g, o):
 *
 *   z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh = [z_i; z_f; z_g; z_o]
 *   i_t = sigma(z_i)  f_t = sigma(z_f)  g_t = tanh(z_g)  o_t = sigma(z_o)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t        h_t = o_t ⊙ tanh(c_t)
 *
 * and checks that c_t and h_t come out as the layer's outputs (`maxForwardError`). Backpropagation
 * through time, walking t = T .. 1 (dJ/dh_t and dJ/dc_t include every path, through later steps too):
 *
 *   dJ/dh_t = (dJ/dh_t from the layer's output) + W_hh^T delta_{t+1}
 *   dJ/dc_t = dJ/dh_t ⊙ o_t ⊙ (1 - tanh^2 c_t) + dJ/dc_{t+1} ⊙ f_{t+1}   (+ dJ/dc_T from outside)
 *   delta_t = dJ/dz_t = [dJ/dc_t ⊙ g_t ⊙ i_t(1-i_t);  dJ/dc_t ⊙ c_{t-1} ⊙ f_t(1-f_t);
 *                        dJ/dc_t ⊙ i_t ⊙ (1-g_t^2);   dJ/dh_t ⊙ tanh(c_t) ⊙ o_t(1-o_t)]
 *   dJ/dW_ih = sum_t delta_t x_t^T,  dJ/dW_hh = sum_t delta_t h_{t-1}^T,  dJ/db_ih = dJ/db_hh = sum_t delta_t
 *
 * The delta_t shown are the fused op's own (from its backward event), the gradients are `.grad`;
 * the recomputed delta_t are kept beside them (`maxDeltaError`).
 */
import type { Tensor } from '../core/tensor.js';
import type { BackwardEvent, ForwardEvent } from '../core/events.js';
import { NablaError } from '../core/errors.js';
import type { Tape } from './tape.js';
import { snapshot, snapshotOf, type TensorSnapshot } from './snapshot.js';
import type { LSTMBackStep, LSTMForwardStep, LSTMStep } from './types.js';

export interface FoundLSTM {
  event: ForwardEvent;
  /** [T*B, F]: the inputs x_t, time-major */
  inputs: Tensor;
  Wih: Tensor;
  Whh: Tensor;
  bih: Tensor | null;
  bhh: Tensor | null;
  xg: Tensor;
  h0: Tensor;
  c0: Tensor;
  /** [2, T, B, H]: h_t at [0, t], c_t at [1, t] */
  hc: Tensor;
  reverse: boolean;
}

/** The fused LSTM layers (one per layer and direction) of the forward pass, in order. */
export function findLSTMs(tape: Tape): FoundLSTM[] {
  const out: FoundLSTM[] = [];
  for (const e of tape.events) {
    if (e.op !== 'lstmSequence' || e.inputs.length !== 4) continue;
    const [xg, wHh, h0, c0] = e.inputs as [Tensor, Tensor, Tensor, Tensor];
    let pre = tape.viewRoot(xg);
    let bih: Tensor | null = null;
    let bhh: Tensor | null = null;
    const lin = tape.producer.get(pre);
    if (lin !== undefined && lin.op === 'linear') {
      // xg = x W_ih^T + b in one op; b is b_ih, or b_ih + b_hh summed beforehand
      const Wih = tape.leafBehind(lin.inputs[1]!);
      if (Wih === null) continue;
      const bias = lin.inputs[2];
      if (bias !== undefined) [bih, bhh] = biasLeaves(tape, bias);
      out.push({
        event: e, inputs: lin.inputs[0]!, Wih, Whh: tape.leafBehind(wHh) ?? wHh, bih, bhh, xg, h0, c0,
        hc: e.output, reverse: e.attrs?.['reverse'] === true,
      });
      continue;
    }
    const add = tape.producer.get(pre);
    if (add !== undefined && add.op === 'add' && add.inputs.length === 2) {
      const [u, v] = add.inputs as [Tensor, Tensor];
      const isMm = (t: Tensor): boolean => tape.producer.get(tape.viewRoot(t))?.op === 'matmul';
      const [mm, bias] = isMm(u) ? [u, v] : [v, u];
      [bih, bhh] = biasLeaves(tape, bias);
      pre = tape.viewRoot(mm);
    }
    const mm = tape.producer.get(pre);
    if (mm === undefined || mm.op !== 'matmul' || mm.inputs.length !== 2) continue;
    const Wih = tape.leafBehind(mm.inputs[1]!);
    if (Wih === null) continue;
    out.push({
      event: e,
      inputs: mm.inputs[0]!,
      Wih,
      Whh: tape.leafBehind(wHh) ?? wHh,
      bih,
      bhh,
      xg,
      h0,
      c0,
      hc: e.output,
      reverse: e.attrs?.['reverse'] === true,
    });
  }
  return out;
}

/** The bias leaves behind an LSTM's input-projection bias: b_ih alone, or the sum b_ih + b_hh. */
function biasLeaves(tape: Tape, bias: Tensor): [Tensor | null, Tensor | null] {
  const leaf = tape.leafBehind(bias);
  if (leaf !== null) return [leaf, null];
  const sum = tape.producer.get(bias);
  if (sum !== undefined && sum.op === 'add' && sum.inputs.length === 2) return [tape.leafBehind(sum.inputs[0]!), tape.leafBehind(sum.inputs[1]!)];
  return [null, null];
}

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

export interface ParamGrad {
  data: TensorSnapshot;
  l2: TensorSnapshot | null;
  total: TensorSnapshot;
}

/** Copies out one LSTM layer's step: per-time-step gates and states, and BPTT. */
export function recordLSTM(
  f: FoundLSTM,
  index: number,
  bwd: readonly BackwardEvent[],
  before: Map<Tensor, TensorSnapshot>,
  names: { Wih: string; Whh: string; bih: string | null; bhh: string | null },
  grads: { Wih: ParamGrad; Whh: ParamGrad; bih: TensorSnapshot | null; bhh: TensorSnapshot | null },
): LSTMStep {
  const [T, B, H4] = f.xg.shape as [number, number, number];
  const H = H4 / 4;
  const F = f.inputs.shape[1]!;
  const X = Array.from(f.inputs.data(), Number);
  const XG = Array.from(f.xg.data(), Number);
  const HC = Array.from(f.hc.data(), Number);
  const Whh = before.get(f.Whh) ?? snapshot(f.Whh);
  const W = Whh.data; // [4H, H]
  const h0 = snapshot(f.h0);
  const c0 = snapshot(f.c0);
  const BH = B * H;
  const hAt = (t: number): number[] => HC.slice(t * BH, (t + 1) * BH);
  const cAt = (t: number): number[] => HC.slice(T * BH + t * BH, T * BH + (t + 1) * BH);
  const order = Array.from({ length: T }, (_, s) => (f.reverse ? T - 1 - s : s));
  const snap = (cols: number, v: number[]): TensorSnapshot => snapshotOf([B, cols], v);

  const fwd: LSTMForwardStep[] = [];
  let maxForwardError = 0;
  order.forEach((t, s) => {
    const tp = order[s - 1];
    const hPrev = tp === undefined ? h0.data : hAt(tp);
    const cPrev = tp === undefined ? c0.data : cAt(tp);
    const z = new Array<number>(B * H4);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < H4; r++) {
        let acc = XG[(t * B + b) * H4 + r]!;
        for (let k = 0; k < H; k++) acc += hPrev[b * H + k]! * W[r * H + k]!;
        z[b * H4 + r] = acc;
      }
    }
    const gate = (g: number, fn: (v: number) => number): number[] => {
      const v: number[] = [];
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) v.push(fn(z[b * H4 + g * H + j]!));
      return v;
    };
    const i = gate(0, sigmoid);
    const fg = gate(1, sigmoid);
    const g = gate(2, Math.tanh);
    const o = gate(3, sigmoid);
    const cRec = cAt(t);
    const hRec = hAt(t);
    const cJs = cPrev.map((cp, k) => fg[k]! * cp + i[k]! * g[k]!);
    const tanhC = cJs.map(Math.tanh);
    const hJs = tanhC.map((tc, k) => o[k]! * tc);
    for (let k = 0; k < BH; k++) maxForwardError = Math.max(maxForwardError, Math.abs(cJs[k]! - cRec[k]!), Math.abs(hJs[k]! - hRec[k]!));
    fwd.push({
      t: t + 1,
      x: snap(F, X.slice(t * B * F, (t + 1) * B * F)),
      hPrev: snap(H, hPrev),
      cPrev: snap(H, cPrev),
      z: snap(H4, z),
      i: snap(H, i),
      f: snap(H, fg),
      g: snap(H, g),
      o: snap(H, o),
      tanhC: snap(H, cRec.map(Math.tanh)),
      c: snap(H, cRec),
      h: snap(H, hRec),
    });
  });

  const be = bwd.find((e) => e.op === 'lstmSequence' && e.output === f.hc);
  if (be === undefined) throw new NablaError('explain: the LSTM layer received no gradient (is its output used by the loss?)');
  const G = Array.from(be.grad.data(), Number);
  const dxgT = be.inputGrads[0];
  const DZ = dxgT === null || dxgT === undefined ? null : Array.from(dxgT.data(), Number);
  const back: LSTMBackStep[] = [];
  let carryH = new Array<number>(BH).fill(0);
  let carryC = new Array<number>(BH).fill(0);
  let maxDeltaError = 0;
  for (let s = T - 1; s >= 0; s--) {
    const t = order[s]!;
    const st = fwd[s]!;
    const dhOut = G.slice(t * BH, (t + 1) * BH);
    const dcOut = G.slice(T * BH + t * BH, T * BH + (t + 1) * BH);
    const dh = dhOut.map((v, k) => v + carryH[k]!);
    const viaH = dh.map((v, k) => v * st.o.data[k]! * (1 - st.tanhC.data[k]! ** 2));
    const dc = dcOut.map((v, k) => v + viaH[k]! + carryC[k]!);
    const dzJs = new Array<number>(B * H4);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const [iv, fv, gv, ov] = [st.i.data[k]!, st.f.data[k]!, st.g.data[k]!, st.o.data[k]!];
        dzJs[b * H4 + j] = dc[k]! * gv * iv * (1 - iv);
        dzJs[b * H4 + H + j] = dc[k]! * st.cPrev.data[k]! * fv * (1 - fv);
        dzJs[b * H4 + 2 * H + j] = dc[k]! * iv * (1 - gv * gv);
        dzJs[b * H4 + 3 * H + j] = dh[k]! * st.tanhC.data[k]! * ov * (1 - ov);
      }
    }
    const dz = DZ === null ? dzJs : DZ.slice(t * B * H4, (t + 1) * B * H4);
    dzJs.forEach((v, k) => (maxDeltaError = Math.max(maxDeltaError, Math.abs(v - dz[k]!))));
    back.push({
      t: t + 1,
      dhOut: snap(H, dhOut),
      dhNext: snap(H, carryH),
      dh: snap(H, dh),
      dcOut: snap(H, dcOut),
      dcViaH: snap(H, viaH),
      dcNext: snap(H, carryC),
      dc: snap(H, dc),
      delta: snap(H4, dz),
    });
    // to step t-1: W_hh^T delta_t and dJ/dc_t ⊙ f_t
    const nh = new Array<number>(BH).fill(0);
    for (let b = 0; b < B; b++) for (let r = 0; r < H4; r++) for (let j = 0; j < H; j++) nh[b * H + j] += dz[b * H4 + r]! * W[r * H + j]!;
    carryH = nh;
    carryC = dc.map((v, k) => v * st.f.data[k]!);
  }

  return {
    index,
    names,
    reverse: f.reverse,
    steps: T,
    batch: B,
    inputSize: F,
    hiddenSize: H,
    Wih: before.get(f.Wih) ?? snapshot(f.Wih),
    Whh,
    bih: f.bih === null ? null : (before.get(f.bih) ?? snapshot(f.bih)),
    bhh: f.bhh === null ? null : (before.get(f.bhh) ?? snapshot(f.bhh)),
    h0,
    c0,
    forward: fwd,
    backward: back,
    dh0: snap(H, carryH),
    dc0: snap(H, carryC),
    grads,
    maxForwardError,
    maxDeltaError,
    newWih: grads.Wih.total, // replaced after the update
    newWhh: grads.Whh.total,
    newBih: null,
    newBhh: null,
  };
}
