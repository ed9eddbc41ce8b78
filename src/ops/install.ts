/**
 * Installs Tensor's op methods (declared in src/core/tensor.ts) on its prototype: each calls the
 * op of the same name in this directory. Importing any op module installs them (create.ts and
 * the entry points import this file), so core/ depends on nothing in ops/ and ops/ on core/.
 */
import { Tensor, checkTensor, type Operand, type SliceSpec } from '../core/tensor.js';
import { type DType, type TypedArray, checkDType } from '../core/dtype.js';
import { NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import * as ew from './elementwise.js';
import * as red from './reduce.js';
import * as vw from './view.js';
import * as ix from './indexing.js';
import { matmul } from './matmul.js';
import { logSoftmax, softmax } from './softmax.js';

const methods = {
    contiguous(copy = false): Tensor {
      return vw.contiguous(this, copy);
    },
    data(): TypedArray {
      if (this.isContiguous()) return this._storage.slice(this.offset, this.offset + this.size);
      return vw.contiguous(this, true)._storage;
    },
    to(dtype: DType): Tensor {
      return ew.cast(this, checkDType('to', dtype));
    },
    clone(): Tensor {
      return vw.contiguous(this, true);
    },
    add(o: Operand): Tensor {
      return ew.add(this, o);
    },
    sub(o: Operand): Tensor {
      return ew.sub(this, o);
    },
    mul(o: Operand): Tensor {
      return ew.mul(this, o);
    },
    div(o: Operand): Tensor {
      return ew.div(this, o);
    },
    pow(p: Operand): Tensor {
      return ew.pow(this, p);
    },
    maximum(o: Operand): Tensor {
      return ew.maximum(this, o);
    },
    minimum(o: Operand): Tensor {
      return ew.minimum(this, o);
    },
    neg(): Tensor {
      return ew.neg(this);
    },
    exp(): Tensor {
      return ew.exp(this);
    },
    log(): Tensor {
      return ew.log(this);
    },
    log1p(): Tensor {
      return ew.log1p(this);
    },
    sqrt(): Tensor {
      return ew.sqrt(this);
    },
    rsqrt(): Tensor {
      return ew.rsqrt(this);
    },
    square(): Tensor {
      return ew.square(this);
    },
    reciprocal(): Tensor {
      return ew.reciprocal(this);
    },
    abs(): Tensor {
      return ew.abs(this);
    },
    sign(): Tensor {
      return ew.sign(this);
    },
    sin(): Tensor {
      return ew.sin(this);
    },
    cos(): Tensor {
      return ew.cos(this);
    },
    floor(): Tensor {
      return ew.floor(this);
    },
    ceil(): Tensor {
      return ew.ceil(this);
    },
    round(): Tensor {
      return ew.round(this);
    },
    relu(): Tensor {
      return ew.relu(this);
    },
    sigmoid(): Tensor {
      return ew.sigmoid(this);
    },
    tanh(): Tensor {
      return ew.tanh(this);
    },
    softplus(): Tensor {
      return ew.softplus(this);
    },
    gelu(): Tensor {
      return ew.gelu(this);
    },
    leakyRelu(negativeSlope = 0.01): Tensor {
      return ew.leakyRelu(this, negativeSlope);
    },
    elu(alpha = 1): Tensor {
      return ew.elu(this, alpha);
    },
    clamp(min?: number | null, max?: number | null): Tensor {
      return ew.clamp(this, min ?? null, max ?? null);
    },
    eq(o: Operand): Tensor {
      return ew.compare('eq', this, o);
    },
    ne(o: Operand): Tensor {
      return ew.compare('ne', this, o);
    },
    lt(o: Operand): Tensor {
      return ew.compare('lt', this, o);
    },
    le(o: Operand): Tensor {
      return ew.compare('le', this, o);
    },
    gt(o: Operand): Tensor {
      return ew.compare('gt', this, o);
    },
    ge(o: Operand): Tensor {
      return ew.compare('ge', this, o);
    },
    logicalNot(): Tensor {
      return ew.logicalNot(this);
    },
    maskedFill(mask: Tensor, value: number): Tensor {
      checkTensor('maskedFill', mask, 'mask');
      if (typeof value !== 'number') throw new NablaError(`maskedFill: the fill value must be a number, got ${describe(value)}`);
      return ix.maskedFill(this, mask, value);
    },
    sum(axis?: number | readonly number[] | null, keepdim = false): Tensor {
      return red.sum(this, axesArg('sum', this, axis), keepdim);
    },
    mean(axis?: number | readonly number[] | null, keepdim = false): Tensor {
      return red.mean(this, axesArg('mean', this, axis), keepdim);
    },
    max(axis?: number | readonly number[] | null, keepdim = false): Tensor {
      return red.max(this, axesArg('max', this, axis), keepdim);
    },
    min(axis?: number | readonly number[] | null, keepdim = false): Tensor {
      return red.min(this, axesArg('min', this, axis), keepdim);
    },
    var(axis?: number | readonly number[] | null, keepdim = false, correction = 1): Tensor {
      return red.variance(this, axesArg('var', this, axis), keepdim, correctionArg('var', correction));
    },
    std(axis?: number | readonly number[] | null, keepdim = false, correction = 1): Tensor {
      return red.std(this, axesArg('std', this, axis), keepdim, correctionArg('std', correction));
    },
    logsumexp(axis: number | readonly number[], keepdim = false): Tensor {
      if (axis === undefined || axis === null) throw new NablaError('logsumexp: give the axis (or axes) to reduce, e.g. logsumexp(-1)');
      return red.logsumexp(this, axesArg('logsumexp', this, axis)!, keepdim);
    },
    argmax(axis?: number | null, keepdim = false): Tensor {
      return red.argReduce('argmax', this, axis ?? null, keepdim);
    },
    argmin(axis?: number | null, keepdim = false): Tensor {
      return red.argReduce('argmin', this, axis ?? null, keepdim);
    },
    softmax(axis: number): Tensor {
      return softmax(this, axis);
    },
    logSoftmax(axis: number): Tensor {
      return logSoftmax(this, axis);
    },
    matmul(o: Tensor): Tensor {
      return matmul(this, o);
    },
    reshape(shape: readonly number[]): Tensor {
      return vw.reshape(this, shapeArg('reshape', shape));
    },
    view(shape: readonly number[]): Tensor {
      return vw.view(this, shapeArg('view', shape));
    },
    transpose(a: number, b: number): Tensor {
      return vw.transpose(this, a, b);
    },
    get T(): Tensor {
      return vw.permute(this, [...this.shape.keys()].reverse());
    },
    get mT(): Tensor {
      // a 0-d tensor is its own matrix transpose (PyTorch 1.13 returns it; 1-D is an error)
      if (this.ndim === 0) return vw.transpose(this, 0, 0);
      return vw.transpose(this, -2, -1);
    },
    permute(...axes: number[] | [readonly number[]]): Tensor {
      const ax = (Array.isArray(axes[0]) ? axes[0] : axes) as readonly number[];
      return vw.permute(this, ax);
    },
    flatten(start = 0, end = -1): Tensor {
      return vw.flatten(this, start, end);
    },
    squeeze(axis?: number): Tensor {
      return vw.squeeze(this, axis);
    },
    unsqueeze(axis: number): Tensor {
      return vw.unsqueeze(this, axis);
    },
    expand(shape: readonly number[]): Tensor {
      return vw.expand(this, shapeArg('expand', shape));
    },
    expandAs(o: Tensor): Tensor {
      return vw.expand(this, o.shape);
    },
    slice(...specs: SliceSpec[]): Tensor {
      specs.forEach((s, i) => {
        if (s !== null && typeof s !== 'number' && !Array.isArray(s)) {
          throw new NablaError(`slice: spec ${i} must be an index, [start, end, step] or null, got ${describe(s)}`);
        }
      });
      return vw.slice(this, specs);
    },
    narrow(axis: number, start: number, length: number): Tensor {
      return vw.narrow(this, axis, start, length);
    },
    select(axis: number, index: number): Tensor {
      return vw.select(this, axis, index);
    },
    repeat(...reps: number[]): Tensor {
      return vw.repeat(this, reps);
    },
    gather(axis: number, index: Tensor): Tensor {
      return ix.gather(this, axis, checkTensor('gather', index, 'index'));
    },
    indexSelect(axis: number, index: Tensor | readonly number[]): Tensor {
      return ix.indexSelect(this, axis, index);
    },
    copy_(src: Tensor | number): Tensor {
      vw.assign(this, src, 'copy_');
      return this;
    },
    fill_(value: number): Tensor {
      ix.checkFillValue('fill_', value, this.dtype);
      vw.assign(this, value, 'fill_', { overlapOk: true });
      return this;
    },
    add_(o: Operand, alpha = 1): Tensor {
      return inPlace(this, 'add_', 'add', alpha === 1 || typeof o === 'number' ? (typeof o === 'number' ? o * alpha : o) : ew.noGradBinary('mul', o, alpha));
    },
    sub_(o: Operand): Tensor {
      return inPlace(this, 'sub_', 'sub', o);
    },
    mul_(o: Operand): Tensor {
      return inPlace(this, 'mul_', 'mul', o);
    },
    div_(o: Operand): Tensor {
      return inPlace(this, 'div_', 'div', o);
    },
} satisfies Partial<Tensor> & ThisType<Tensor>;

// non-enumerable, as class methods are
for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(methods))) {
  Object.defineProperty(Tensor.prototype, name, { ...d, enumerable: false });
}

function inPlace(t: Tensor, name: string, op: 'add' | 'sub' | 'mul' | 'div', o: Operand): Tensor {
  if (vw.hasInternalOverlap(t)) vw.assign(t, 0, name); // throws the overlap error before computing
  vw.assign(t, ew.noGradBinary(op, t, o), name, { checkCast: true });
  return t;
}

/** A shape argument of reshape/view/expand: an array of integers (-1 allowed; the op checks the rest). */
function shapeArg(op: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: the shape must be an array of sizes such as [2, -1], got ${describe(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new ShapeError(`${op}: sizes must be integers, got ${describe(d)} in the shape`);
  }
  return shape;
}

/** The axes of a reduction: an integer, a list of distinct integers, or null/undefined for all. */
function axesArg(op: string, x: Tensor, axis: unknown): number | readonly number[] | null {
  if (axis === undefined || axis === null) return null;
  if (typeof axis === 'number') return axis;
  if (!Array.isArray(axis)) throw new ShapeError(`${op}: axis must be an integer or a list of integers, got ${describe(axis)}`);
  const seen = new Set<number>();
  for (const a of axis) {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new ShapeError(`${op}: axis must be an integer or a list of integers, got ${describe(a)} in the list`);
    const n = a < 0 ? a + x.ndim : a;
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${a} appears more than once in ${fmtShape(axis)}`);
    seen.add(n);
  }
  return axis;
}

function correctionArg(op: string, c: unknown): number {
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new NablaError(`${op}: correction must be a finite number, got ${describe(c)}`);
  return c;
}
