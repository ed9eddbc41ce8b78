/**
 * Datasets: anything with a `length` and `get(i)`. `TensorDataset` holds equal-length tensors
 * and indexes their first axis; it can also gather a whole batch of rows straight from its
 * storage (`getBatch`), which the DataLoader uses so that no per-sample tensor is ever built.
 */
import { Tensor } from '../core/tensor.js';
import { allocateUninit } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { sizeOf } from '../core/shape.js';
import { type Generator, defaultGenerator } from '../core/rng.js';

/** A map-style dataset: `length` samples, `get(i)` for i in [0, length). */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
}

/**
 * A dataset that can produce a whole collated batch for a list of indices at once. The DataLoader
 * calls `getBatch` instead of `get` + collate when a dataset has it.
 */
export interface BatchDataset<T, B> extends Dataset<T> {
  getBatch(indices: Int32Array): B;
}

/** True if `ds` implements `getBatch`. */
export function hasGetBatch<T, B>(ds: Dataset<T>): ds is BatchDataset<T, B> {
  return typeof (ds as Partial<BatchDataset<T, B>>).getBatch === 'function';
}

function checkIndex(op: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new NablaError(`${op}: index ${i} is out of range for a dataset of length ${n}`);
}

/**
 * Tensors sharing their first dimension: sample i is `[t0[i], t1[i], ...]`, typed as a tuple of
 * as many tensors as the constructor was given (so `const [x, y] = ds.get(0)` is two Tensors,
 * also under `noUncheckedIndexedAccess`).
 *
 *   const ds = new TensorDataset(x, y);   // x [N, 784], y [N]
 *   const [xi, yi] = ds.get(0);           // xi [784], yi [] (views, no copy)
 *   const [xb, yb] = ds.getBatch(Int32Array.of(3, 1, 4)); // xb [3, 784], yb [3] (one copy each)
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements BatchDataset<T, T> {
  /** the tensors, contiguous and detached from any graph */
  readonly tensors: Readonly<T>;
  readonly length: number;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new NablaError('TensorDataset: needs at least one tensor');
    const bad = tensors.findIndex((t) => !(t instanceof Tensor) || t.ndim === 0);
    if (bad >= 0) throw new ShapeError(`TensorDataset: argument ${bad} must be a tensor with at least one dimension (its first axis indexes the samples)`);
    const n = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== n)) {
      throw new ShapeError(`TensorDataset: all tensors must have the same first dimension, got shapes ${tensors.map((t) => fmtShape(t.shape)).join(', ')}`);
    }
    this.tensors = tensors.map((t) => t.detach().contiguous()) as T;
    this.length = n;
  }

  /** Sample i: one view per tensor, sharing storage. */
  get(i: number): T {
    checkIndex('TensorDataset.get', i, this.length);
    return this.tensors.map((t) => {
      const row = t.shape.slice(1);
      return new Tensor(t._storage, row, t.strides.slice(1), t.offset + i * sizeOf(row));
    }) as T;
  }

  /** The rows at `indices`, gathered into one new contiguous tensor per dataset tensor. */
  getBatch(indices: Int32Array): T {
    for (const i of indices) checkIndex('TensorDataset.getBatch', i, this.length);
    return this.tensors.map((t) => gatherRows(t, indices)) as T;
  }
}

/** out[b] = t[indices[b]] along the first axis of a contiguous tensor, copying straight from storage. */
function gatherRows(t: Tensor, indices: Int32Array): Tensor {
  const row = sizeOf(t.shape.slice(1));
  const nb = indices.length;
  const src = t._storage;
  const out = allocateUninit(t.dtype, nb * row); // every row is copied in below
  if (row === 1) {
    for (let b = 0; b < nb; b++) out[b] = src[t.offset + indices[b]!]!;
  } else {
    let b = 0;
    while (b < nb) {
      // copy runs of consecutive indices (the whole batch when not shuffled) in one call
      let e = b + 1;
      while (e < nb && indices[e] === indices[e - 1]! + 1) e++;
      const start = t.offset + indices[b]! * row;
      out.set(src.subarray(start, start + (e - b) * row), b * row);
      b = e;
    }
  }
  return new Tensor(out, [nb, ...t.shape.slice(1)]);
}

/** The samples of `dataset` at `indices`, in that order. Batches are gathered by the base dataset when it can. */
export class Subset<T, B = unknown> implements Dataset<T> {
  readonly length: number;
  /** present when the base dataset has `getBatch`: indices are mapped, then gathered by the base */
  readonly getBatch?: (indices: Int32Array) => B;

  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: Int32Array,
  ) {
    for (const i of indices) checkIndex('Subset', i, dataset.length);
    this.length = indices.length;
    if (hasGetBatch<T, B>(dataset)) {
      const base = dataset;
      this.getBatch = (idx: Int32Array): B => {
        const mapped = new Int32Array(idx.length);
        for (let k = 0; k < idx.length; k++) {
          checkIndex('Subset.getBatch', idx[k]!, this.length);
          mapped[k] = this.indices[idx[k]!]!;
        }
        return base.getBatch(mapped);
      };
    }
  }

  get(i: number): T {
    checkIndex('Subset.get', i, this.length);
    return this.dataset.get(this.indices[i]!);
  }
}

/**
 * Splits a dataset into random disjoint subsets of the given lengths (which must sum to its
 * length), like `torch.utils.data.random_split`. Seeded by `generator` (default: the library's).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== dataset.length || lengths.some((l) => !Number.isInteger(l) || l < 0)) {
    throw new NablaError(`randomSplit: lengths [${lengths.join(', ')}] must be non-negative integers summing to the dataset length ${dataset.length}`);
  }
  const perm = generator.permutation(dataset.length);
  const out: Subset<T>[] = [];
  let at = 0;
  for (const l of lengths) {
    out.push(new Subset(dataset, perm.slice(at, at + l)));
    at += l;
  }
  return out;
}
