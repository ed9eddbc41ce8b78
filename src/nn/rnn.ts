/**
 * Recurrent layers: `RNNCell`, `LSTMCell`, `GRUCell` (one step) and `RNN`, `LSTM`, `GRU` (whole
 * sequences, stacked layers, both directions). Thin state over src/functional/rnn.ts, with
 * PyTorch's parameter names and shapes, so a PyTorch `state_dict` loads unchanged:
 *
 *   weight_ih_l{k}[_reverse]  [G*H, in_k]   (in_0 = inputSize, in_k = D*H for k > 0)
 *   weight_hh_l{k}[_reverse]  [G*H, H]
 *   bias_ih_l{k}[_reverse]    [G*H]          bias_hh_l{k}[_reverse]  [G*H]
 *
 * with G = 1 (RNN), 4 (LSTM, gates i, f, g, o), 3 (GRU, gates r, z, n) stacked in that order.
 * Cells use `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`. Every parameter starts as
 * U(-1/sqrt(H), 1/sqrt(H)) from the library's seeded generator, as PyTorch.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { uniform } from '../ops/create.js';
import { Module, Parameter } from './module.js';
import {
  type CellWeights, type Nonlinearity,
  gru, gruCell, lstm, lstmCell, rnn, rnnCell,
} from '../functional/rnn.js';

function initParam(shape: number[], hiddenSize: number): Parameter {
  const k = 1 / Math.sqrt(hiddenSize);
  return new Parameter(uniform(shape, -k, k));
}

function checkSizes(name: string, inputSize: number, hiddenSize: number): void {
  for (const [what, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new NablaError(`${name}: ${what} must be a positive integer, got ${v}`);
  }
}

// ------------------------------------------------------------------ cells

export interface CellOptions {
  /** learn b_ih and b_hh (default true) */
  bias?: boolean;
}

abstract class CellBase<I extends unknown[], O> extends Module<I, O> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  constructor(name: string, gates: number, inputSize: number, hiddenSize: number, opts: CellOptions) {
    super();
    checkSizes(name, inputSize, hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = opts.bias ?? true;
    const G = gates * hiddenSize;
    this.registerParameter('weight_ih', initParam([G, inputSize], hiddenSize));
    this.registerParameter('weight_hh', initParam([G, hiddenSize], hiddenSize));
    if (this.bias) {
      this.registerParameter('bias_ih', initParam([G], hiddenSize));
      this.registerParameter('bias_hh', initParam([G], hiddenSize));
    }
  }

  /** The current parameters (looked up by name, so dtype conversion and loading are seen). */
  protected weights(): CellWeights {
    return {
      weightIh: this.getParameter('weight_ih')!,
      weightHh: this.getParameter('weight_hh')!,
      biasIh: this.getParameter('bias_ih'),
      biasHh: this.getParameter('bias_hh'),
    };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

export interface RNNCellOptions extends CellOptions {
  nonlinearity?: Nonlinearity;
}

/**
 * One step of an Elman RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
 * forward(x [B, in] or [in], h? [B, H] or [H]) -> h'. The state defaults to zeros.
 */
export class RNNCell extends CellBase<[Tensor, (Tensor | null)?], Tensor> {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('RNNCell', 1, inputSize, hiddenSize, opts);
    this.nonlinearity = checkNonlinearity('RNNCell', opts.nonlinearity);
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    return rnnCell(x, h, this.weights(), this.nonlinearity);
  }
}

/**
 * One LSTM step (gates i, f, g, o):
 *   i = sigma(x W_ii^T + b_ii + h W_hi^T + b_hi),  f, o likewise,  g = tanh(...)
 *   c' = f * c + i * g;   h' = o * tanh(c')
 * forward(x, [h, c]?) -> [h', c'].
 */
export class LSTMCell extends CellBase<[Tensor, (readonly [Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super('LSTMCell', 4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    return lstmCell(x, state, this.weights());
  }
}

/**
 * One GRU step (gates r, z, n):
 *   r = sigma(x W_ir^T + b_ir + h W_hr^T + b_hr),  z likewise
 *   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn));   h' = (1 - z) * n + z * h
 * forward(x, h?) -> h'.
 */
export class GRUCell extends CellBase<[Tensor, (Tensor | null)?], Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super('GRUCell', 3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    return gruCell(x, h, this.weights());
  }
}

// ------------------------------------------------------------------ layers

export interface RecurrentLayerOptions {
  /** stacked layers, each reading the previous one's output (default 1) */
  numLayers?: number;
  /** learn b_ih and b_hh (default true) */
  bias?: boolean;
  /** input and output [batch, seq, feature] instead of [seq, batch, feature]; states unchanged (default false) */
  batchFirst?: boolean;
  /** dropout probability between layers, in training mode only (default 0) */
  dropout?: number;
  /** a second pass over the reversed sequence per layer, outputs concatenated (default false) */
  bidirectional?: boolean;
}

export interface RNNOptions extends RecurrentLayerOptions {
  nonlinearity?: Nonlinearity;
}

function checkNonlinearity(name: string, n: string | undefined): Nonlinearity {
  const v = n ?? 'tanh';
  if (v !== 'tanh' && v !== 'relu') throw new NablaError(`${name}: nonlinearity must be 'tanh' or 'relu', got '${v}'`);
  return v;
}

abstract class RecurrentBase<H, O> extends Module<[Tensor, (H | null)?], O> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(name: string, gates: number, inputSize: number, hiddenSize: number, opts: RecurrentLayerOptions) {
    super();
    checkSizes(name, inputSize, hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) throw new NablaError(`${name}: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new NablaError(`${name}: dropout must be in [0, 1), got ${this.dropout}`);
    const D = this.bidirectional ? 2 : 1;
    const G = gates * hiddenSize;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : D * hiddenSize;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, initParam([G, inSize], hiddenSize));
        this.registerParameter(`weight_hh${sfx}`, initParam([G, hiddenSize], hiddenSize));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, initParam([G], hiddenSize));
          this.registerParameter(`bias_hh${sfx}`, initParam([G], hiddenSize));
        }
      }
    }
  }

  /** Weights per layer and direction, layer-major (looked up by name each call). */
  protected allWeights(): CellWeights[] {
    const D = this.bidirectional ? 2 : 1;
    const out: CellWeights[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        out.push({
          weightIh: this.getParameter(`weight_ih${sfx}`)!,
          weightHh: this.getParameter(`weight_hh${sfx}`)!,
          biasIh: this.getParameter(`bias_ih${sfx}`),
          biasHh: this.getParameter(`bias_hh${sfx}`),
        });
      }
    }
    return out;
  }

  protected options(): { numLayers: number; bidirectional: boolean; batchFirst: boolean; dropout: number; training: boolean; name: string } {
    return {
      numLayers: this.numLayers,
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      training: this.training,
      name: this.constructor.name,
    };
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/**
 * A multi-layer Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) per layer.
 * forward(x, h0?) -> [output, h_n]; x [T, B, in] ([B, T, in] with batchFirst, or unbatched
 * [T, in]); output [T, B, D*H] ([B, T, D*H]); h0 and h_n [numLayers*D, B, H].
 *
 * Equivalent to (one layer, one direction; `cell` an RNNCell with the same weights):
 *   let h = h0[0];  const ys = [];
 *   for (let t = 0; t < T; t++) { h = cell.forward(x.select(0, t), h); ys.push(h); }
 *   output = nb.stack(ys, 0);  h_n = h.unsqueeze(0);
 */
export class RNN extends RecurrentBase<Tensor, [Tensor, Tensor]> {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('RNN', 1, inputSize, hiddenSize, opts);
    this.nonlinearity = checkNonlinearity('RNN', opts.nonlinearity);
  }

  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return rnn(x, this.allWeights(), h0, { ...this.options(), nonlinearity: this.nonlinearity });
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : '');
  }
}

/**
 * A multi-layer LSTM (gates i, f, g, o, PyTorch's order):
 *   i = sigma(x_t W_ii^T + b_ii + h_{t-1} W_hi^T + b_hi)   f, o likewise;  g = tanh(...)
 *   c_t = f * c_{t-1} + i * g;   h_t = o * tanh(c_t)
 * forward(x, [h0, c0]?) -> [output, [h_n, c_n]] with PyTorch's shapes (see RNN).
 *
 * Equivalent to (one layer, one direction; `cell` an LSTMCell with the same weights):
 *   let [h, c] = [h0[0], c0[0]];  const ys = [];
 *   for (let t = 0; t < T; t++) { [h, c] = cell.forward(x.select(0, t), [h, c]); ys.push(h); }
 *   output = nb.stack(ys, 0);  h_n = h.unsqueeze(0);  c_n = c.unsqueeze(0);
 */
export class LSTM extends RecurrentBase<readonly [Tensor, Tensor], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentLayerOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    return lstm(x, this.allWeights(), hx, this.options());
  }
}

/**
 * A multi-layer GRU (gates r, z, n):
 *   r = sigma(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr),  z likewise
 *   n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn));   h_t = (1 - z) * n + z * h_{t-1}
 * forward(x, h0?) -> [output, h_n] with PyTorch's shapes (see RNN).
 *
 * Equivalent to (one layer, one direction; `cell` a GRUCell with the same weights):
 *   let h = h0[0];  const ys = [];
 *   for (let t = 0; t < T; t++) { h = cell.forward(x.select(0, t), h); ys.push(h); }
 *   output = nb.stack(ys, 0);  h_n = h.unsqueeze(0);
 */
export class GRU extends RecurrentBase<Tensor, [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentLayerOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return gru(x, this.allWeights(), h0, this.options());
  }
}
