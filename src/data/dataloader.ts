/**
 * The DataLoader: iterates over a dataset in batches, optionally shuffled.
 *
 *   const loader = new nb.data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
 *   for (let epoch = 0; epoch < 5; epoch++)
 *     for (const [x, y] of loader) { ... }          // x [64, 784], y [64]
 *
 * Each `for..of` is one epoch. With `shuffle`, epoch e visits the samples in a fresh permutation
 * drawn from a generator seeded by (seed, e), so the order depends only on the seed and the epoch
 * number: a resumed run calls `loader.setEpoch(e)` (or passes `startEpoch`) and sees the same
 * batches as the original run. Without `seed`, the base seed is drawn from the library generator
 * when the loader is built (so `nb.manualSeed` makes it reproducible).
 *
 * Batches of a `TensorDataset` (or a dataset with `getBatch`) are gathered directly from storage
 * into one new contiguous tensor per field; other datasets are collated sample by sample
 * (tensors stacked, numbers turned into a float32 tensor, arrays collated per position), or by
 * the `collate` option.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, describe } from '../core/errors.js';
import { Generator, defaultGenerator } from '../core/rng.js';
import { stack } from '../ops/indexing.js';
import { tensor } from '../ops/create.js';
import { type Dataset, hasGetBatch } from './dataset.js';

/**
 * What the default collation makes of samples of type T: a tensor of a tensor or a number, and a
 * tuple of tensors position by position (`[Tensor, Tensor]` samples give `[Tensor, Tensor]` batches).
 */
export type Batch<T> = T extends Tensor ? Tensor : T extends readonly Tensor[] ? { -readonly [K in keyof T]: Tensor } : T extends number ? Tensor : T[];

export interface DataLoaderOptions<T, B> {
  /** samples per batch (the last batch may be smaller unless `dropLast`) */
  batchSize: number;
  /** visit the samples in a fresh random order each epoch (default false) */
  shuffle?: boolean;
  /** seed of the shuffling; the order of epoch e depends only on (seed, e) */
  seed?: number;
  /** drop the last batch if it is smaller than `batchSize` (default false) */
  dropLast?: boolean;
  /** the epoch number of the first iteration (default 0); see `setEpoch` */
  startEpoch?: number;
  /** builds a batch from a list of samples (default: see the module comment) */
  collate?: (samples: T[]) => B;
}

/** murmur3's 32-bit finaliser: a bijection on uint32 that mixes every bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class DataLoader<T, B = Batch<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly baseSeed: number;
  private readonly collateFn: ((samples: T[]) => B) | undefined;
  private nextEpoch: number;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B>) {
    const ds = dataset as Partial<Dataset<T>> | null;
    if (ds === null || typeof ds !== 'object' || !Number.isSafeInteger(ds.length) || (ds.length as number) < 0 || typeof ds.get !== 'function') {
      throw new NablaError(`DataLoader: expected a dataset (an object with a length and get(i), e.g. a TensorDataset), got ${describe(dataset)}`);
    }
    if (opts === null || typeof opts !== 'object') throw new NablaError(`DataLoader: options must be an object such as { batchSize: 64, shuffle: true }, got ${describe(opts)}`);
    const { batchSize, shuffle = false, dropLast = false, startEpoch = 0 } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new NablaError(`DataLoader: batchSize must be a positive integer, got ${describe(batchSize)}`);
    if (!Number.isInteger(startEpoch) || startEpoch < 0) throw new NablaError(`DataLoader: startEpoch must be a non-negative integer, got ${describe(startEpoch)}`);
    if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new NablaError(`DataLoader: seed must be an integer, got ${describe(opts.seed)}`);
    if (typeof shuffle !== 'boolean' || typeof dropLast !== 'boolean') throw new NablaError(`DataLoader: shuffle and dropLast must be true or false, got ${describe(shuffle)} and ${describe(dropLast)}`);
    if (opts.collate !== undefined && typeof opts.collate !== 'function') throw new NablaError(`DataLoader: collate must be a function, got ${describe(opts.collate)}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.baseSeed = opts.seed ?? (shuffle ? defaultGenerator.nextU32() : 0);
    this.collateFn = opts.collate;
    this.nextEpoch = startEpoch;
  }

  /** The number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next `for..of` will run (it advances by one each time an iteration starts). */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Sets the epoch of the next iteration, e.g. to resume a run at epoch e with the same order. */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new NablaError(`DataLoader.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.nextEpoch = epoch;
  }

  /** The order in which epoch `epoch` visits the samples. */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) {
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      return idx;
    }
    return new Generator(mix32((mix32(this.baseSeed >>> 0) + (epoch >>> 0)) >>> 0)).permutation(n);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order(this.nextEpoch++);
    const nBatches = this.length;
    for (let b = 0; b < nBatches; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
      yield this.makeBatch(idx);
    }
  }

  private makeBatch(idx: Int32Array): B {
    const ds = this.dataset;
    if (this.collateFn === undefined && hasGetBatch<T, B>(ds)) return ds.getBatch(idx);
    const samples: T[] = [];
    for (const i of idx) samples.push(ds.get(i));
    return this.collateFn !== undefined ? this.collateFn(samples) : (defaultCollate(samples) as B);
  }
}

/** Stacks tensors, turns numbers into a float32 tensor, collates arrays position by position. */
export function defaultCollate(samples: readonly unknown[]): unknown {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[], 0);
  if (typeof first === 'number') return tensor(Float32Array.from(samples as number[]));
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(samples.map((s) => (s as unknown[])[k])));
  throw new NablaError(`DataLoader: cannot collate samples of type ${typeof first}; pass a collate function`);
}
