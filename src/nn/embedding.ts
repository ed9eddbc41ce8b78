/**
 * `Embedding(num, dim, { paddingIdx? })`: a learned lookup table. forward(indices) with int32
 * indices of any shape returns [...indices.shape, dim], row i of `weight` for index i.
 *
 *   weight [num, dim] ~ N(0, 1) (as PyTorch);  out[..., :] = weight[indices[...], :]
 *
 * With `paddingIdx` (negative counts from the end), that row starts at zero and never receives
 * a gradient, so a padding token stays a zero vector through training.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { randn } from '../ops/create.js';
import { Module, Parameter } from './module.js';
import { embedding } from '../functional/rnn.js';

export interface EmbeddingOptions {
  /** the index whose row is zero at init and receives no gradient; negative counts from the end */
  paddingIdx?: number | null;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** normalised to 0..num-1, or null */
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [what, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new NablaError(`Embedding: ${what} must be a positive integer, got ${v}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new NablaError(`Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings - 1}], got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(randn([numEmbeddings, embeddingDim]));
    if (pad !== null) {
      const row = pad;
      noGrad(() => this.weight.detach().select(0, row).zero_());
    }
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx, name: 'Embedding' });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
