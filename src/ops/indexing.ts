/**
 * Indexing and joining: gather (class targets), indexSelect (embeddings), where, cat, stack,
 * split, oneHot.
 */
import { Tensor, type Operand, checkTensor, checkTensorList } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { broadcastShapes, normAxis, shapesEqual, sizeOf } from '../core/shape.js';
import { type DType, promote, resultType } from '../core/dtype.js';
import { B } from '../backend/registry.js';
import { empty, emptyUninit, operands, result, strided } from './result.js';
import { contiguous, narrow } from './view.js';

function checkIndex(op: string, index: Tensor, n: number, axis: number, shape: readonly number[]): Int32Array {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${index.dtype}`);
  const d = index._contiguousData() as Int32Array;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < 0 || v >= n) {
      throw new ShapeError(`${op}: index ${v} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(shape)})`);
    }
  }
  return d;
}

/**
 * out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis` (PyTorch's gather).
 * `index` has x's rank; on other axes its size may be smaller than x's.
 * Gradient: the upstream values are added back at the gathered positions (scatter-add).
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  checkTensor('gather', index, 'index');
  if (x.ndim === 0 && index.ndim <= 1) {
    // a 0-d input is viewed as [1], as PyTorch: a 0-d index gives a 0-d result, an index [k]
    // (every entry 0) k copies
    normAxis('gather', axis, 0);
    const y = gather(x.reshape([1]), 0, index.reshape([-1]));
    return index.ndim === 0 ? y.reshape([]) : y;
  }
  const a = normAxis('gather', axis, x.ndim);
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`gather: index has ${index.ndim} dimensions ${fmtShape(index.shape)} but the input has ${x.ndim} ${fmtShape(x.shape)}`);
  }
  let src = x;
  for (let d = 0; d < x.ndim; d++) {
    if (d === a) continue;
    if (index.shape[d]! > x.shape[d]!) {
      throw new ShapeError(`gather: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} on axis ${d}`);
    }
    if (index.shape[d]! < x.shape[d]!) src = narrow(src, d, 0, index.shape[d]!);
  }
  const n = src.shape[a]!;
  const idx = checkIndex('gather', index, n, a, x.shape);
  const outer = sizeOf(index.shape.slice(0, a));
  const inner = sizeOf(index.shape.slice(a + 1));
  const m = index.shape[a]!;
  const out = emptyUninit(x.dtype, index.shape);
  B().gather(contiguous(src, false).detach()._contiguousData(), idx, outer, n, m, inner, out._storage);
  const srcShape = src.shape;
  return result('gather', out, [src], (g) => {
    const gx = empty(g.dtype, srcShape);
    B().scatterAdd(contiguous(g, false).detach()._contiguousData(), idx, outer, n, m, inner, gx._storage);
    return [gx];
  }, { axis: a, index });
}

/** Whole slices along `axis`, picked by a 1-D int32 index (an embedding lookup on axis 0). */
export function indexSelect(x: Tensor, axis: number, index: Tensor | readonly number[]): Tensor {
  checkTensor('indexSelect', x);
  if (!(index instanceof Tensor) && !(Array.isArray(index) && index.every((i) => Number.isInteger(i)))) {
    throw new NablaError(`indexSelect: index must be an int32 Tensor or an array of integers, got ${Array.isArray(index) ? `[${index.slice(0, 8).join(', ')}${index.length > 8 ? ', ...' : ''}]` : String(index)}`);
  }
  const a = normAxis('indexSelect', axis, x.ndim);
  let idxT = index instanceof Tensor ? index : new Tensor(Int32Array.from(index), [index.length]);
  if (idxT.ndim > 1) throw new ShapeError(`indexSelect: index must be 1-D, got ${fmtShape(idxT.shape)}`);
  if (x.ndim === 0) {
    // a 0-d input: the index must hold one element, 0 (as PyTorch); the result is 0-d
    if (idxT.size !== 1) throw new ShapeError(`indexSelect: a 0-d input takes an index of one element, got ${fmtShape(idxT.shape)}`);
    return indexSelect(x.reshape([1]), 0, idxT.reshape([1])).reshape([]);
  }
  idxT = idxT.reshape([-1]);
  const m = idxT.size;
  const outShape = [...x.shape];
  outShape[a] = m;
  // express as a gather whose index repeats each chosen position over the other axes
  const flatIdx = checkIndex('indexSelect', idxT, x.shape[a]!, a, x.shape);
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const full = new Int32Array(outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) full.fill(flatIdx[j]!, (o * m + j) * inner, (o * m + j + 1) * inner);
  }
  return gather(x, a, new Tensor(full, outShape));
}

/**
 * out = cond ? a : b, broadcasting all three; the dtype follows PyTorch's rules for a and b
 * (resultType: plain numbers and 0-d tensors do not up-cast within a category). Gradient: to a
 * where cond holds, to b elsewhere.
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  checkTensor('where', cond, 'the condition');
  const [at, bt] = operands('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, at.shape), bt.shape);
  const dtype = resultType([at, bt]);
  const A = at.dtype === dtype ? at : at.to(dtype);
  const Bt = bt.dtype === dtype ? bt : bt.to(dtype);
  const out = emptyUninit(dtype, shape);
  B().where(strided(cond, shape), strided(A, shape), strided(Bt, shape), shape, out._storage);
  return result('where', out, [A, Bt], (g) => [
    A.requiresGrad ? where(cond, g, 0) : null,
    Bt.requiresGrad ? where(cond, 0, g) : null,
  ], { cond });
}

/**
 * x with `value` where `mask` is true (broadcast together), keeping x's dtype (the value is
 * converted: 2.7 into an int32 tensor is 2), as PyTorch. Gradient: to x where the mask is false.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkFillValue('maskedFill', value, x.dtype);
  const v = new Tensor(new (x._storage.constructor as new (n: number) => typeof x._storage)(1), []);
  v._storage[0] = x.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  return where(mask, v, x);
}

/**
 * A plain number written into a tensor of `dtype` (fill_, maskedFill): into int32 it must be
 * finite and within int32 after truncation, as PyTorch ("cannot be converted without overflow").
 */
export function checkFillValue(op: string, value: number, dtype: DType): void {
  if (typeof value !== 'number') throw new NablaError(`${op}: the value must be a number, got ${typeof value}`);
  if (dtype !== 'int32') return;
  const t = Math.trunc(value);
  if (!Number.isFinite(value) || t > 2147483647 || t < -2147483648) {
    throw new NablaError(`${op}: the value ${value} cannot be written into an int32 tensor (it is not finite or outside the int32 range)`);
  }
}

/** Joins tensors along an existing axis. Gradient: the matching slice of the upstream gradient. */
export function cat(ts: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('cat', ts);
  ts.forEach((t, i) => {
    if (t.ndim === 0) throw new ShapeError(`cat: tensor ${i} is 0-d and cannot be concatenated (use stack, or unsqueeze it)`);
  });
  // a legacy empty 1-D tensor [0] joins anything, as in PyTorch
  const parts = ts.filter((t) => !(t.ndim === 1 && t.size === 0));
  if (parts.length > 0 && parts.length < ts.length) return catParts(ts, parts, axis);
  if (parts.length === 0) {
    // only legacy empties: PyTorch checks no axis and returns an empty [0] of the promoted dtype
    const dtype = ts.reduce((d, t) => promote(d, t.dtype), ts[0]!.dtype);
    return result('cat', emptyUninit(dtype, [0]), [...ts], (g) => ts.map((t) => (t.requiresGrad ? g : null)), { axis });
  }
  const first = ts[0]!;
  const a = normAxis('cat', axis, first.ndim);
  let dtype = first.dtype;
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim) {
      throw new ShapeError(`cat: tensor ${i} has ${t.ndim} dimensions ${fmtShape(t.shape)} but tensor 0 has ${first.ndim} ${fmtShape(first.shape)}`);
    }
    for (let d = 0; d < t.ndim; d++) {
      if (d !== a && t.shape[d] !== first.shape[d]) {
        throw new ShapeError(`cat: tensor ${i} has shape ${fmtShape(t.shape)}, which differs from tensor 0 ${fmtShape(first.shape)} on axis ${d} (only axis ${a} may differ)`);
      }
    }
    dtype = promote(dtype, t.dtype);
  });
  const shape = [...first.shape];
  shape[a] = ts.reduce((s, t) => s + t.shape[a]!, 0);
  const out = emptyUninit(dtype, shape);
  const offsets: number[] = [];
  let off = 0;
  for (const t of ts) {
    offsets.push(off);
    const dst = narrow(out, a, off, t.shape[a]!);
    B().copy(strided(t), t.shape, strided(dst));
    off += t.shape[a]!;
  }
  const inputs = ts.map((t) => (t.dtype === dtype ? t : t.to(dtype)));
  return result('cat', out, inputs, (g) => ts.map((t, i) => (t.requiresGrad ? narrow(g, a, offsets[i]!, t.shape[a]!) : null)), { axis: a });
}

function catParts(all: readonly Tensor[], parts: readonly Tensor[], axis: number): Tensor {
  const dtype = all.reduce((d, t) => promote(d, t.dtype), all[0]!.dtype);
  return cat(parts.map((t) => (t.dtype === dtype ? t : t.to(dtype))), axis);
}

/** Joins tensors of equal shape along a new axis. */
export function stack(ts: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('stack', ts);
  const first = ts[0]!;
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(first.shape)}; all must be equal`);
    }
  });
  const a = normAxis('stack', axis, first.ndim + 1);
  return cat(ts.map((t) => t.unsqueeze(a)), a);
}

/**
 * Splits into pieces of `size` along `axis` (the last may be smaller); views. An empty axis gives
 * one empty piece (size 0 is allowed only there), as PyTorch.
 */
export function split(x: Tensor, size: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', x);
  if (typeof size !== 'number' && !(Array.isArray(size) && size.every((s) => Number.isInteger(s) && s >= 0))) {
    throw new ShapeError(`split: size must be a positive integer or a list of non-negative integer sizes, got ${JSON.stringify(size) ?? String(size)}`);
  }
  if (x.ndim === 0) throw new ShapeError('split: cannot split a 0-d tensor');
  const a = normAxis('split', axis, x.ndim);
  const n = x.shape[a]!;
  const sizes: number[] = [];
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0 || (size === 0 && n > 0)) {
      throw new ShapeError(`split: size must be a positive integer${n === 0 ? ' or 0' : ''}, got ${size} (axis ${axis} has size ${n})`);
    }
    if (n === 0) sizes.push(0);
    for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
  } else {
    if (size.reduce((p, q) => p + q, 0) !== n) throw new ShapeError(`split: sizes ${fmtShape(size)} do not add up to ${n} (axis ${axis} of ${fmtShape(x.shape)})`);
    sizes.push(...size);
  }
  const out: Tensor[] = [];
  let off = 0;
  for (const s of sizes) {
    out.push(narrow(x, a, off, s));
    off += s;
  }
  return out;
}

/**
 * Splits into pieces of ceil(n / chunks) along `axis` (so possibly fewer than `chunks`); an empty
 * axis gives `chunks` empty pieces, as PyTorch.
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor('chunk', x);
  if (!Number.isInteger(chunks) || chunks < 1) throw new ShapeError(`chunk: chunks must be a positive integer, got ${JSON.stringify(chunks) ?? String(chunks)}`);
  if (x.ndim === 0) throw new ShapeError('chunk: cannot chunk a 0-d tensor');
  const a = normAxis('chunk', axis, x.ndim);
  const n = x.shape[a]!;
  if (n === 0) return Array.from({ length: chunks }, () => narrow(x, a, 0, 0));
  return split(x, Math.ceil(n / chunks), a);
}

/** One-hot encoding of int32 class indices: [...] -> [..., numClasses] float32. */
export function oneHot(index: Tensor, numClasses: number): Tensor {
  const idx = checkIndex('oneHot', index, numClasses, -1, [numClasses]);
  const out = empty('float32', [...index.shape, numClasses]);
  for (let i = 0; i < idx.length; i++) out._storage[i * numClasses + idx[i]!] = 1;
  return out;
}
