/**
 * Recurrent networks as functions: one step of each cell (`rnnCell`, `lstmCell`, `gruCell`,
 * composed from Tensor ops), whole multi-layer, optionally bidirectional layers (`rnn`, `lstm`,
 * `gru`), and the pieces sequence models need around them (`embedding`, `detachState`).
 *
 * Shapes follow PyTorch. Inside, sequences are [T, B, F] (T steps, batch B, F features); with
 * `batchFirst` the caller's input and output are [B, T, F], but hidden states are always
 * [numLayers * D, B, H] (D = 2 if bidirectional, else 1). A 2-D input [T, F] is one unbatched
 * sequence (then states are [numLayers * D, H]).
 *
 * Speed: each layer projects the input of all T steps at once (one GEMM
 * [T*B, F] x W_ih^T), then steps only the recurrence h_{t-1} W_hh^T. LSTM and GRU run the
 * recurrence as one fused op with a hand-written backward (src/ops/lstm.ts, src/ops/gru.ts);
 * the plain RNN is composed from Tensor ops.
 *
 * Cross-entropy over every time step: flatten time into the batch,
 *   const [y] = lstm(x);                       // [B, T, H] with batchFirst
 *   const logits = head.forward(y);            // [B, T, C]
 *   loss = crossEntropy(logits.reshape([-1, C]), targets.reshape([-1]))   // mean over B*T
 * (or permute logits to [B, C, T], the K-dimensional form of CrossEntropyLoss).
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, ShapeError, fmtShape } from '../core/errors.js';
import { cat, stack, where } from '../ops/indexing.js';
import { zeros } from '../ops/create.js';
import { dropout as dropoutFn } from './dropout.js';
import { lstmSequence } from '../ops/lstm.js';
import { gruSequence } from '../ops/gru.js';
import { linear } from '../ops/linear.js';

export type Nonlinearity = 'tanh' | 'relu';

/** The weights of one cell, or of one layer in one direction (PyTorch's gate-stacked layout). */
export interface CellWeights {
  /** [G*H, inputSize]; G = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n) */
  weightIh: Tensor;
  /** [G*H, H] */
  weightHh: Tensor;
  /** [G*H] or null */
  biasIh: Tensor | null;
  /** [G*H] or null */
  biasHh: Tensor | null;
}

// ------------------------------------------------------------------ cells

function cellCheck(name: string, x: Tensor, w: CellWeights, states: [string, Tensor | null | undefined][]): { batched: boolean; H: number } {
  const H = w.weightHh.shape[1]!;
  const inputSize = w.weightIh.shape[1]!;
  if (x.ndim !== 1 && x.ndim !== 2) {
    throw new ShapeError(`${name}: expected input [batch, ${inputSize}] or unbatched [${inputSize}], got ${x.ndim}-D ${fmtShape(x.shape)}`);
  }
  if (x.shape[x.ndim - 1] !== inputSize) {
    throw new ShapeError(`${name}: input feature size must be inputSize = ${inputSize}, got ${x.shape[x.ndim - 1]} in ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== w.weightIh.dtype) {
    throw new DTypeError(`${name}: input is ${x.dtype} but the weights are ${w.weightIh.dtype}; convert one (x.to('${w.weightIh.dtype}') or module.to('${x.dtype}'))`);
  }
  const batched = x.ndim === 2;
  const expected = batched ? [x.shape[0]!, H] : [H];
  for (const [sname, s] of states) {
    if (s === null || s === undefined) continue;
    if (s.ndim !== expected.length || s.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${name}: ${sname} must have shape ${fmtShape(expected)} (${batched ? '[batch, hiddenSize]' : '[hiddenSize] for an unbatched input'}), got ${fmtShape(s.shape)}`);
    }
  }
  return { batched, H };
}

/** x W_ih^T + b_ih and h W_hh^T + b_hh, the two affine maps every cell starts from. */
function affine(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  return linear(x, w, b); // one GEMM with the bias in its epilogue
}

function asBatch(t: Tensor | null | undefined, batched: boolean, shape: number[], like: Tensor): Tensor {
  if (t === null || t === undefined) return zeros(shape, { dtype: like.dtype });
  return batched ? t : t.unsqueeze(0);
}

/**
 * One step of an Elman RNN:  h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
 * x [B, in] (or [in]), h [B, H] (or [H]; zeros if omitted) -> h' of h's shape.
 */
export function rnnCell(x: Tensor, h: Tensor | null | undefined, w: CellWeights, nonlinearity: Nonlinearity = 'tanh'): Tensor {
  const { batched, H } = cellCheck('RNNCell', x, w, [['h', h]]);
  const xb = batched ? x : x.unsqueeze(0);
  const hb = asBatch(h, batched, [xb.shape[0]!, H], x);
  const a = affine(xb, w.weightIh, w.biasIh).add(affine(hb, w.weightHh, w.biasHh));
  const h1 = nonlinearity === 'relu' ? a.relu() : a.tanh();
  return batched ? h1 : h1.squeeze(0);
}

/**
 * One LSTM step (gate order i, f, g, o as PyTorch):
 *   a = x W_ih^T + b_ih + h W_hh^T + b_hh;   [a_i, a_f, a_g, a_o] = a split in 4 along features
 *   i = sigma(a_i), f = sigma(a_f), g = tanh(a_g), o = sigma(a_o)
 *   c' = f * c + i * g;   h' = o * tanh(c')
 * Returns [h', c'] (states default to zeros).
 */
export function lstmCell(x: Tensor, state: readonly [Tensor, Tensor] | null | undefined, w: CellWeights): [Tensor, Tensor] {
  const { batched, H } = cellCheck('LSTMCell', x, w, [['h', state?.[0]], ['c', state?.[1]]]);
  const xb = batched ? x : x.unsqueeze(0);
  const shape = [xb.shape[0]!, H];
  const h = asBatch(state?.[0], batched, shape, x);
  const c = asBatch(state?.[1], batched, shape, x);
  const a = affine(xb, w.weightIh, w.biasIh).add(affine(h, w.weightHh, w.biasHh));
  const i = a.narrow(1, 0, H).sigmoid();
  const f = a.narrow(1, H, H).sigmoid();
  const g = a.narrow(1, 2 * H, H).tanh();
  const o = a.narrow(1, 3 * H, H).sigmoid();
  const c1 = f.mul(c).add(i.mul(g));
  const h1 = o.mul(c1.tanh());
  return batched ? [h1, c1] : [h1.squeeze(0), c1.squeeze(0)];
}

/**
 * One GRU step (gate order r, z, n as PyTorch; b_hn stays inside the r product):
 *   [x_r, x_z, x_n] = x W_ih^T + b_ih;   [p_r, p_z, p_n] = h W_hh^T + b_hh
 *   r = sigma(x_r + p_r), z = sigma(x_z + p_z), n = tanh(x_n + r * p_n)
 *   h' = (1 - z) * n + z * h
 */
export function gruCell(x: Tensor, h: Tensor | null | undefined, w: CellWeights): Tensor {
  const { batched, H } = cellCheck('GRUCell', x, w, [['h', h]]);
  const xb = batched ? x : x.unsqueeze(0);
  const hb = asBatch(h, batched, [xb.shape[0]!, H], x);
  const gx = affine(xb, w.weightIh, w.biasIh);
  const gh = affine(hb, w.weightHh, w.biasHh);
  const r = gx.narrow(1, 0, H).add(gh.narrow(1, 0, H)).sigmoid();
  const z = gx.narrow(1, H, H).add(gh.narrow(1, H, H)).sigmoid();
  const n = gx.narrow(1, 2 * H, H).add(r.mul(gh.narrow(1, 2 * H, H))).tanh();
  const h1 = z.neg().add(1).mul(n).add(z.mul(hb));
  return batched ? h1 : h1.squeeze(0);
}

// ------------------------------------------------------------------ layers

export interface RecurrentOptions {
  /** stacked layers (default 1); `weights` holds numLayers * D entries, layer-major */
  numLayers?: number;
  /** run a second, reversed pass per layer and concatenate (default false) */
  bidirectional?: boolean;
  /** input and output are [batch, seq, feature] (hidden states are not) (default false) */
  batchFirst?: boolean;
  /** dropout probability on the outputs of every layer but the last (default 0) */
  dropout?: number;
  /** dropout is applied only when training (default true) */
  training?: boolean;
  /** the layer name used in error messages (default the function's) */
  name?: string;
}

export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: Nonlinearity;
}

type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

const GATES: Record<Kind, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

interface Prepared {
  xs: Tensor; // [T, B, F]
  T: number;
  B: number;
  H: number;
  D: number;
  L: number;
  batched: boolean;
}

function layout(batchFirst: boolean): string {
  return batchFirst ? '[batch, seq, feature] (batchFirst: true)' : '[seq, batch, feature] (batchFirst: false)';
}

function prepare(kind: Kind, name: string, x: Tensor, weights: readonly CellWeights[], opts: RecurrentOptions): Prepared {
  const L = opts.numLayers ?? 1;
  const D = opts.bidirectional ? 2 : 1;
  const batchFirst = opts.batchFirst ?? false;
  if (weights.length !== L * D) {
    throw new ShapeError(`${name}: expected ${L * D} weight sets (numLayers ${L} x ${D} direction${D > 1 ? 's' : ''}), got ${weights.length}`);
  }
  const w0 = weights[0]!;
  const H = w0.weightHh.shape[1]!;
  const inputSize = w0.weightIh.shape[1]!;
  if (w0.weightHh.shape[0] !== GATES[kind] * H) {
    throw new ShapeError(`${name}: weight_hh must be [${GATES[kind]}*hiddenSize, hiddenSize], got ${fmtShape(w0.weightHh.shape)}`);
  }
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(`${name}: expected a 3-D input ${layout(batchFirst)} or a 2-D unbatched input [seq, feature], with feature = inputSize = ${inputSize}; got ${x.ndim}-D ${fmtShape(x.shape)}`);
  }
  const batched = x.ndim === 3;
  if (x.shape[x.ndim - 1] !== inputSize) {
    const lay = batched ? layout(batchFirst) : '[seq, feature] (unbatched)';
    throw new ShapeError(`${name}: the input is read as ${lay}, so its last axis must be inputSize = ${inputSize}; got ${x.shape[x.ndim - 1]} in ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== w0.weightIh.dtype) {
    throw new DTypeError(`${name}: input is ${x.dtype} but the weights are ${w0.weightIh.dtype}; convert one (x.to('${w0.weightIh.dtype}') or module.to('${x.dtype}'))`);
  }
  let xs = batched ? (batchFirst ? x.transpose(0, 1) : x) : x.unsqueeze(1);
  const T = xs.shape[0]!;
  if (T === 0) throw new ShapeError(`${name}: the sequence is empty (input ${fmtShape(x.shape)}); it needs at least one step`);
  if (!xs.isContiguous()) xs = xs.contiguous();
  return { xs, T, B: xs.shape[1]!, H, D, L, batched };
}

/** Checks an initial state and returns it as [L*D, B, H] (zeros when omitted). */
function initialState(name: string, what: string, s: Tensor | null | undefined, p: Prepared, dtype: Tensor['dtype']): Tensor {
  const expected = p.batched ? [p.L * p.D, p.B, p.H] : [p.L * p.D, p.H];
  if (s === null || s === undefined) return zeros([p.L * p.D, p.B, p.H], { dtype });
  if (s.ndim !== expected.length || s.shape.some((d, i) => d !== expected[i])) {
    const lay = p.batched ? '[numLayers * numDirections, batch, hiddenSize]' : '[numLayers * numDirections, hiddenSize] for an unbatched input';
    throw new ShapeError(`${name}: ${what} must have shape ${fmtShape(expected)} ${lay}, got ${fmtShape(s.shape)}`);
  }
  if (s.dtype !== dtype) throw new DTypeError(`${name}: ${what} is ${s.dtype} but the input is ${dtype}`);
  return p.batched ? s : s.unsqueeze(1);
}

/**
 * The shared multi-layer, bidirectional driver. Per layer l and direction d:
 *   xg = inp W_ih^T + b_ih (+ b_hh for RNN and LSTM), all T steps in one GEMM
 *   then the recurrence over t (reversed for d = 1), and the directions' outputs concatenated.
 */
function recurrent(kind: Kind, name: string, x: Tensor, weights: readonly CellWeights[], h0: Tensor | null | undefined, c0: Tensor | null | undefined, opts: RecurrentOptions): { y: Tensor; hN: Tensor; cN: Tensor | null } {
  const p = prepare(kind, name, x, weights, opts);
  const { T, B, H, D, L } = p;
  const dtype = x.dtype;
  const H0 = initialState(name, kind === 'lstm' ? 'h0 (hidden[0])' : 'h0', h0, p, dtype);
  const C0 = kind === 'lstm' ? initialState(name, 'c0 (hidden[1])', c0, p, dtype) : null;
  const dropout = opts.dropout ?? 0;
  const training = opts.training ?? true;
  const hNs: Tensor[] = [];
  const cNs: Tensor[] = [];
  let inp = p.xs;
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const w = weights[l * D + d]!;
      const reverse = d === 1;
      const F = inp.shape[2]!;
      const bias = kind === 'gru' ? w.biasIh : w.biasIh !== null && w.biasHh !== null ? w.biasIh.add(w.biasHh) : (w.biasIh ?? w.biasHh);
      const xg = affine(inp.reshape([T * B, F]), w.weightIh, bias).reshape([T, B, GATES[kind] * H]);
      const h = H0.select(0, l * D + d);
      const last = reverse ? 0 : T - 1;
      if (kind === 'lstm') {
        const hc = lstmSequence(xg, w.weightHh, h, C0!.select(0, l * D + d), reverse);
        const ys = hc.select(0, 0);
        outs.push(ys);
        hNs.push(ys.select(0, last));
        cNs.push(hc.select(0, 1).select(0, last));
      } else if (kind === 'gru') {
        const ys = gruSequence(xg, w.weightHh, w.biasHh, h, reverse);
        outs.push(ys);
        hNs.push(ys.select(0, last));
      } else {
        const hs = new Array<Tensor>(T);
        let ht = h;
        for (let s = 0; s < T; s++) {
          const t = reverse ? T - 1 - s : s;
          const a = xg.select(0, t).add(ht.matmul(w.weightHh.T));
          ht = kind === 'rnn_relu' ? a.relu() : a.tanh();
          hs[t] = ht;
        }
        outs.push(stack(hs, 0));
        hNs.push(ht);
      }
    }
    inp = D === 1 ? outs[0]! : cat(outs, 2);
    if (l < L - 1 && training && dropout > 0) inp = dropoutFn(inp, dropout, { training });
  }
  let y = inp;
  let hN = stack(hNs, 0);
  let cN = kind === 'lstm' ? stack(cNs, 0) : null;
  if (!p.batched) {
    y = y.squeeze(1);
    hN = hN.squeeze(1);
    cN = cN === null ? null : cN.squeeze(1);
  } else if (opts.batchFirst) y = y.transpose(0, 1).contiguous();
  return { y, hN, cN };
}

/**
 * A multi-layer Elman RNN. For each layer and step:
 *   h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),  act = tanh (default) or relu
 * where x_t is the input (layer 0) or the previous layer's h_t (dropout applied when training).
 * Returns [output, h_n]: output [T, B, D*H] ([B, T, D*H] with batchFirst), h_n [L*D, B, H].
 *
 * Equivalent to (one layer, one direction):
 *   let h = h0;  const ys = [];
 *   for (let t = 0; t < T; t++) { h = rnnCell(x.select(0, t), h, w, nonlinearity); ys.push(h); }
 *   return [stack(ys, 0), h.unsqueeze(0)];
 */
export function rnn(x: Tensor, weights: readonly CellWeights[], h0?: Tensor | null, opts: RNNOptions = {}): [Tensor, Tensor] {
  const kind: Kind = (opts.nonlinearity ?? 'tanh') === 'relu' ? 'rnn_relu' : 'rnn_tanh';
  const r = recurrent(kind, opts.name ?? 'rnn', x, weights, h0, null, opts);
  return [r.y, r.hN];
}

/**
 * A multi-layer LSTM. For each layer and step (gates i, f, g, o):
 *   i = sigma(x_t W_ii^T + b_ii + h_{t-1} W_hi^T + b_hi)     f, g (tanh), o likewise
 *   c_t = f * c_{t-1} + i * g;   h_t = o * tanh(c_t)
 * Returns [output, [h_n, c_n]] with output [T, B, D*H] ([B, T, D*H] with batchFirst) and
 * h_n, c_n [L*D, B, H].
 *
 * Equivalent to (one layer, one direction):
 *   let [h, c] = [h0, c0];  const ys = [];
 *   for (let t = 0; t < T; t++) { [h, c] = lstmCell(x.select(0, t), [h, c], w); ys.push(h); }
 *   return [stack(ys, 0), [h.unsqueeze(0), c.unsqueeze(0)]];
 */
export function lstm(x: Tensor, weights: readonly CellWeights[], hx?: readonly [Tensor, Tensor] | null, opts: RecurrentOptions = {}): [Tensor, [Tensor, Tensor]] {
  const name = opts.name ?? 'lstm';
  if (hx !== null && hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) {
    throw new ShapeError(`${name}: the initial state must be a pair [h0, c0]`);
  }
  const r = recurrent('lstm', name, x, weights, hx?.[0], hx?.[1], opts);
  return [r.y, [r.hN, r.cN!]];
}

/**
 * A multi-layer GRU. For each layer and step (gates r, z, n):
 *   r = sigma(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr),  z likewise
 *   n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))
 *   h_t = (1 - z) * n + z * h_{t-1}
 * Returns [output, h_n] with PyTorch's shapes.
 *
 * Equivalent to (one layer, one direction):
 *   let h = h0;  const ys = [];
 *   for (let t = 0; t < T; t++) { h = gruCell(x.select(0, t), h, w); ys.push(h); }
 *   return [stack(ys, 0), h.unsqueeze(0)];
 */
export function gru(x: Tensor, weights: readonly CellWeights[], h0?: Tensor | null, opts: RecurrentOptions = {}): [Tensor, Tensor] {
  const r = recurrent('gru', opts.name ?? 'gru', x, weights, h0, null, opts);
  return [r.y, r.hN];
}

// ------------------------------------------------------------------ around the layers

/** A recurrent state: h (RNN, GRU) or [h, c] (LSTM). */
export type RecurrentState = Tensor | readonly [Tensor, Tensor];

/**
 * Cuts a carried state off the graph, for truncated backpropagation through time: the next
 * chunk starts from the same values, but its backward stops here.
 *
 *   let state = null;
 *   for (const [x, y] of chunks) {
 *     const [out, s] = lstm.forward(x, state);
 *     loss(out, y).backward(); opt.step(); opt.zeroGrad();
 *     state = detachState(s);
 *   }
 */
export function detachState<S extends RecurrentState | null | undefined>(state: S): S {
  if (state === null || state === undefined) return state;
  if (state instanceof Tensor) return state.detach() as S;
  return [state[0].detach(), state[1].detach()] as unknown as S;
}

/**
 * Embedding lookup: out[..., :] = weight[indices[...], :]. indices: int32 of any shape;
 * weight [num, dim]; out [...indices.shape, dim]. Gradient: rows of dJ/dout are added into the
 * rows of dJ/dweight they were read from; the `paddingIdx` row gets no gradient (its value
 * is still read, as PyTorch).
 */
export function embedding(indices: Tensor, weight: Tensor, opts: { paddingIdx?: number | null; name?: string } = {}): Tensor {
  const name = opts.name ?? 'embedding';
  if (weight.ndim !== 2) throw new ShapeError(`${name}: weight must be [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`);
  const [num, dim] = weight.shape as [number, number];
  if (indices.dtype !== 'int32') {
    throw new DTypeError(`${name}: indices must be int32, got ${indices.dtype}; convert with .int() or create them with { dtype: 'int32' }`);
  }
  const flat = indices.reshape([-1]);
  const idx = flat._contiguousData();
  let pad = opts.paddingIdx ?? null;
  if (pad !== null && pad < 0) pad += num;
  let hasPad = false;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= num) {
      throw new ShapeError(`${name}: index ${v} is out of range for an embedding of ${num} rows (valid 0..${num - 1}); indices ${fmtShape(indices.shape)}`);
    }
    if (v === pad) hasPad = true;
  }
  let out = weight.indexSelect(0, flat);
  if (hasPad) {
    const mask = flat.eq(pad!).unsqueeze(1);
    out = where(mask, weight.detach().indexSelect(0, flat), out);
  }
  return out.reshape([...indices.shape, dim]);
}
