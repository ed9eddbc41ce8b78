/** Shape arithmetic: sizes, strides, broadcasting, axis normalisation. */
import { ShapeError, describe, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides for a shape. */
export function contiguousStrides(shape: Shape): number[] {
  // literals for the common ranks (every new tensor computes its strides)
  if (shape.length === 2) return [shape[1]!, 1];
  if (shape.length === 1) return [1];
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align trailing axes; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: cannot broadcast ${fmtShape(a)} with ${fmtShape(b)}: axis ${i - n} has sizes ${da} and ${db} (each pair must be equal or 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if it had the (larger) broadcast shape
 * `target`: broadcast axes get stride 0, so no data is copied.
 */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const n = target.length;
  const out = new Array<number>(n).fill(0);
  const off = n - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/**
 * Resolves a possibly negative axis against `ndim`, naming the op in the error. As in PyTorch, a
 * 0-d tensor accepts axis 0 and -1 (both resolve to 0), so ops that take an axis work on scalars.
 */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw new ShapeError(`${op}: axis must be an integer, got ${axis}`);
  const n = Math.max(ndim, 1);
  const a = axis < 0 ? axis + n : axis;
  if (a < 0 || a >= n) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? '' : 's'} (valid: ${-n} to ${n - 1})`);
  }
  return a;
}

/**
 * Checks a shape given by the user: an array of non-negative integers. Returns a copy.
 * `checkShape('zeros', 3)` throws `zeros: shape must be an array of sizes such as [3], got 3`.
 */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    const hint = typeof shape === 'number' && Number.isInteger(shape) && shape >= 0 ? `[${shape}]` : '[2, 3]';
    throw new ShapeError(`${op}: shape must be an array of sizes such as ${hint}, got ${describe(shape)}`);
  }
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${fmtShapeLoose(shape)}: sizes must be non-negative integers, but axis ${i} is ${describe(d)}`);
    }
  }
  return [...(shape as number[])];
}

/** A shape that may hold anything, for messages. */
function fmtShapeLoose(shape: readonly unknown[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : describe(d))).join(',')}]`;
}

/**
 * Checks a view's layout against its storage: shape (non-negative integers), strides (one
 * non-negative integer per axis; default row-major), offset (a non-negative integer), and that
 * every element the view addresses lies inside the storage. Returns the number of elements.
 * Called by the Tensor constructor, so a short storage or a stride that reaches past its end is
 * refused before any kernel can read out of bounds.
 */
export function checkLayout(storageLength: number, shape: unknown, strides: unknown, offset: unknown): number {
  if (!Array.isArray(shape)) throw new ShapeError(`Tensor: shape must be an array of sizes, got ${describe(shape)}`);
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`Tensor: invalid shape ${fmtShapeLoose(shape)}: sizes must be non-negative integers, but axis ${i} is ${describe(d)}`);
    }
    size *= d;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ShapeError(`Tensor: offset must be a non-negative integer, got ${describe(offset)}`);
  }
  let last = offset; // the highest storage index the view reads
  if (strides === undefined) last += size - 1;
  else {
    if (!Array.isArray(strides) || strides.length !== shape.length) {
      throw new ShapeError(`Tensor: strides must be an array with one entry per axis (${shape.length}), got ${Array.isArray(strides) ? fmtShapeLoose(strides) : describe(strides)}`);
    }
    for (let i = 0; i < strides.length; i++) {
      const s: unknown = strides[i];
      if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
        throw new ShapeError(`Tensor: invalid strides ${fmtShapeLoose(strides)}: strides must be non-negative integers, but axis ${i} has ${describe(s)}`);
      }
      last += (shape[i] - 1) * s;
    }
  }
  if (size > 0 && last >= storageLength) {
    throw new ShapeError(
      `Tensor: shape ${fmtShape(shape)}${strides === undefined ? '' : ` with strides ${fmtShape(strides as number[])}`}${offset === 0 ? '' : ` at offset ${offset}`} reads storage element ${last}, but the storage has ${storageLength} element${storageLength === 1 ? '' : 's'}`,
    );
  }
  return size;
}

/** The multi-index of flat (row-major) position `i` in `shape`, formatted as messages print it: `[1,0,2]`. */
export function formatIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return `[${idx.join(',')}]`;
}
