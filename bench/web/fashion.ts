/**
 * Fashion-MNIST as plain typed arrays, for the cells that run both in Node and in a browser page
 * (bench/browser): pixels uint8/255 as float32 [n, 784], labels int32; the W2 batch order (a fresh
 * seeded permutation per epoch, batches of 64, the last one 32) and the per-batch gather.
 */
import { mulberry32 } from '../lib/rng.js';

export interface Fashion {
  /** [n, 784] pixels in [0, 1] */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** From the IDX payloads without their headers (n x 784 pixel bytes, n label bytes). */
export function fashionFromBytes(pixels: Uint8Array, labels: Uint8Array): Fashion {
  const n = labels.length;
  if (pixels.length !== n * 784) throw new Error(`fashionFromBytes: ${pixels.length} pixel bytes for ${n} labels (want ${n * 784})`);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i]! / 255;
  return { x, y: Int32Array.from(labels), n };
}

/** A seeded Fisher-Yates permutation of 0..n-1 (epoch e uses seed e). */
export function permutation(n: number, seed: number): Int32Array {
  const r = mulberry32(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Epoch e's batches of indices (60,000 samples: 937 of 64 and one of 32). */
export function* batchesOf(n: number, epoch: number, batch: number): Generator<Int32Array> {
  const p = permutation(n, epoch);
  for (let s = 0; s < n; s += batch) yield p.subarray(s, Math.min(n, s + batch));
}

/** Copies the samples `idx` into x [idx.length, 784] and y (the buffers may be longer). */
export function gatherBatch(d: Fashion, idx: Int32Array, x: Float32Array, y: Int32Array): void {
  for (let i = 0; i < idx.length; i++) {
    const s = idx[i]!;
    x.set(d.x.subarray(s * 784, s * 784 + 784), i * 784);
    y[i] = d.y[s]!;
  }
}
