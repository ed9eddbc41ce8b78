/**
 * The Tensor: an n-dimensional view (shape, strides, offset) onto a plain typed array.
 *
 * Views (reshape of a contiguous tensor, transpose, permute, slice, expand) share storage with
 * the tensor they come from. Storage is owned by JavaScript, so the garbage collector frees it;
 * there is no `dispose()`.
 *
 * The methods are thin: each calls the op of the same name in `src/ops/`, where the forward
 * computation, its derivative and its formula live together.
 */
import { type DType, type TypedArray, allocate, checkDType, isFloat, storageDType } from './dtype.js';
import { DTypeError, NablaError, ShapeError, describe, fmtShape } from './errors.js';
import { checkLayout, contiguousStrides, shapesEqual, sizeOf } from './shape.js';
import { type BackwardOptions, type Node, runBackward } from './autograd.js';
import { B } from '../backend/registry.js';
import * as ew from '../ops/elementwise.js';
import * as red from '../ops/reduce.js';
import * as vw from '../ops/view.js';
import * as ix from '../ops/indexing.js';
import { matmul } from '../ops/matmul.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { formatTensor } from './format.js';

/** One entry of `t.slice(...)`: an index (drops the axis), `[start, end?, step?]`, or null (whole axis). */
export type SliceSpec = number | null | readonly [number | null | undefined, (number | null)?, (number | null)?];

export type Operand = Tensor | number;

export class Tensor {
  /** the flat storage this tensor views (shared with other views) */
  readonly storage: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  readonly size: number;
  /** whether gradients flow to this tensor */
  requiresGrad = false;
  private _grad: Tensor | null = null;
  /** an optional name, shown by explain and graph */
  name: string | undefined = undefined;
  /** how this tensor was computed (null for leaves) */
  _node: Node | null = null;
  _retainsGrad = false;
  /** @internal a plain number an op turned into a 0-d tensor: it does not up-cast other operands (see resultType) */
  _wrappedNumber = false;

  /**
   * A view of `storage` (a Float32Array, Float64Array, Int32Array, or Uint8Array for bool) with
   * `shape`, `strides` (default row-major) and `offset`. Every element the view addresses must
   * lie inside the storage: anything else is refused here, before a kernel could read past it.
   */
  constructor(storage: TypedArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.dtype = storageDType('Tensor', storage);
    this.size = checkLayout(storage.length, shape, strides, offset);
    this.storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
  }

  /**
   * dJ/d(this), filled by backward() for leaves (and non-leaves that called retainGrad). May be
   * set by hand to a tensor of this tensor's shape and dtype, or null.
   */
  get grad(): Tensor | null {
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) checkGrad(this, g);
    this._grad = g;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** PyTorch aliases */
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return this.size;
  }

  /** True for leaves: tensors not computed by a recorded op. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  // ---------------------------------------------------------------- reading values

  /** True if the elements are laid out row-major without gaps, starting at `offset`. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== expected) return this.size === 0;
      expected *= d;
    }
    return true;
  }

  /**
   * A contiguous tensor with the same values: `this` if already contiguous (unless `copy`),
   * otherwise a copy. Differentiable.
   */
  contiguous(copy = false): Tensor {
    return vw.contiguous(this, copy);
  }

  /** A copy of the values as a typed array, in row-major order. */
  data(): TypedArray {
    if (this.isContiguous()) return this.storage.slice(this.offset, this.offset + this.size);
    return vw.contiguous(this, true).storage;
  }

  /** A typed array with the values in row-major order, without copying when the storage already is one. @internal */
  _contiguousData(): TypedArray {
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.size) return this.storage;
    return this.data();
  }

  /**
   * The values as nested JavaScript arrays (a number for a 0-d tensor). Name the expected type to
   * avoid a cast: `t.toArray<number[][]>()`.
   */
  toArray<T extends NestedArray = NestedArray>(): T {
    return this.nested() as T;
  }

  private nested(): NestedArray {
    const d = this.data();
    if (this.ndim === 0) return d[0]!;
    const build = (axis: number, start: number): NestedArray => {
      const n = this.shape[axis]!;
      const out: NestedArray[] = [];
      if (axis === this.ndim - 1) {
        for (let i = 0; i < n; i++) out.push(d[start + i]!);
      } else {
        const step = sizeOf(this.shape.slice(axis + 1));
        for (let i = 0; i < n; i++) out.push(build(axis + 1, start + i * step));
      }
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new NablaError(`item: only one-element tensors can be converted to a number, got shape ${fmtShape(this.shape)}`);
    return this.storage[this.offset]!;
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---------------------------------------------------------------- autograd

  /** Backpropagates from this tensor: fills `.grad` of every leaf that requires it. */
  backward(grad?: Tensor | number, opts?: BackwardOptions): void {
    if (grad !== undefined && grad !== null && !(grad instanceof Tensor) && typeof grad !== 'number') {
      throw new NablaError(`backward: the gradient must be a Tensor or a number, got ${describe(grad)}`);
    }
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new NablaError(`backward: options must be an object such as { createGraph: true }, got ${describe(opts)}`);
    if (grad === null) grad = undefined;
    const g = grad === undefined ? undefined : grad instanceof Tensor ? grad : this._full(grad);
    runBackward(this, g, opts);
  }

  /** A tensor sharing this one's storage, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** Sets whether gradients should be recorded for this leaf; returns this. */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad_: only floating-point tensors can require gradients, this one is ${this.dtype}`);
    }
    if (!flag && this._node !== null) {
      throw new NablaError('requiresGrad_(false): this tensor was computed by an op; use detach() to cut it off from the graph');
    }
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps `.grad` on this non-leaf tensor during backward(). */
  retainGrad(): this {
    this._retainsGrad = true;
    return this;
  }

  /** @internal a tensor of ones with this shape and dtype */
  _onesLike(): Tensor {
    return this._full(1);
  }

  /** @internal a new tensor filled with `v`, this shape and dtype */
  _full(v: number): Tensor {
    const s = allocate(this.dtype, this.size);
    s.fill(v);
    return new Tensor(s, this.shape);
  }

  // ---------------------------------------------------------------- dtype

  /** A copy converted to `dtype` (this tensor if it already has it). Differentiable between float types. */
  to(dtype: DType): Tensor {
    return ew.cast(this, checkDType('to', dtype));
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  /** A contiguous copy that is part of the graph (gradient flows through). */
  clone(): Tensor {
    return vw.contiguous(this, true);
  }

  // ---------------------------------------------------------------- elementwise

  add(o: Operand): Tensor {
    return ew.add(this, o);
  }
  sub(o: Operand): Tensor {
    return ew.sub(this, o);
  }
  mul(o: Operand): Tensor {
    return ew.mul(this, o);
  }
  div(o: Operand): Tensor {
    return ew.div(this, o);
  }
  pow(p: Operand): Tensor {
    return ew.pow(this, p);
  }
  maximum(o: Operand): Tensor {
    return ew.maximum(this, o);
  }
  minimum(o: Operand): Tensor {
    return ew.minimum(this, o);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  log1p(): Tensor {
    return ew.log1p(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  floor(): Tensor {
    return ew.floor(this);
  }
  ceil(): Tensor {
    return ew.ceil(this);
  }
  round(): Tensor {
    return ew.round(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  softplus(): Tensor {
    return ew.softplus(this);
  }
  gelu(): Tensor {
    return ew.gelu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ew.leakyRelu(this, negativeSlope);
  }
  elu(alpha = 1): Tensor {
    return ew.elu(this, alpha);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min ?? null, max ?? null);
  }
  eq(o: Operand): Tensor {
    return ew.compare('eq', this, o);
  }
  ne(o: Operand): Tensor {
    return ew.compare('ne', this, o);
  }
  lt(o: Operand): Tensor {
    return ew.compare('lt', this, o);
  }
  le(o: Operand): Tensor {
    return ew.compare('le', this, o);
  }
  gt(o: Operand): Tensor {
    return ew.compare('gt', this, o);
  }
  ge(o: Operand): Tensor {
    return ew.compare('ge', this, o);
  }
  logicalNot(): Tensor {
    return ew.logicalNot(this);
  }
  /** Where `mask` is true, `value`; elsewhere this tensor's values. */
  maskedFill(mask: Tensor, value: number): Tensor {
    checkTensor('maskedFill', mask, 'mask');
    if (typeof value !== 'number') throw new NablaError(`maskedFill: the fill value must be a number, got ${describe(value)}`);
    return ix.maskedFill(this, mask, value);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum over all elements, one axis, or several axes. */
  sum(axis?: number | readonly number[] | null, keepdim = false): Tensor {
    return red.sum(this, axesArg('sum', this, axis), keepdim);
  }
  mean(axis?: number | readonly number[] | null, keepdim = false): Tensor {
    return red.mean(this, axesArg('mean', this, axis), keepdim);
  }
  /** Maximum values (not indices: see argmax) over all elements or the given axes. */
  max(axis?: number | readonly number[] | null, keepdim = false): Tensor {
    return red.max(this, axesArg('max', this, axis), keepdim);
  }
  min(axis?: number | readonly number[] | null, keepdim = false): Tensor {
    return red.min(this, axesArg('min', this, axis), keepdim);
  }
  /** Variance; `correction` 1 (default) is the unbiased estimator, as PyTorch. */
  var(axis?: number | readonly number[] | null, keepdim = false, correction = 1): Tensor {
    return red.variance(this, axesArg('var', this, axis), keepdim, correctionArg('var', correction));
  }
  std(axis?: number | readonly number[] | null, keepdim = false, correction = 1): Tensor {
    return red.std(this, axesArg('std', this, axis), keepdim, correctionArg('std', correction));
  }
  logsumexp(axis: number | readonly number[], keepdim = false): Tensor {
    if (axis === undefined || axis === null) throw new NablaError('logsumexp: give the axis (or axes) to reduce, e.g. logsumexp(-1)');
    return red.logsumexp(this, axesArg('logsumexp', this, axis)!, keepdim);
  }
  /** Index of the maximum (int32); over the flattened tensor when no axis is given. */
  argmax(axis?: number | null, keepdim = false): Tensor {
    return red.argReduce('argmax', this, axis ?? null, keepdim);
  }
  argmin(axis?: number | null, keepdim = false): Tensor {
    return red.argReduce('argmin', this, axis ?? null, keepdim);
  }
  softmax(axis: number): Tensor {
    return softmax(this, axis);
  }
  logSoftmax(axis: number): Tensor {
    return logSoftmax(this, axis);
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with NumPy's rules for 1-D, 2-D and batched (broadcast) operands. */
  matmul(o: Tensor): Tensor {
    return matmul(this, o);
  }

  // ---------------------------------------------------------------- shape

  /** Same values, new shape (one axis may be -1). A view when the layout allows, else a copy. */
  reshape(shape: readonly number[]): Tensor {
    return vw.reshape(this, shapeArg('reshape', shape));
  }
  /** Like reshape, but always a view: throws if the layout does not allow one. */
  view(shape: readonly number[]): Tensor {
    return vw.view(this, shapeArg('view', shape));
  }
  transpose(a: number, b: number): Tensor {
    return vw.transpose(this, a, b);
  }
  /** Transpose of a 2-D tensor (PyTorch's `.T`). */
  get T(): Tensor {
    return vw.permute(this, [...this.shape.keys()].reverse());
  }
  /** Transpose of the last two axes (PyTorch's `.mT`). */
  get mT(): Tensor {
    // a 0-d tensor is its own matrix transpose (PyTorch 1.13 returns it; 1-D is an error)
    if (this.ndim === 0) return vw.transpose(this, 0, 0);
    return vw.transpose(this, -2, -1);
  }
  permute(...axes: number[] | [readonly number[]]): Tensor {
    const ax = (Array.isArray(axes[0]) ? axes[0] : axes) as readonly number[];
    return vw.permute(this, ax);
  }
  flatten(start = 0, end = -1): Tensor {
    return vw.flatten(this, start, end);
  }
  squeeze(axis?: number): Tensor {
    return vw.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return vw.unsqueeze(this, axis);
  }
  /** A broadcast view with the given shape (size-1 axes stretched; -1 keeps an axis). No copy. */
  expand(shape: readonly number[]): Tensor {
    return vw.expand(this, shapeArg('expand', shape));
  }
  expandAs(o: Tensor): Tensor {
    return vw.expand(this, o.shape);
  }
  /**
   * NumPy-style basic indexing, one spec per leading axis:
   * a number selects (and drops the axis; negative counts from the end), `[start, end, step]`
   * takes a range (any part null/omitted for the default, negative counts from the end, step > 0),
   * `null` keeps the whole axis. Returns a view.
   * e.g. `x.slice(0)` is row 0, `x.slice(null, [1, 3])` is columns 1..2, `x.slice([null, null, 2])` is every other row.
   */
  slice(...specs: SliceSpec[]): Tensor {
    specs.forEach((s, i) => {
      if (s !== null && typeof s !== 'number' && !Array.isArray(s)) {
        throw new NablaError(`slice: spec ${i} must be an index, [start, end, step] or null, got ${describe(s)}`);
      }
    });
    return vw.slice(this, specs);
  }
  /** `length` elements along `axis` from `start` (a view). */
  narrow(axis: number, start: number, length: number): Tensor {
    return vw.narrow(this, axis, start, length);
  }
  /** The slice at `index` along `axis`, with that axis removed (a view). */
  select(axis: number, index: number): Tensor {
    return vw.select(this, axis, index);
  }
  /** Repeats the tensor along each axis (like PyTorch's `repeat`). */
  repeat(...reps: number[]): Tensor {
    return vw.repeat(this, reps);
  }

  // ---------------------------------------------------------------- indexing

  /** out[i][j] = x[i][index[i][j]] along `axis` (PyTorch's gather); index is int32. */
  gather(axis: number, index: Tensor): Tensor {
    return ix.gather(this, axis, checkTensor('gather', index, 'index'));
  }
  /** Picks whole slices along `axis` by an int32 index vector. */
  indexSelect(axis: number, index: Tensor | readonly number[]): Tensor {
    return ix.indexSelect(this, axis, index);
  }

  // ---------------------------------------------------------------- in place (no graph)

  /** Copies `src` (broadcast) into this tensor's storage. Not recorded by autograd. */
  copy_(src: Tensor | number): this {
    vw.assign(this, src, 'copy_');
    return this;
  }
  fill_(value: number): this {
    ix.checkFillValue('fill_', value, this.dtype);
    vw.assign(this, value, 'fill_', { overlapOk: true });
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  /**
   * this += alpha * o, in place, outside the graph (for optimizers). As in PyTorch, the result
   * must keep this tensor's kind (an int32 tensor cannot take a float result) and this tensor
   * must not be an expanded view.
   */
  add_(o: Operand, alpha = 1): this {
    return this.inPlace('add_', 'add', alpha === 1 || typeof o === 'number' ? (typeof o === 'number' ? o * alpha : o) : ew.noGradBinary('mul', o, alpha));
  }
  sub_(o: Operand): this {
    return this.inPlace('sub_', 'sub', o);
  }
  mul_(o: Operand): this {
    return this.inPlace('mul_', 'mul', o);
  }
  div_(o: Operand): this {
    return this.inPlace('div_', 'div', o);
  }

  private inPlace(name: string, op: 'add' | 'sub' | 'mul' | 'div', o: Operand): this {
    if (vw.hasInternalOverlap(this)) vw.assign(this, 0, name); // throws the overlap error before computing
    vw.assign(this, ew.noGradBinary(op, this, o), name, { checkCast: true });
    return this;
  }

  /** @internal the current backend's kernels (for ops) */
  static get kernels(): ReturnType<typeof B> {
    return B();
  }
}

export type NestedArray = number | NestedArray[];

/** Checks that an argument is a tensor: `gather: index must be a Tensor, got an array of length 2`. */
export function checkTensor(op: string, x: unknown, what = 'the input'): Tensor {
  if (!(x instanceof Tensor)) throw new NablaError(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** Checks a non-empty list of tensors (cat, stack). */
export function checkTensorList(op: string, ts: unknown): readonly Tensor[] {
  if (!Array.isArray(ts)) throw new NablaError(`${op}: expected a list of tensors, got ${describe(ts)}`);
  if (ts.length === 0) throw new NablaError(`${op}: expected a non-empty list of tensors`);
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new NablaError(`${op}: item ${i} of the list is not a Tensor but ${describe(t)}`);
  });
  return ts as Tensor[];
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

/** A gradient must be a tensor of its tensor's shape and dtype (as PyTorch requires of `.grad`). */
function checkGrad(t: Tensor, g: unknown): void {
  if (!(g instanceof Tensor)) throw new NablaError(`grad: a gradient must be a Tensor or null, got ${describe(g)}`);
  if (!shapesEqual(g.shape, t.shape)) {
    throw new ShapeError(`grad: the gradient has shape ${fmtShape(g.shape)} but its tensor has shape ${fmtShape(t.shape)}`);
  }
  if (g.dtype !== t.dtype) throw new DTypeError(`grad: the gradient is ${g.dtype} but its tensor is ${t.dtype}`);
}
