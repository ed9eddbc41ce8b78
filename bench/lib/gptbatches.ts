/**
 * W6 batches (WORKLOADS.md): 32 random offsets o into the W4 corpus; x = ids[o .. o+127] (int32
 * [32, 128]), target = ids[o+1 .. o+128] ([32*128]). A pool of 16 pre-built batches is cycled;
 * building them is not timed. Offsets come from a seeded mulberry32 stream (seed 0).
 */
import { mulberry32 } from './charbatches.js';
import { VOCAB } from '../corpus.js';

export const W6 = { batch: 32, seq: 128, vocab: VOCAB, dModel: 128, heads: 4, layers: 4, ff: 512, pool: 16 } as const;

export function gptBatches(ids: Uint8Array, seed = 0, batch: number = W6.batch): { x: Int32Array; y: Int32Array }[] {
  const { seq, pool } = W6;
  const rnd = mulberry32(seed);
  const out: { x: Int32Array; y: Int32Array }[] = [];
  for (let p = 0; p < pool; p++) {
    const x = new Int32Array(batch * seq);
    const y = new Int32Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      const o = Math.floor(rnd() * (ids.length - seq - 1));
      for (let t = 0; t < seq; t++) {
        x[b * seq + t] = ids[o + t]!;
        y[b * seq + t] = ids[o + t + 1]!;
      }
    }
    out.push({ x, y });
  }
  return out;
}

/** Peak resident set size of this process in MB (getrusage's maxrss). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
