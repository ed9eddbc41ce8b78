/**
 * `CharLSTM`: a character-level language model, Embedding -> LSTM -> Linear.
 *
 *   e_t = E[x_t]                          E [V, embedDim]
 *   (h_t, c_t) = LSTM(e_t, (h_{t-1}, c_{t-1}))   (numLayers stacked, PyTorch gates i, f, g, o)
 *   z_t = h_t W^T + b                     logits over the V characters of the vocabulary
 *
 * forward(ids [B, T] int32, state?) -> [logits [B, T, V], [h_n, c_n]] (states [numLayers, B, H]).
 * State-dict names as PyTorch's `embed.weight`, `lstm.weight_ih_l0`, ..., `head.weight`.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/embedding.js';
import { LSTM } from '../nn/rnn.js';
import { Linear } from '../nn/linear.js';

export interface CharLSTMConfig {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  /** dropout between LSTM layers (training only) */
  dropout?: number;
}

export type LSTMState = readonly [Tensor, Tensor];

export class CharLSTM extends Module<[Tensor, (LSTMState | null)?], [Tensor, [Tensor, Tensor]]> {
  readonly config: CharLSTMConfig;
  embed: Embedding;
  lstm: LSTM;
  head: Linear;

  constructor(config: CharLSTMConfig) {
    super();
    for (const k of ['vocabSize', 'embedDim', 'hiddenSize', 'numLayers'] as const) {
      const v = config[k];
      if (!Number.isInteger(v) || v <= 0) throw new NablaError(`CharLSTM: config.${k} must be a positive integer, got ${v}`);
    }
    this.config = { ...config };
    this.embed = new Embedding(config.vocabSize, config.embedDim);
    this.lstm = new LSTM(config.embedDim, config.hiddenSize, { numLayers: config.numLayers, batchFirst: true, dropout: config.dropout ?? 0 });
    this.head = new Linear(config.hiddenSize, config.vocabSize);
  }

  forward(ids: Tensor, state?: LSTMState | null): [Tensor, [Tensor, Tensor]] {
    const [y, s] = this.lstm.forward(this.embed.forward(ids), state ?? null);
    return [this.head.forward(y), s];
  }
}
