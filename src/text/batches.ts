/**
 * Batches for truncated backpropagation through time. The id sequence is cut into B parallel
 * streams (stream b is ids[b*L .. (b+1)*L), L = floor((N-1)/B)); chunk k holds steps
 * [k*T, (k+1)*T) of every stream, and its targets are the next characters. Row b of chunk k+1
 * continues row b of chunk k, so the LSTM state carried from one chunk (detached) is the right
 * context for the next.
 *
 *   x_k[b, t] = ids[b*L + k*T + t],   y_k[b, t] = ids[b*L + k*T + t + 1]
 */
import { NablaError } from '../core/errors.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../core/tensor.js';

export interface StreamBatches {
  /** number of chunks */
  length: number;
  /** chunk k: x [B, T] and y [B, T], int32 */
  chunk(k: number): [Tensor, Tensor];
}

export function streamBatches(ids: Int32Array, batchSize: number, seqLen: number): StreamBatches {
  const L = Math.floor((ids.length - 1) / batchSize);
  const n = Math.floor(L / seqLen);
  if (n < 1) throw new NablaError(`streamBatches: ${ids.length} ids are too few for ${batchSize} streams of at least ${seqLen + 1}; lower the batch size or sequence length`);
  return {
    length: n,
    chunk(k: number): [Tensor, Tensor] {
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new NablaError(`streamBatches: chunk ${k} out of range [0, ${n})`);
      const x = new Int32Array(batchSize * seqLen);
      const y = new Int32Array(batchSize * seqLen);
      for (let b = 0; b < batchSize; b++) {
        const o = b * L + k * seqLen;
        x.set(ids.subarray(o, o + seqLen), b * seqLen);
        y.set(ids.subarray(o + 1, o + 1 + seqLen), b * seqLen);
      }
      return [tensor(x, { shape: [batchSize, seqLen], dtype: 'int32' }), tensor(y, { shape: [batchSize, seqLen], dtype: 'int32' })];
    },
  };
}
