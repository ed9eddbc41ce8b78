/**
 * Plumbing shared by the ops: wrapping results into tensors (attaching the autograd node when a
 * graph is being recorded, announcing the op to listeners), turning operands into tensors, and
 * describing tensors to kernels as strided views.
 */
import { Tensor, type Operand } from '../core/tensor.js';
import { type DType, type TypedArray, allocate, allocateUninit, promoteWithScalar, resultType } from '../core/dtype.js';
import { isGradEnabled, type Node } from '../core/autograd.js';
import { emitForward, hasListeners } from '../core/events.js';
import { broadcastStrides, sizeOf } from '../core/shape.js';
import type { Strided } from '../backend/types.js';
import { NablaError } from '../core/errors.js';

/**
 * Wraps an op's output. If grad mode is on and an input requires grad, the output records
 * `backward` (dJ/dy -> dJ/dx_i) so that backpropagation can pass through it.
 */
export function result(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: Node['backward'] | null,
  attrs?: Readonly<Record<string, unknown>>,
): Tensor {
  if (backward !== null && isGradEnabled()) {
    for (const x of inputs) {
      if (x.requiresGrad) {
        out._node = attrs === undefined ? { op, inputs, backward } : { op, inputs, backward, attrs };
        out.requiresGrad = true;
        break;
      }
    }
  }
  if (hasListeners()) emitForward(op, inputs, out, attrs);
  return out;
}

/** A new contiguous tensor of the given dtype and shape (zero-filled). */
export function empty(dtype: DType, shape: readonly number[]): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/**
 * A new contiguous tensor whose elements are unspecified (see `allocateUninit`): only for outputs
 * that the kernel writes in full. Everything that accumulates into its output uses `empty`.
 */
export function emptyUninit(dtype: DType, shape: readonly number[]): Tensor {
  return new Tensor(allocateUninit(dtype, sizeOf(shape)), shape);
}

export function fromArray(data: TypedArray, shape: readonly number[]): Tensor {
  return new Tensor(data, shape);
}

/** A plain number as a 0-d tensor whose dtype follows PyTorch's scalar rule against `like`. */
export function scalarLike(x: number, like: DType): Tensor {
  const d = promoteWithScalar(like, x);
  const s = allocate(d, 1);
  s[0] = x;
  return new Tensor(s, []);
}

/**
 * Makes both operands tensors. A plain number becomes a 0-d tensor of the pair's result dtype
 * (see resultType), marked as a wrapped number so that it never up-casts the other operand,
 * here or in the backward pass.
 */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  const av = a instanceof Tensor ? a : checkNumber(op, a);
  const bv = b instanceof Tensor ? b : checkNumber(op, b);
  const d = resultType([av, bv]);
  return [av instanceof Tensor ? av : wrapNumber(av, d), bv instanceof Tensor ? bv : wrapNumber(bv, d)];
}

/** A plain number as a 0-d tensor of `dtype`, marked as a wrapped number. */
export function wrapNumber(x: number, dtype: DType): Tensor {
  const s = allocate(dtype, 1);
  s[0] = x;
  const t = new Tensor(s, []);
  t._wrappedNumber = true;
  return t;
}

function checkNumber(op: string, x: unknown): number {
  if (typeof x !== 'number') throw new NablaError(`${op}: expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  return x;
}

/** The tensor as a kernel operand, broadcast (stride 0) to `shape` if given. */
export function strided(t: Tensor, shape?: readonly number[]): Strided {
  return {
    data: t._storage,
    offset: t.offset,
    strides: shape === undefined || shape === t.shape ? t.strides : broadcastStrides(t.shape, t.strides, shape),
  };
}

export function contiguousStrided(data: TypedArray, shape: readonly number[]): Strided {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return { data, offset: 0, strides };
}
