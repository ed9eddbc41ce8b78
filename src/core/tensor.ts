/**
 * The Tensor: an n-dimensional view (shape, strides, offset) onto a plain typed array.
 *
 * Views (reshape of a contiguous tensor, transpose, permute, slice, expand) share storage with
 * the tensor they come from. Storage is owned by JavaScript, so the garbage collector frees it;
 * there is no `dispose()`.
 *
 * The op methods (add, sum, reshape, ...) are declared here and installed by src/ops/install.ts:
 * each calls the op of the same name in `src/ops/`, where the forward computation, its
 * derivative and its formula live together. core/ imports nothing from ops/.
 */
import { type DType, type TypedArray, allocate, checkDType, isFloat, storageDType } from './dtype.js';
import { DTypeError, NablaError, ShapeError, describe, fmtShape } from './errors.js';
import { checkLayout, contiguousStrides, shapesEqual, sizeOf } from './shape.js';
import { type BackwardOptions, type Node, runBackward } from './autograd.js';
import { formatTensor } from './format.js';
import { handOut } from './residency.js';

/** One entry of `t.slice(...)`: an index (drops the axis), `[start, end?, step?]`, or null (whole axis). */
export type SliceSpec = number | null | readonly [number | null | undefined, (number | null)?, (number | null)?];

export type Operand = Tensor | number;

export class Tensor {
  /**
   * @internal the flat storage this tensor views (shared with other views); nabla's own code
   * reads it here, user code through `storage`
   */
  readonly _storage: TypedArray;
  /** @internal `storage` has been read (the array is then handed out, see core/residency.ts) */
  private _handedOut = false;
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
    this._storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
  }

  /**
   * The flat typed array this tensor views (shared with other views), live: a write into it
   * changes the tensor. Once read, the array counts as handed out: the WebAssembly backend no
   * longer keeps a copy of it in its memory between calls (see core/residency.ts), so such writes
   * are always seen. `t.data()` is a copy.
   */
  get storage(): TypedArray {
    if (!this._handedOut) {
      this._handedOut = true;
      handOut(this._storage);
    }
    return this._storage;
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

  /** A typed array with the values in row-major order, without copying when the storage already is one. @internal */
  _contiguousData(): TypedArray {
    if (this.isContiguous() && this.offset === 0 && this._storage.length === this.size) return this._storage;
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
    return this._storage[this.offset]!;
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
    return new Tensor(this._storage, this.shape, this.strides, this.offset);
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
  zero_(): this {
    return this.fill_(0);
  }

}

/**
 * The op methods of Tensor: each calls the op of the same name in `src/ops/`, where the forward
 * computation, its derivative and its formula live together. They are installed on the
 * prototype by src/ops/install.ts (so that core/ imports nothing from ops/: layers depend one way).
 */
export interface Tensor {

  /**
   * A contiguous tensor with the same values: `this` if already contiguous (unless `copy`),
   * otherwise a copy. Differentiable.
   */
  contiguous(copy?: boolean): Tensor;

  /** A copy of the values as a typed array, in row-major order. */
  data(): TypedArray;

  // ---------------------------------------------------------------- dtype

  /** A copy converted to `dtype` (this tensor if it already has it). Differentiable between float types. */
  to(dtype: DType): Tensor;
  /** A contiguous copy that is part of the graph (gradient flows through). */
  clone(): Tensor;

  // ---------------------------------------------------------------- elementwise

  add(o: Operand): Tensor;
  sub(o: Operand): Tensor;
  mul(o: Operand): Tensor;
  div(o: Operand): Tensor;
  pow(p: Operand): Tensor;
  maximum(o: Operand): Tensor;
  minimum(o: Operand): Tensor;
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  log1p(): Tensor;
  sqrt(): Tensor;
  rsqrt(): Tensor;
  square(): Tensor;
  reciprocal(): Tensor;
  abs(): Tensor;
  sign(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  floor(): Tensor;
  ceil(): Tensor;
  round(): Tensor;
  relu(): Tensor;
  sigmoid(): Tensor;
  tanh(): Tensor;
  softplus(): Tensor;
  gelu(): Tensor;
  leakyRelu(negativeSlope?: number): Tensor;
  elu(alpha?: number): Tensor;
  clamp(min?: number | null, max?: number | null): Tensor;
  eq(o: Operand): Tensor;
  ne(o: Operand): Tensor;
  lt(o: Operand): Tensor;
  le(o: Operand): Tensor;
  gt(o: Operand): Tensor;
  ge(o: Operand): Tensor;
  logicalNot(): Tensor;
  /** Where `mask` is true, `value`; elsewhere this tensor's values. */
  maskedFill(mask: Tensor, value: number): Tensor;

  // ---------------------------------------------------------------- reductions

  /** Sum over all elements, one axis, or several axes. */
  sum(axis?: number | readonly number[] | null, keepdim?: boolean): Tensor;
  mean(axis?: number | readonly number[] | null, keepdim?: boolean): Tensor;
  /** Maximum values (not indices: see argmax) over all elements or the given axes. */
  max(axis?: number | readonly number[] | null, keepdim?: boolean): Tensor;
  min(axis?: number | readonly number[] | null, keepdim?: boolean): Tensor;
  /** Variance; `correction` 1 (default) is the unbiased estimator, as PyTorch. */
  var(axis?: number | readonly number[] | null, keepdim?: boolean, correction?: number): Tensor;
  std(axis?: number | readonly number[] | null, keepdim?: boolean, correction?: number): Tensor;
  logsumexp(axis: number | readonly number[], keepdim?: boolean): Tensor;
  /** Index of the maximum (int32); over the flattened tensor when no axis is given. */
  argmax(axis?: number | null, keepdim?: boolean): Tensor;
  argmin(axis?: number | null, keepdim?: boolean): Tensor;
  softmax(axis: number): Tensor;
  logSoftmax(axis: number): Tensor;

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with NumPy's rules for 1-D, 2-D and batched (broadcast) operands. */
  matmul(o: Tensor): Tensor;

  // ---------------------------------------------------------------- shape

  /** Same values, new shape (one axis may be -1). A view when the layout allows, else a copy. */
  reshape(shape: readonly number[]): Tensor;
  /** Like reshape, but always a view: throws if the layout does not allow one. */
  view(shape: readonly number[]): Tensor;
  transpose(a: number, b: number): Tensor;
  /** Transpose of a 2-D tensor (PyTorch's `.T`). */
  readonly T: Tensor;
  /** Transpose of the last two axes (PyTorch's `.mT`). */
  readonly mT: Tensor;
  permute(...axes: number[] | [readonly number[]]): Tensor;
  flatten(start?: number, end?: number): Tensor;
  squeeze(axis?: number): Tensor;
  unsqueeze(axis: number): Tensor;
  /** A broadcast view with the given shape (size-1 axes stretched; -1 keeps an axis). No copy. */
  expand(shape: readonly number[]): Tensor;
  expandAs(o: Tensor): Tensor;
  /**
   * NumPy-style basic indexing, one spec per leading axis:
   * a number selects (and drops the axis; negative counts from the end), `[start, end, step]`
   * takes a range (any part null/omitted for the default, negative counts from the end, step > 0),
   * `null` keeps the whole axis. Returns a view.
   * e.g. `x.slice(0)` is row 0, `x.slice(null, [1, 3])` is columns 1..2, `x.slice([null, null, 2])` is every other row.
   */
  slice(...specs: SliceSpec[]): Tensor;
  /** `length` elements along `axis` from `start` (a view). */
  narrow(axis: number, start: number, length: number): Tensor;
  /** The slice at `index` along `axis`, with that axis removed (a view). */
  select(axis: number, index: number): Tensor;
  /** Repeats the tensor along each axis (like PyTorch's `repeat`). */
  repeat(...reps: number[]): Tensor;

  // ---------------------------------------------------------------- indexing

  /** out[i][j] = x[i][index[i][j]] along `axis` (PyTorch's gather); index is int32. */
  gather(axis: number, index: Tensor): Tensor;
  /** Picks whole slices along `axis` by an int32 index vector. */
  indexSelect(axis: number, index: Tensor | readonly number[]): Tensor;

  // ---------------------------------------------------------------- in place (no graph)

  /** Copies `src` (broadcast) into this tensor's storage. Not recorded by autograd. */
  copy_(src: Tensor | number): this;
  fill_(value: number): this;
  /**
   * this += alpha * o, in place, outside the graph (for optimizers). As in PyTorch, the result
   * must keep this tensor's kind (an int32 tensor cannot take a float result) and this tensor
   * must not be an expanded view.
   */
  add_(o: Operand, alpha?: number): this;
  sub_(o: Operand): this;
  mul_(o: Operand): this;
  div_(o: Operand): this;
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




/** A gradient must be a tensor of its tensor's shape and dtype (as PyTorch requires of `.grad`). */
function checkGrad(t: Tensor, g: unknown): void {
  if (!(g instanceof Tensor)) throw new NablaError(`grad: a gradient must be a Tensor or null, got ${describe(g)}`);
  if (!shapesEqual(g.shape, t.shape)) {
    throw new ShapeError(`grad: the gradient has shape ${fmtShape(g.shape)} but its tensor has shape ${fmtShape(t.shape)}`);
  }
  if (g.dtype !== t.dtype) throw new DTypeError(`grad: the gradient is ${g.dtype} but its tensor is ${t.dtype}`);
}
