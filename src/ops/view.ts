/**
 * Shape and view ops. A view shares storage with its source and only changes (shape, strides,
 * offset); its gradient is the inverse rearrangement of the upstream gradient.
 */
import { Tensor, type SliceSpec } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { canCast } from '../core/dtype.js';
import { broadcastStrides, contiguousStrides, normAxis, shapesEqual, sizeOf } from '../core/shape.js';
import { isGradEnabled } from '../core/autograd.js';
import { B } from '../backend/registry.js';
import { empty, emptyUninit, operands, result, strided } from './result.js';

/** A contiguous copy (or `x` itself when already contiguous and no copy is asked for). */
export function contiguous(x: Tensor, copy: boolean): Tensor {
  if (!copy && x.isContiguous()) return x;
  const out = emptyUninit(x.dtype, x.shape);
  B().copy(strided(x), x.shape, { data: out._storage, offset: 0, strides: out.strides });
  return result('contiguous', out, [x], (g) => [g]);
}

/** Resolves one -1 in a requested shape and checks the element count. */
function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: only one axis can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid size ${d} in ${fmtShape(shape)}`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    out[infer] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${sizeOf(out)} elements)`);
  }
  return out;
}

/**
 * Strides that let `newShape` view the same memory as (oldShape, oldStrides), or null if no view
 * exists (then a copy is needed). Groups of old axes that are contiguous with each other can be
 * split or merged freely; nothing may cross a gap.
 */
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  if (sizeOf(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

function asView(op: string, x: Tensor, shape: number[], strides: number[], offset: number, backward: (g: Tensor) => Tensor, attrs?: Record<string, unknown>): Tensor {
  const v = new Tensor(x._storage, shape, strides, offset);
  return result(op, v, [x], (g) => [backward(g)], attrs);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = resolveShape('reshape', x, shape);
  if (shapesEqual(s, x.shape)) return x;
  const st = viewStrides(x.shape, x.strides, s);
  if (st === null) return reshape(contiguous(x, true), s);
  return asView('reshape', x, s, st, x.offset, (g) => g.reshape(x.shape));
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = resolveShape('view', x, shape);
  const st = viewStrides(x.shape, x.strides, s);
  if (st === null) {
    throw new ShapeError(
      `view: a tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(s)} without a copy; use reshape(), or contiguous() first`,
    );
  }
  return asView('view', x, s, st, x.offset, (g) => g.reshape(x.shape));
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length !== x.ndim) {
    throw new ShapeError(`permute: got ${axes.length} axes ${fmtShape(axes)} for a tensor with ${x.ndim} dimensions ${fmtShape(x.shape)}`);
  }
  const ax = axes.map((a) => normAxis('permute', a, x.ndim));
  if (new Set(ax).size !== ax.length) throw new ShapeError(`permute: repeated axis in ${fmtShape(axes)}`);
  const inverse = new Array<number>(ax.length);
  ax.forEach((a, i) => (inverse[a] = i));
  return asView(
    'permute',
    x,
    ax.map((a) => x.shape[a]!),
    ax.map((a) => x.strides[a]!),
    x.offset,
    (g) => g.permute(inverse),
    { axes: ax },
  );
}

export function transpose(x: Tensor, a: number, b: number): Tensor {
  const i = normAxis('transpose', a, x.ndim);
  const j = normAxis('transpose', b, x.ndim);
  if (i === j) return x; // also transpose(0, 0) and (0, -1) of a 0-d tensor, as PyTorch
  const axes = [...x.shape.keys()];
  axes[i] = j;
  axes[j] = i;
  return permute(x, axes);
}

export function flatten(x: Tensor, start: number, end: number): Tensor {
  if (x.ndim === 0) {
    normAxis('flatten', start, 0);
    normAxis('flatten', end, 0);
    return reshape(x, [1]);
  }
  const s = normAxis('flatten', start, x.ndim);
  const e = normAxis('flatten', end, x.ndim);
  if (s > e) throw new ShapeError(`flatten: start axis ${start} comes after end axis ${end}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis('squeeze', axis, x.ndim);
  if (x.shape[a] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis('unsqueeze', axis, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  const strides = [...x.strides];
  strides.splice(a, 0, a < x.ndim ? x.strides[a]! * x.shape[a]! : 1);
  return asView('unsqueeze', x, shape, strides, x.offset, (g) => g.reshape(x.shape));
}

/** A broadcast view: size-1 axes (and new leading axes) stretched with stride 0. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new ShapeError(`expand: the target ${fmtShape(shape)} has fewer dimensions than the tensor ${fmtShape(x.shape)}`);
  }
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 ? (i < lead ? -1 : x.shape[i - lead]!) : d));
  target.forEach((d, i) => {
    const src = i < lead ? 1 : x.shape[i - lead]!;
    if (d < 0 || (src !== d && src !== 1)) {
      throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}: axis ${i} has size ${src}, which must be 1 or ${d}`);
    }
  });
  if (shapesEqual(target, x.shape)) return x;
  // the gradient is summed back to x's shape by autograd's sumToShape
  return asView('expand', x, target, broadcastStrides(x.shape, x.strides, target), x.offset, (g) => g);
}

export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  if (reps.length < x.ndim) throw new ShapeError(`repeat: need at least ${x.ndim} repeat counts for shape ${fmtShape(x.shape)}, got ${reps.length}`);
  const lead = reps.length - x.ndim;
  const xs = [...new Array<number>(lead).fill(1), ...x.shape];
  const inter: number[] = [];
  const big: number[] = [];
  const final: number[] = [];
  xs.forEach((d, i) => {
    inter.push(1, d);
    big.push(reps[i]!, d);
    final.push(reps[i]! * d);
  });
  return x.reshape(inter).expand(big).reshape(final);
}

interface SliceResult {
  shape: number[];
  strides: number[];
  offset: number;
}

/** Applies slice specs to a layout (no data touched). */
function sliceLayout(x: { shape: readonly number[]; strides: readonly number[]; offset: number }, specs: readonly SliceSpec[]): SliceResult {
  if (specs.length > x.shape.length) {
    throw new ShapeError(`slice: ${specs.length} indices given for a tensor with ${x.shape.length} dimensions ${fmtShape(x.shape)}`);
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  for (let ax = 0; ax < x.shape.length; ax++) {
    const n = x.shape[ax]!;
    const st = x.strides[ax]!;
    const spec = specs[ax];
    if (spec === undefined || spec === null) {
      shape.push(n);
      strides.push(st);
    } else if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) {
        throw new ShapeError(`slice: index ${spec} is out of range for axis ${ax} of size ${n} (shape ${fmtShape(x.shape)})`);
      }
      offset += (spec < 0 ? spec + n : spec) * st;
    } else {
      const step = spec[2] ?? 1;
      if (!Number.isInteger(step) || step <= 0) throw new ShapeError(`slice: step must be a positive integer, got ${step} on axis ${ax}`);
      const clampIdx = (v: number | null | undefined, dflt: number): number => {
        if (v === null || v === undefined) return dflt;
        const r = v < 0 ? v + n : v;
        return Math.min(Math.max(r, 0), n);
      };
      const start = clampIdx(spec[0], 0);
      const end = clampIdx(spec[1], n);
      const len = end > start ? Math.ceil((end - start) / step) : 0;
      shape.push(len);
      strides.push(st * step);
      if (len > 0) offset += start * st;
    }
  }
  return { shape, strides, offset };
}

export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  const r = sliceLayout(x, specs);
  return viewOfRegion('slice', x, r, (t) => sliceLayout(t, specs), { specs });
}

export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new ShapeError('narrow: cannot narrow a 0-d tensor');
  const a = normAxis('narrow', axis, x.ndim);
  const n = x.shape[a]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new ShapeError(`narrow: start ${start} and length ${length} do not fit axis ${axis} of size ${n} (shape ${fmtShape(x.shape)})`);
  }
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[a] = [s, s + length];
  return slice(x, specs);
}

export function select(x: Tensor, axis: number, index: number): Tensor {
  if (x.ndim === 0) throw new ShapeError('select: cannot select from a 0-d tensor');
  const a = normAxis('select', axis, x.ndim);
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[a] = index;
  return slice(x, specs);
}

/**
 * A view onto a sub-region of x. Its gradient is the upstream gradient written into that same
 * region of a zero tensor shaped like x (and that op's own gradient is the region again).
 */
function viewOfRegion(
  op: string,
  x: Tensor,
  r: SliceResult,
  layout: (t: { shape: readonly number[]; strides: readonly number[]; offset: number }) => SliceResult,
  attrs: Record<string, unknown>,
): Tensor {
  const v = new Tensor(x._storage, r.shape, r.strides, r.offset);
  return result(op, v, [x], (g) => [scatterRegion(g, x.shape, layout)], attrs);
}

function scatterRegion(
  g: Tensor,
  shape: readonly number[],
  layout: (t: { shape: readonly number[]; strides: readonly number[]; offset: number }) => SliceResult,
): Tensor {
  const out = empty(g.dtype, shape);
  const r = layout(out);
  B().copy(strided(g), g.shape, { data: out._storage, offset: r.offset, strides: r.strides });
  return result('sliceBackward', out, [g], (gg) => [regionOf(gg, layout)]);
}

function regionOf(t: Tensor, layout: (t: { shape: readonly number[]; strides: readonly number[]; offset: number }) => SliceResult): Tensor {
  const r = layout(t);
  return viewOfRegion('slice', t, r, layout, {});
}

/**
 * Writes `src` (broadcast to x's shape, converted to x's dtype) into x's storage, in place.
 * `op` names the in-place op in errors. Refused, as in PyTorch: a target whose elements share
 * memory (an expanded view: the write would be ambiguous), unless `overlapOk` (fill_ writes one
 * value everywhere), and with `checkCast`, a source dtype that cannot be cast to the target's
 * without losing its kind (float into int32, anything but bool into bool).
 */
export function assign(x: Tensor, src: Tensor | number, op = 'copy_', opts: { overlapOk?: boolean; checkCast?: boolean } = {}): void {
  if (isGradEnabled() && x.requiresGrad) {
    throw new NablaError(`${op}: in-place update of a tensor that requires grad: do it inside noGrad(() => ...), or on x.detach()`);
  }
  if (!opts.overlapOk && hasInternalOverlap(x)) {
    throw new NablaError(`${op}: cannot write into a tensor whose elements share memory (an expanded view, shape ${fmtShape(x.shape)} strides ${fmtShape(x.strides)}); clone() it first`);
  }
  if (opts.checkCast && src instanceof Tensor && !canCast(src.dtype, x.dtype)) {
    throw new DTypeError(`${op}: the result has dtype ${src.dtype}, which cannot be written into a ${x.dtype} tensor without changing its kind`);
  }
  let [s] = operands(op, src, x);
  if (!shapesEqual(s.shape, x.shape)) checkBroadcastInto(s.shape, x.shape);
  // into bool: non-zero (and NaN) is true, not the number's low byte
  if (x.dtype === 'bool' && s.dtype !== 'bool') s = s.detach().to('bool');
  B().copy(strided(s, x.shape), x.shape, strided(x));
}

/** True if two different indices of x address the same element (a stride-0 axis of size > 1). */
export function hasInternalOverlap(x: Tensor): boolean {
  return x.size > 1 && x.shape.some((d, i) => d > 1 && x.strides[i] === 0);
}

function checkBroadcastInto(from: readonly number[], to: readonly number[]): void {
  if (from.length > to.length) throw new ShapeError(`copy_: cannot copy a tensor of shape ${fmtShape(from)} into shape ${fmtShape(to)}`);
  const lead = to.length - from.length;
  from.forEach((d, i) => {
    if (d !== 1 && d !== to[lead + i]) throw new ShapeError(`copy_: cannot broadcast ${fmtShape(from)} into shape ${fmtShape(to)}`);
  });
}
