/**
 * Elementwise primitives. Each op states its forward formula and its derivative side by side;
 * binary ops broadcast as NumPy does, and autograd sums their gradients back to each input's
 * shape (in `sumToShape`, not here).
 */
import { Tensor, type Operand, checkTensor } from '../core/tensor.js';
import { isDonatedGrad } from '../core/autograd.js';
import { type DType, allocate, isFloat, resultType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { broadcastShapes, shapesEqual } from '../core/shape.js';
import { B } from '../backend/registry.js';
import type { BinaryOp, UnaryOp } from '../backend/types.js';
import { emptyUninit, operands, result, strided } from './result.js';
import { where } from './indexing.js';

// ------------------------------------------------------------------ kernels without a graph

/** Runs a unary kernel; the result dtype is the input's (float32 for integer inputs of float ops). */
export function unaryKernel(op: UnaryOp, x: Tensor, dtype?: DType): Tensor {
  checkTensor(op, x);
  dtype ??= x.dtype;
  const out = emptyUninit(dtype, x.shape);
  B().unary(op, strided(x), x.shape, out._storage);
  return out;
}

const COMPARE = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);

/** On bool operands with a bool result, + and max are `or`, * and min are `and` (as PyTorch). */
const BOOL_OP: Partial<Record<BinaryOp, BinaryOp>> = { add: 'or', maximum: 'or', mul: 'and', minimum: 'and' };

/**
 * The dtypes of a binary op by PyTorch's rules: `common`, the dtype both operands are computed
 * in (resultType), and `out`, the result's (bool for comparisons, float for true division).
 * Throws where PyTorch refuses: subtraction with a bool tensor, pow of bools, an integer tensor
 * to a negative integer power given as a plain number.
 */
export function binaryTypes(op: BinaryOp, x: Tensor, y: Tensor): { common: DType; out: DType } {
  const common = resultType([x, y]);
  if (op === 'sub' && (x.dtype === 'bool' || y.dtype === 'bool')) {
    throw new DTypeError('sub: subtraction with a bool tensor is not supported; for masks use logicalNot() or ne()');
  }
  if (op === 'pow' && common === 'bool') throw new DTypeError('pow: not supported for bool tensors');
  if (op === 'pow' && common === 'int32' && y._wrappedNumber && y._storage[y.offset]! < 0) {
    throw new DTypeError(`pow: an integer tensor to a negative integer power (${y._storage[y.offset]}) is not allowed; use a float tensor or exponent`);
  }
  if (COMPARE.has(op)) return { common, out: 'bool' };
  if (op === 'div' && !isFloat(common)) return { common, out: 'float32' }; // true division, as PyTorch
  return { common, out: common };
}

/**
 * The operand converted to a float computation dtype first (float64 -> float32 rounds, an int32
 * beyond 2^24 becomes the nearest float32), as PyTorch computes.
 */
function inCommon(t: Tensor, common: DType): Tensor {
  // (bool is exact in any float dtype: no copy for masks)
  return t.dtype !== common && t.dtype !== 'bool' && isFloat(common) ? castData(t, common) : t;
}

/** Runs a broadcasting binary kernel without recording a graph. */
export function noGradBinary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const [x0, y0] = operands(op, a, b);
  const { common, out: dtype } = binaryTypes(op, x0, y0);
  const x = inCommon(x0, common);
  const y = inCommon(y0, common);
  const kernel = dtype === 'bool' ? (BOOL_OP[op] ?? op) : op;
  const shape = shapesEqual(x.shape, y.shape) ? x.shape : broadcastShapes(op, x.shape, y.shape);
  const out = emptyUninit(dtype, shape);
  B().binary(kernel, strided(x, shape), strided(y, shape), shape, out._storage);
  return out;
}

// ------------------------------------------------------------------ binary, differentiable

/** y = a + b;  dy/da = 1, dy/db = 1 */
export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('add', a, b);
  return result('add', noGradBinary('add', x, y), [x, y], (g) => [g, g]);
}

/** y = a - b;  dy/da = 1, dy/db = -1 */
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('sub', a, b);
  return result('sub', noGradBinary('sub', x, y), [x, y], (g) => [g, y.requiresGrad ? g.neg() : null]);
}

/** y = a * b;  dy/da = b, dy/db = a */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('mul', a, b);
  return result('mul', noGradBinary('mul', x, y), [x, y], (g) => [x.requiresGrad ? g.mul(y) : null, y.requiresGrad ? g.mul(x) : null]);
}

/** y = a / b;  dy/da = 1/b, dy/db = -a/b^2, computed as -(a/b)/b (a/b^2 overflows where b^2 does), as PyTorch */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('div', a, b);
  return result('div', noGradBinary('div', x, y), [x, y], (g) => [
    x.requiresGrad ? g.div(y) : null,
    y.requiresGrad ? g.neg().mul(x.div(y).div(y)) : null,
  ]);
}

/** y = a^p;  dy/da = p a^(p-1), dy/dp = a^p ln a */
export function pow(a: Operand, p: Operand): Tensor {
  if (a instanceof Tensor && (p === 0.5 || p === -0.5)) {
    // PyTorch computes a plain exponent of +-1/2 as sqrt / rsqrt: (-0)^0.5 = -0, (-inf)^0.5 = NaN,
    // (-0)^-0.5 = -inf (std::pow gives 0, +inf, +inf); gradient p x^(p - 1) in the same way
    const y = noGradUnary(p === 0.5 ? 'sqrt' : 'rsqrt', a);
    return result('pow', y, [a], (g) => [g.mul(pow(a, p - 1).mul(p))]);
  }
  const [x, e] = operands('pow', a, p);
  const out = noGradBinary('pow', x, e);
  return result('pow', out, [x, e], (g) => [
    // 0 where p = 0 (even at a = 0 or a = NaN), as PyTorch
    x.requiresGrad ? where(e.eq(0), 0, g.mul(x.pow(typeof p === 'number' ? p - 1 : e.sub(1)).mul(e))) : null,
    // at a = 0 with p >= 0 the term a^p ln a is taken as 0 (its limit), as PyTorch does
    e.requiresGrad ? where(x.eq(0).mul(e.ge(0)), 0, g.mul(out).mul(x.log())) : null,
  ]);
}

/**
 * Where both are equal the gradient is split evenly; where either is NaN both get all of it
 * (the result is NaN either way), as PyTorch does.
 */
function minmax(op: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  const [x, y] = operands(op, a, b);
  const loses: BinaryOp = op === 'maximum' ? 'lt' : 'gt';
  const wins: BinaryOp = op === 'maximum' ? 'gt' : 'lt';
  return result(op, noGradBinary(op, x, y), [x, y], (g) => {
    const tie = noGradBinary('eq', x, y);
    const share = (lose: Tensor): Tensor => where(tie, g.mul(0.5), where(lose, 0, g));
    return [x.requiresGrad ? share(noGradBinary(loses, x, y)) : null, y.requiresGrad ? share(noGradBinary(wins, x, y)) : null];
  });
}

/** y = max(a, b) elementwise */
export function maximum(a: Operand, b: Operand): Tensor {
  return minmax('maximum', a, b);
}
/** y = min(a, b) elementwise */
export function minimum(a: Operand, b: Operand): Tensor {
  return minmax('minimum', a, b);
}

/** Comparisons return bool tensors and carry no gradient. */
export function compare(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: Operand, b: Operand): Tensor {
  const [x, y] = operands(op, a, b);
  return result(op, noGradBinary(op, x, y), [x, y], null);
}

export function logicalNot(x: Tensor): Tensor {
  return result('logicalNot', unaryKernel('not', x, 'bool'), [x], null);
}

/** A float unary kernel without a graph (an integer input converted first, as unaryOp does). */
function noGradUnary(op: UnaryOp, x: Tensor): Tensor {
  const dtype = floatOut(x);
  return unaryKernel(op, !isFloat(x.dtype) ? castData(x, dtype) : x, dtype);
}

// ------------------------------------------------------------------ unary, differentiable

function floatOut(x: Tensor): DType {
  return isFloat(x.dtype) ? x.dtype : 'float32';
}

/** PyTorch refuses these on bool tensors (they are integer ops with no bool meaning). */
const NO_BOOL = new Set<UnaryOp>(['neg', 'abs', 'floor', 'ceil', 'round', 'relu']);

function unaryOp(op: UnaryOp, x: Tensor, backward: ((g: Tensor, y: Tensor) => Tensor) | null, dtype?: DType): Tensor {
  checkTensor(op, x);
  if (x.dtype === 'bool' && NO_BOOL.has(op)) {
    throw new DTypeError(`${op}: not supported for bool tensors${op === 'neg' ? '; to invert a mask use logicalNot()' : ''}`);
  }
  dtype ??= floatOut(x);
  // an integer input of a float op is converted first (int32 beyond 2^24 rounds to float32), as PyTorch
  const y = unaryKernel(op, !isFloat(x.dtype) && isFloat(dtype) ? castData(x, dtype) : x, dtype);
  // the backward closure only when a graph is recorded (inference makes none)
  const record = backward !== null && x.requiresGrad && isGradEnabled();
  return result(op, y, [x], record ? (g) => [backward(g, y)] : null);
}

/** y = -x;  dy/dx = -1 */
export const neg = (x: Tensor): Tensor => unaryOp('neg', x, (g) => g.neg(), x.dtype);
/** y = e^x;  dy/dx = y */
export const exp = (x: Tensor): Tensor => unaryOp('exp', x, (g, y) => g.mul(y));
/** y = ln x;  dy/dx = 1/x */
export const log = (x: Tensor): Tensor => unaryOp('log', x, (g) => g.div(x));
/** y = ln(1 + x);  dy/dx = 1/(1 + x) */
export const log1p = (x: Tensor): Tensor => unaryOp('log1p', x, (g) => g.div(x.add(1)));
/** y = e^x - 1;  dy/dx = y + 1 */
export const expm1 = (x: Tensor): Tensor => unaryOp('expm1', x, (g, y) => g.mul(y.add(1)));
/** y = sqrt(x);  dy/dx = 1/(2y) */
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x, (g, y) => g.div(y.mul(2)));
/** y = 1/sqrt(x);  dy/dx = -y^3/2 */
export const rsqrt = (x: Tensor): Tensor => unaryOp('rsqrt', x, (g, y) => g.mul(y.mul(y).mul(y)).mul(-0.5));
/** y = x^2;  dy/dx = 2x */
export const square = (x: Tensor): Tensor => unaryOp('square', x, (g) => g.mul(x.mul(2)), x.dtype === 'bool' ? 'int32' : x.dtype); // 2x first, as PyTorch (it overflows first)
/** y = 1/x;  dy/dx = -y^2 */
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', x, (g, y) => g.mul(y.mul(y)).neg());
/** y = |x|;  dy/dx = sign(x) (0 at 0 and at NaN, as PyTorch) */
export const abs = (x: Tensor): Tensor => unaryOp('abs', x, (g) => g.mul(x.sign()), x.dtype);
/** y = sign(x); gradient 0 */
export const sign = (x: Tensor): Tensor => unaryOp('sign', x, zeroGrad, x.dtype);
export const floor = (x: Tensor): Tensor => unaryOp('floor', x, zeroGrad, x.dtype);
export const ceil = (x: Tensor): Tensor => unaryOp('ceil', x, zeroGrad, x.dtype);
/** round half to even */
export const round = (x: Tensor): Tensor => unaryOp('round', x, zeroGrad, x.dtype);

/** The gradient of a piecewise-constant op: zeros (not g * 0, which is NaN where g is infinite), as PyTorch. */
function zeroGrad(g: Tensor): Tensor {
  return g._full(0);
}
/** y = sin x;  dy/dx = cos x */
export const sin = (x: Tensor): Tensor => unaryOp('sin', x, (g) => g.mul(x.cos()));
/** y = cos x;  dy/dx = -sin x */
export const cos = (x: Tensor): Tensor => unaryOp('cos', x, (g) => g.mul(x.sin()).neg());
/** a = relu(z) = max(0, z);  da/dz = 0 if z <= 0 else 1 (0 at z = 0; relu(NaN) = NaN with gradient 1, as PyTorch) */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x, (g) => reluBackward(g, x), x.dtype);

/**
 * dJ/dz = dJ/da where z > 0, else 0: relu's backward as one kernel pass (the `reluGrad` binary
 * op) instead of g * (z > 0), which costs a second pass and a bool tensor the size of z. Linear
 * in g, so its own backward is the same mask (for createGraph).
 */
function reluBackward(g: Tensor, x: Tensor): Tensor {
  if (isDonatedGrad(g) && g.dtype === x.dtype && shapesEqual(g.shape, x.shape)) {
    // nothing else holds g (see isDonatedGrad): mask it in place instead of allocating dJ/dz
    B().binary('reluGrad', strided(g), strided(x), g.shape, g._storage);
    return g;
  }
  return result('reluBackward', noGradBinary('reluGrad', g, x), [g], (gg) => [reluBackward(gg, x)]);
}
/** a = sigma(z) = 1/(1 + e^-z);  da/dz = sigma(z)(1 - sigma(z)) = a(1 - a) */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x, (g, y) => g.mul(y.mul(y.neg().add(1))));
/** a = tanh(z);  da/dz = 1 - a^2 */
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x, (g, y) => g.mul(y.mul(y).neg().add(1)));
/** y = ln(1 + e^x) (y = x above the threshold 20);  dy/dx = sigma(x), exactly 1 above the threshold, as PyTorch */
export const softplus = (x: Tensor): Tensor => unaryOp('softplus', x, (g) => where(x.gt(20), g, g.mul(x.sigmoid())));
/** y = x Phi(x) (exact GELU);  dy/dx = Phi(x) + x phi(x): one op with its own kernels (src/ops/gelu.ts) */
export { gelu } from './gelu.js';

/** y = x if x > 0 else slope*x (composed: gradient 1 for x > 0, slope otherwise, as PyTorch at 0) */
export function leakyRelu(x: Tensor, slope: number): Tensor {
  return where(x.gt(0), x, x.mul(slope));
}

/**
 * y = x if x > 0 else alpha (e^x - 1);  dy/dx = 1 where x > 0, else alpha e^x (so alpha at 0 and
 * NaN at NaN, as PyTorch's vectorised loop; see the 'elu-nan-gradient' deviation).
 */
export function elu(x: Tensor, alpha: number): Tensor {
  const xf = isFloat(x.dtype) ? x : castData(x, 'float32');
  const y = noGradElu(xf, alpha);
  return result('elu', y, [xf], (g) => [where(xf.gt(0), g, g.mul(expm1(clamp(xf, null, 0)).add(1).mul(alpha)))], { alpha });
}

function noGradElu(x: Tensor, alpha: number): Tensor {
  const neg = noGradBinary('mul', unaryKernel('expm1', noGradBinary('minimum', x, 0)), alpha);
  const out = emptyUninit(x.dtype, x.shape);
  B().where(strided(noGradBinary('le', x, 0)), strided(neg), strided(x), x.shape, out._storage);
  return out;
}

/** y = min(max(x, lo), hi); the gradient passes where lo <= x <= hi. */
export function clamp(x: Tensor, lo: number | null, hi: number | null): Tensor {
  let y = x.detach();
  if (lo !== null) y = noGradBinary('maximum', y, lo);
  if (hi !== null) y = noGradBinary('minimum', y, hi);
  return result('clamp', y, [x], (g) => {
    let m = g;
    if (lo !== null) m = m.mul(x.ge(lo));
    if (hi !== null) m = m.mul(x.le(hi));
    return [m];
  }, { min: lo, max: hi });
}

/** A copy in another dtype. Between float dtypes the gradient flows back (converted). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (x.requiresGrad && !isFloat(dtype)) {
    // integer results carry no gradient, as in PyTorch
    return castData(x, dtype);
  }
  return result('cast', castData(x, dtype), [x], (g) => [g.to(x.dtype)], { dtype });
}

function castData(x: Tensor, dtype: DType): Tensor {
  const out = emptyUninit(dtype, x.shape);
  if (dtype === 'bool') {
    B().binary('ne', strided(x), { data: allocate(x.dtype, 1), offset: 0, strides: x.shape.map(() => 0) }, x.shape, out._storage);
  } else {
    B().copy(strided(x), x.shape, { data: out._storage, offset: 0, strides: out.strides });
  }
  return out;
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a floating-point tensor, got ${x.dtype}`);
}
