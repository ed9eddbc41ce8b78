/** Creating tensors: from data, filled, ranges, identity, and seeded random draws. */
import { Tensor, type NestedArray } from '../core/tensor.js';
// every tensor made here has its op methods (ops/install.ts), whichever module was imported first
import './install.js';
import { type DType, type TypedArray, allocate, checkDType as checkDTypeArg, dtypeOfArray, isFloat, withAllocationContext } from '../core/dtype.js';
import { DTypeError, NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import { checkShape, sizeOf } from '../core/shape.js';
import { type Generator, defaultGenerator } from '../core/rng.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface FromDataOptions extends TensorOptions {
  /** the shape of a flat typed array (required for typed arrays, optional check for nested arrays) */
  shape?: readonly number[];
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type TensorData = number | boolean | NestedArray | readonly (number | boolean | NestedArray)[] | TypedArray;

function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function checkDType(op: string, d: unknown): DType {
  return checkDTypeArg(op, d);
}

/** A finite number argument, or a clear error naming the op and the argument. */
function num(op: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new NablaError(`${op}: ${name} must be a finite number, got ${describe(x)}`);
  return x;
}

/** A non-negative integer argument (a count or a size). */
function count(op: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw new NablaError(`${op}: ${name} must be a non-negative integer, got ${describe(x)}`);
  return x;
}

function checkTensor(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new NablaError(`${op}: expected a Tensor, got ${describe(t)}`);
  return t;
}

/** `allocate` with the op and shape named in its error. */
function alloc(op: string, dtype: DType, shape: readonly number[]): TypedArray {
  return withAllocationContext(`${op}(${fmtShape(shape)})`, () => allocate(dtype, sizeOf(shape)));
}

/**
 * A tensor from a number, nested arrays, or a flat typed array with `shape`. A typed array of the
 * requested dtype is used as storage without copying.
 */
export function tensor(data: TensorData, opts: FromDataOptions = {}): Tensor {
  const dtype = opts.dtype === undefined ? undefined : checkDType('tensor', opts.dtype);
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const shape = opts.shape === undefined ? [arr.length] : checkShape('tensor', opts.shape);
    if (sizeOf(shape) !== arr.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements but the typed array has ${arr.length}`);
    }
    if (!(arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof Int32Array || arr instanceof Uint8Array)) {
      throw new DTypeError('tensor: typed arrays must be Float32Array, Float64Array, Int32Array or Uint8Array (bool)');
    }
    const t = new Tensor(arr, shape);
    return finish(dtype === undefined || dtype === dtypeOfArray(arr) ? t : t.to(dtype), opts);
  }
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const flat: (number | boolean)[] = [];
  const walk = (x: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number' && typeof x !== 'boolean') {
        throw new ShapeError(`tensor: expected a number at index [${path.join(',')}], got ${Array.isArray(x) ? 'an array (ragged nesting)' : typeof x}`);
      }
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      throw new ShapeError(
        `tensor: ragged nested array: at index [${path.join(',')}] expected ${Array.isArray(x) ? `length ${shape[depth]}, got ${x.length}` : `an array of length ${shape[depth]}, got ${typeof x}`}`,
      );
    }
    x.forEach((v, i) => walk(v, depth + 1, [...path, i]));
  };
  walk(data, 0, []);
  if (opts.shape !== undefined) checkShape('tensor', opts.shape);
  if (opts.shape !== undefined && sizeOf(opts.shape) !== flat.length) {
    throw new ShapeError(`tensor: shape ${fmtShape(opts.shape)} needs ${sizeOf(opts.shape)} elements but the data has ${flat.length}`);
  }
  const allBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  const d = dtype ?? (allBool ? 'bool' : 'float32');
  const storage = alloc('tensor', d, [flat.length]);
  for (let i = 0; i < flat.length; i++) storage[i] = Number(flat[i]);
  return finish(new Tensor(storage, opts.shape === undefined ? shape : checkShape('tensor', opts.shape)), opts);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  const s = checkShape('full', shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new NablaError(`full: the fill value must be a number, got ${describe(value)}`);
  const d = checkDType('full', opts.dtype ?? 'float32');
  if (typeof value === 'number' && d === 'int32' && !(Number.isFinite(value) && Math.trunc(value) <= 2147483647 && Math.trunc(value) >= -2147483648)) {
    throw new NablaError(`full: the value ${value} cannot be stored in an int32 tensor (it is not finite or outside the int32 range)`);
  }
  const storage = alloc('full', d, s);
  // bool holds 0 / 1: any non-zero value (and NaN) is true
  if (value !== 0) storage.fill(d === 'bool' ? 1 : Number(value));
  return finish(new Tensor(storage, s), opts);
}

export function zeros(shape: readonly number[], opts?: TensorOptions): Tensor {
  checkShape('zeros', shape);
  return full(shape, 0, opts);
}
export function ones(shape: readonly number[], opts?: TensorOptions): Tensor {
  checkShape('ones', shape);
  return full(shape, 1, opts);
}
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(checkTensor('zerosLike', t).shape, 0, { dtype: t.dtype, ...opts });
}
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(checkTensor('onesLike', t).shape, 1, { dtype: t.dtype, ...opts });
}
export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  return full(checkTensor('fullLike', t).shape, value, { dtype: t.dtype, ...opts });
}

/**
 * Values from `start` to `end` (exclusive) by `step`; `arange(n)` is 0..n-1. The dtype is int32
 * when all arguments are integers, else float32 (override with `opts.dtype`).
 */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, num('arange', 'end', start)] : [num('arange', 'start', start), num('arange', 'end', end)];
  if (typeof step !== 'number' || step === 0 || !Number.isFinite(step)) throw new NablaError(`arange: step must be a non-zero finite number, got ${describe(step)}`);
  if ((e - s) * step < 0) throw new NablaError(`arange: a step of ${step} never goes from ${s} to ${e}`);
  const n = Math.max(0, Math.ceil((e - s) / step));
  const d = opts.dtype ?? ([s, e, step].every(Number.isInteger) ? 'int32' : 'float32');
  // an integer result counts from trunc(start) by trunc(step) (the length still comes from the
  // given numbers), as PyTorch
  const [s0, st] = d === 'int32' || d === 'bool' ? [Math.trunc(s), Math.trunc(step)] : [s, step];
  if (st === 0) throw new NablaError(`arange: the step ${step} is 0 as an integer (dtype ${d})`);
  const storage = alloc('arange', checkDType('arange', d), [n]);
  for (let i = 0; i < n; i++) storage[i] = s0 + i * st;
  return finish(new Tensor(storage, [n]), opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  num('linspace', 'start', start);
  num('linspace', 'end', end);
  count('linspace', 'steps', steps);
  const storage = alloc('linspace', checkDType('linspace', opts.dtype ?? 'float32'), [steps]);
  for (let i = 0; i < steps; i++) storage[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return finish(new Tensor(storage, [steps]), opts);
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  count('eye', 'n', n);
  count('eye', 'm', m);
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t._storage[i * m + i] = 1;
  return t;
}

function randomFloat(op: string, shape: readonly number[], opts: RandomOptions, draw: (g: Generator) => number): Tensor {
  const d = checkDType(op, opts.dtype ?? 'float32');
  if (!isFloat(d)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${d}`);
  const s = checkShape(op, shape);
  const g = opts.generator ?? defaultGenerator;
  const storage = alloc(op, d, s);
  for (let i = 0; i < storage.length; i++) storage[i] = draw(g);
  return finish(new Tensor(storage, s), opts);
}

/** Uniform samples in [0, 1) from the seeded generator (see manualSeed). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFloat('rand', shape, opts, (g) => g.random());
}

/** Standard normal samples from the seeded generator. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFloat('randn', shape, opts, (g) => g.normal());
}

/** Uniform samples in [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}): Tensor {
  num('uniform', 'low', low);
  num('uniform', 'high', high);
  if (low > high) throw new NablaError(`uniform: low must not exceed high, got low ${low} > high ${high}`);
  return randomFloat('uniform', shape, opts, (g) => low + (high - low) * g.random());
}

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const s = checkShape('randint', shape);
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31) {
      throw new NablaError(`randint: ${name} must be an integer in the int32 range, got ${describe(v)}`);
    }
  }
  if (!(high > low)) throw new NablaError(`randint: high must be greater than low (values are drawn from [low, high)), got low ${low}, high ${high}`);
  const g = opts.generator ?? defaultGenerator;
  const storage = alloc('randint', 'int32', s) as Int32Array;
  for (let i = 0; i < storage.length; i++) storage[i] = low + g.randint(high - low);
  return new Tensor(storage, s);
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  count('randperm', 'n', n);
  if (n > 2 ** 31) throw new NablaError(`randperm: n must fit int32 indices (at most 2^31), got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  return new Tensor(withAllocationContext(`randperm(${n})`, () => g.permutation(n)), [n]);
}
