/**
 * W4 batches: 32 random offsets o into the corpus; x = one-hot(ids[o .. o+63]) as float32
 * [32, 64, 65], target = ids[o+1 .. o+64] as int32 [32*64]. A pool of 16 pre-built batches is
 * cycled; building them is not timed. Offsets come from a seeded mulberry32 stream (seed 0).
 */
import { VOCAB } from '../corpus.js';
import { mulberry32 } from './rng.js';

export { mulberry32 };

export const W4 = { batch: 32, seq: 64, vocab: VOCAB, hidden: 128, pool: 16 } as const;

export interface CharBatch {
  /** one-hot [batch, seq, vocab] */
  x: Float32Array;
  /** ids [batch, seq] */
  xIds: Int32Array;
  /** next-character ids [batch * seq] */
  y: Int32Array;
}

export function charBatches(ids: Uint8Array, seed = 0): CharBatch[] {
  const { batch, seq, vocab, pool } = W4;
  const rnd = mulberry32(seed);
  const out: CharBatch[] = [];
  for (let p = 0; p < pool; p++) {
    const x = new Float32Array(batch * seq * vocab);
    const xIds = new Int32Array(batch * seq);
    const y = new Int32Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      const o = Math.floor(rnd() * (ids.length - seq - 1));
      for (let t = 0; t < seq; t++) {
        const c = ids[o + t]!;
        xIds[b * seq + t] = c;
        x[(b * seq + t) * vocab + c] = 1;
        y[b * seq + t] = ids[o + t + 1]!;
      }
    }
    out.push({ x, xIds, y });
  }
  return out;
}
