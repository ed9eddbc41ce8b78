/**
 * Reductions over all elements, one axis or several axes, with keepdim. The kernels reduce the
 * middle axis of a contiguous [outer, n, inner] array; several axes are reduced one at a time.
 */
import { Tensor } from '../core/tensor.js';
import { type DType, isFloat } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { normAxis, sizeOf } from '../core/shape.js';
import { B } from '../backend/registry.js';
import type { ReduceOp } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { contiguous } from './view.js';
import { where } from './indexing.js';
import { DTypeError } from '../core/errors.js';

export type Axes = number | readonly number[] | null;

/**
 * Normalised, sorted axes; null (and, as in PyTorch, an empty list) means all. An axis given
 * twice (also as a and a - ndim) is an error, as in PyTorch.
 */
export function normAxes(op: string, x: Tensor, axis: Axes): number[] {
  if (axis === null) return [...x.shape.keys()];
  const list = typeof axis === 'number' ? [axis] : axis;
  if (list.length === 0) return [...x.shape.keys()];
  const out = list.map((a) => normAxis(op, a, x.ndim));
  const dup = out.find((a, i) => out.indexOf(a) !== i);
  if (dup !== undefined) throw new ShapeError(`${op}: axis ${dup} appears more than once in the axes ${JSON.stringify(list)} (shape ${fmtShape(x.shape)})`);
  return x.ndim === 0 ? [] : out.sort((a, b) => a - b);
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function finalShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Merges runs of adjacent axes that are all reduced or all kept (valid on a contiguous array), so
 * that e.g. a conv-bias gradient sum over [0, 2, 3] of [N, C, H, W] becomes one pass over
 * [N, C, H*W] reducing [0, 2] instead of three passes.
 */
function mergeAxes(shape: readonly number[], axes: readonly number[]): { shape: number[]; axes: number[] } {
  const outShape: number[] = [];
  const outAxes: number[] = [];
  let prevReduced: boolean | null = null;
  shape.forEach((d, i) => {
    const reduced = axes.includes(i);
    if (prevReduced === reduced) outShape[outShape.length - 1]! *= d;
    else {
      outShape.push(d);
      if (reduced) outAxes.push(outShape.length - 1);
    }
    prevReduced = reduced;
  });
  return { shape: outShape, axes: outAxes };
}

/** Runs a reduction kernel over `axes` (no graph); result has keepdim shape. */
function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[], dtype: DType): Tensor {
  let cur = contiguous(x, false).detach();
  if (cur.dtype !== dtype) cur = cur.to(dtype);
  const merged = mergeAxes(x.shape, axes);
  let shape = merged.shape;
  // reduce the highest axis first so lower axis indices stay valid
  for (let k = merged.axes.length - 1; k >= 0; k--) {
    const a = merged.axes[k]!;
    const outer = sizeOf(shape.slice(0, a));
    const n = shape[a]!;
    const inner = sizeOf(shape.slice(a + 1));
    shape = keptShape(shape, [a]);
    const out = emptyUninit(dtype, shape);
    B().reduce(op, cur._contiguousData(), outer, n, inner, out._storage);
    cur = out;
  }
  return new Tensor(cur._contiguousData(), keptShape(x.shape, axes));
}

function sumDType(d: DType): DType {
  return d === 'bool' ? 'int32' : d;
}

/** y = sum_i x_i;  dy/dx_i = 1 (the gradient is broadcast back over the reduced axes) */
export function sum(x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  const axes = normAxes('sum', x, axis);
  const kept = reduceKernel('sum', x, axes, sumDType(x.dtype));
  const y = keepdim ? kept : new Tensor(kept._storage, finalShape(x.shape, axes, false));
  return result('sum', y, [x], (g) => [g.reshape(kept.shape).expand(x.shape)], { axes, keepdim });
}

/** y = (1/n) sum_i x_i (composed from sum, so its gradient is 1/n) */
export function mean(x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  const axes = normAxes('mean', x, axis);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const xf = isFloat(x.dtype) ? x : x.to('float32');
  return sum(xf, axes, keepdim).div(n);
}

/**
 * y = max_i x_i. The gradient goes to the elements equal to the max, split evenly among ties
 * (PyTorch's rule for amax/amin). NaN propagates: over given axes a slice whose max is NaN gets
 * a NaN gradient (as amax); over all elements the NaNs share it (as torch.max(x)).
 */
function extremum(op: 'max' | 'min', x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  const axes = normAxes(op, x, axis);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new ShapeError(`${op}: cannot reduce over axis ${a} of size 0 (shape ${fmtShape(x.shape)})`);
  }
  if (x.size === 0 && axes.length === x.ndim && x.ndim > 0) throw new ShapeError(`${op}: cannot reduce an empty tensor ${fmtShape(x.shape)}`);
  // bool reduces as int32 and comes back as bool (max = any, min = all), as PyTorch
  const dt = x.dtype === 'bool' ? 'int32' : x.dtype;
  let kept = reduceKernel(op, x, axes, dt);
  if (x.dtype === 'bool') kept = kept.to('bool');
  const y = keepdim ? kept : new Tensor(kept._storage, finalShape(x.shape, axes, false));
  // torch.max(x) (NaNs share the gradient) only without keepdim; with keepdim it is amax over every axis
  const all = axis === null && !keepdim;
  return result(op, y, [x], (g) => {
    let mask = x.eq(kept);
    if (all && Number.isNaN(kept.item())) mask = x.ne(x);
    const count = mask.sum(axes, true);
    return [g.reshape(kept.shape).mul(mask).div(count)];
  }, { axes, keepdim });
}

export function max(x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  return extremum('max', x, axis, keepdim);
}
export function min(x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  return extremum('min', x, axis, keepdim);
}

/**
 * Variance with Bessel-style `correction` (1 = unbiased): sum (x - mean)^2 / max(n - correction, 0).
 * Its gradient is PyTorch's: 2 (x - mean) / (n - correction) times the upstream gradient (the
 * mean's own gradient cancels, so it is left out: an infinite element then spoils only its own
 * slice's NaNs, not every gradient of the slice).
 */
export function variance(x: Tensor, axis: Axes, keepdim: boolean, correction: number): Tensor {
  requireFloatReduce('var', x);
  const axes = normAxes('var', x, axis);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const kept = noGradVariance(x, axes, n, correction);
  const y = keepdim ? kept : kept.reshape(finalShape(x.shape, axes, false));
  return result('var', y, [x], (g) => [varianceGrad(x, axes, n - correction, g.reshape(kept.shape))], { axes, keepdim, correction });
}

function varianceGrad(x: Tensor, axes: readonly number[], dof: number, g: Tensor): Tensor {
  // a 0-d input: 2 / 0 times the upstream gradient (PyTorch's value; (x - mean) = 0 is not multiplied in)
  if (x.ndim === 0 && dof === 0) return g.mul(Infinity);
  return g.mul(2 / dof).mul(x.sub(x.mean(axes, true)));
}

/**
 * Standard deviation sqrt(var). Gradient (upstream / (2 std)) through var's, and 0 where std is 0
 * (a constant slice), as PyTorch: not 0/0 = NaN.
 */
export function std(x: Tensor, axis: Axes, keepdim: boolean, correction: number): Tensor {
  requireFloatReduce('std', x);
  const axes = normAxes('std', x, axis);
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const v = noGradVariance64(x, axes, n, correction);
  const kept = v.sqrt().to(isFloat(x.dtype) ? x.dtype : 'float32');
  const y = keepdim ? kept : kept.reshape(finalShape(x.shape, axes, false));
  return result('std', y, [x], (g) => {
    const gv = where(kept.eq(0), 0, g.reshape(kept.shape).div(kept.mul(2)));
    return [varianceGrad(x, axes, n - correction, gv)];
  }, { axes, keepdim, correction });
}

/**
 * The variance without a graph, accumulated in float64 (as PyTorch's CPU kernels do for float32:
 * squares of float32 values beyond 1.8e19 would overflow), returned in x's float dtype.
 */
function noGradVariance(x: Tensor, axes: readonly number[], n: number, correction: number): Tensor {
  return noGradVariance64(x, axes, n, correction).to(isFloat(x.dtype) ? x.dtype : 'float32');
}

function noGradVariance64(x: Tensor, axes: readonly number[], n: number, correction: number): Tensor {
  const xd = x.detach().to('float64');
  const d = xd.sub(xd.mean(axes, true));
  return d.mul(d).sum(axes, true).div(Math.max(n - correction, 0));
}

/** int32 and bool inputs are computed in float32 (a documented deviation: PyTorch refuses them). */
function requireFloatReduce(op: string, x: Tensor): void {
  if (!isFloat(x.dtype) && x.dtype !== 'int32' && x.dtype !== 'bool') throw new DTypeError(`${op}: unsupported dtype ${x.dtype}`);
}

/**
 * log sum_i e^{x_i}, stable: m + log sum_i e^{x_i - m} with m = max x (m carries no gradient).
 * Over an empty axis it is log 0 = -inf, as PyTorch.
 */
export function logsumexp(x: Tensor, axis: number | readonly number[], keepdim: boolean): Tensor {
  const axes = normAxes('logsumexp', x, axis);
  const xf = isFloat(x.dtype) ? x : x.to('float32');
  const empty = axes.some((a) => x.shape[a] === 0);
  const m = empty ? xf.detach().sum(axes, true).mul(0) : xf.detach().max(axes, true);
  const mSafe = m.maskedFill(m.abs().eq(Infinity), 0);
  const r = xf.sub(mSafe).exp().sum(axes, true).log().add(mSafe);
  return keepdim ? r : r.reshape(finalShape(x.shape, axes, false));
}

/** Index of the max (min) along one axis, or over the flattened tensor; int32, no gradient. */
export function argReduce(op: 'argmax' | 'argmin', x0: Tensor, axis: number | null, keepdim: boolean): Tensor {
  // PyTorch has no bool kernel; a call that never reaches one (an empty tensor, or an axis of
  // size 1 of a tensor with dimensions: the result is all zeros) succeeds there, so it does here
  if (x0.dtype === 'bool') {
    const trivial = x0.size === 0 || (axis !== null && x0.ndim > 0 && x0.shape[normAxis(op, axis, x0.ndim)] === 1);
    if (!trivial) throw new DTypeError(`${op}: not supported for bool tensors (convert with .int())`);
  }
  const x = x0.dtype === 'bool' ? x0.detach().to('int32') : x0;
  if (axis === null) {
    if (x.size === 0) throw new NablaError(`${op}: the tensor is empty`);
    const flat = contiguous(x, false).detach().reshape([1, x.size, 1]);
    const out = new Int32Array(1);
    B().argReduce(op, flat._contiguousData(), 1, x.size, 1, out);
    return new Tensor(out, keepdim ? x.shape.map(() => 1) : []);
  }
  const a = normAxis(op, axis, x.ndim);
  const n = x.shape[a] ?? 1;
  if (n === 0) throw new ShapeError(`${op}: cannot reduce over axis ${axis} of size 0 (shape ${fmtShape(x.shape)})`);
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const out = new Int32Array(outer * inner);
  B().argReduce(op, contiguous(x, false).detach()._contiguousData(), outer, n, inner, out);
  return new Tensor(out, finalShape(x.shape, x.ndim === 0 ? [] : [a], keepdim));
}
