/**
 * Sample families shared by many rows: every elementwise unary op gets the same kinds of inputs
 * (float64 for finite differences, float32, 0-d, size 0, transposed / strided / expanded views,
 * edge values, int32 and bool), every binary op the same broadcast pairs, dtype pairs, wrapped
 * scalars and edge-value grid, every reduction the same axes.
 */
import type { DType } from '../core/dtype.js';
import type { Args, InputSpec, Sample } from './types.js';
import { EDGE32, EDGE64, EDGE_PAIR, Values, asDType, vals, view } from './values.js';

export interface Domain {
  /** values drawn from [lo, hi] (default [-1, 1]) */
  lo?: number;
  hi?: number;
  /** the op has a kink or ties matter: float64 gradcheck inputs are spread apart, no ties */
  kink?: boolean;
  /** centre of the spread values when `kink` (default 0) */
  center?: number;
  /** PyTorch refuses int32 and bool inputs (nabla computes them in float32: a documented deviation) */
  floatOnly?: boolean;
}

function draw(v: Values, shape: readonly number[], dtype: DType, d: Domain): InputSpec {
  if (dtype === 'float64' && d.kink) return v.spread(shape, dtype, 0.125, d.center ?? 0);
  return v.rand(shape, dtype, d.lo ?? -1, d.hi ?? 1);
}

function s(name: string, inputs: InputSpec[], args: Args = {}, extra: Partial<Sample> = {}): Sample {
  return { name, inputs, args, ...extra };
}

/** Samples of a one-input elementwise op (args are passed to every sample). */
export function unarySamples(op: string, d: Domain = {}, args: Args = {}): Sample[] {
  const v = new Values(op);
  return [
    s('float64 [3,4]', [draw(v, [3, 4], 'float64', d)], args),
    s('float32 [2,3]', [draw(v, [2, 3], 'float32', d)], args),
    s('float64 0-d', [draw(v, [], 'float64', d)], args),
    s('float32 size 0 [0,3]', [vals([0, 3], 'float32', [])], args),
    s('float64 transposed [3,2]', [view(draw(v, [2, 3], 'float64', d), ['transpose', 0, 1])], args),
    s('float32 strided [2,3]', [view(draw(v, [2, 6], 'float32', d), ['stride', 1, 1, 2])], args),
    s('float64 expanded [1,3]->[2,3]', [view(draw(v, [1, 3], 'float64', d), ['expand', [2, 3]])], args),
    s('float32 edge values', [vals([EDGE32.length], 'float32', EDGE32)], args),
    s('float64 edge values', [vals([EDGE64.length], 'float64', EDGE64)], args),
    s('int32', [vals([2, 3], 'int32', [-3, -1, 0, 1, 2, 5])], args, d.floatOnly ? { deviation: 'int-input-float-op' } : {}),
    s('bool', [vals([3], 'bool', [1, 0, 1])], args, d.floatOnly ? { deviation: 'int-input-float-op' } : {}),
  ];
}

export interface BinaryOpts {
  /** domain of the first operand */
  a?: Domain;
  /** domain of the second operand */
  b?: Domain;
  /** a wrapped scalar (a plain number) used in the scalar samples (default 2.5, and 2 for integers) */
  scalar?: number;
}

/**
 * Samples of a two-input broadcasting op. A sample with `args.scalar` passes that plain number as
 * the second operand (or the first, with `args.left`), PyTorch's wrapped scalar.
 */
export function binarySamples(op: string, o: BinaryOpts = {}): Sample[] {
  const v = new Values(op);
  const a = o.a ?? {};
  const b = o.b ?? {};
  const sc = o.scalar ?? 2.5;
  const grid = EDGE_PAIR.length;
  const ints = vals([2, 3], 'int32', [-7, 0, 3, 7, -2, 5]);
  const ints2 = vals([2, 3], 'int32', [2, 3, -3, 0, 2, 4]);
  const bools = vals([4], 'bool', [1, 1, 0, 0]);
  const bools2 = vals([4], 'bool', [1, 0, 1, 0]);
  return [
    s('float64 [3,4] x [3,4]', [draw(v, [3, 4], 'float64', a), draw(v, [3, 4], 'float64', b)]),
    s('float64 broadcast [3,1] x [1,4]', [draw(v, [3, 1], 'float64', a), draw(v, [1, 4], 'float64', b)]),
    s('float32 [2,3] x [3]', [draw(v, [2, 3], 'float32', a), draw(v, [3], 'float32', b)]),
    s('float64 0-d x [3]', [draw(v, [], 'float64', a), draw(v, [3], 'float64', b)]),
    s('float64 0-d x 0-d', [draw(v, [], 'float64', a), draw(v, [], 'float64', b)]),
    s('float32 size 0 [0,3] x [3]', [vals([0, 3], 'float32', []), draw(v, [3], 'float32', b)]),
    s('float32 size 0 [2,1] x [0]', [draw(v, [2, 1], 'float32', a), vals([0], 'float32', [])]),
    s('float64 transposed x expanded', [view(draw(v, [3, 2], 'float64', a), ['transpose', 0, 1]), view(draw(v, [1, 3], 'float64', b), ['expand', [2, 3]])]),
    s('float32 strided x [2,3]', [view(draw(v, [2, 6], 'float32', a), ['stride', 1, 0, 2]), draw(v, [2, 3], 'float32', b)]),
    s('float64 same input twice', [draw(v, [4], 'float64', { ...a, ...b, lo: Math.max(a.lo ?? -1, b.lo ?? -1), hi: Math.min(a.hi ?? 1, b.hi ?? 1) })], { same: true }, { gradcheck: false }),
    s('float32 x plain number', [draw(v, [2, 3], 'float32', a)], { scalar: sc }),
    s('plain number x float32', [draw(v, [2, 3], 'float32', b)], { scalar: sc, left: true }),
    s('float64 x plain number', [draw(v, [3], 'float64', a)], { scalar: sc }),
    s('int32 x plain integer', [ints], { scalar: 2 }),
    s('int32 x plain fraction', [ints], { scalar: 0.5 }),
    s('bool x plain integer', [bools], { scalar: 1 }),
    s('float32 [2,3] x float64 0-d (no up-cast)', [draw(v, [2, 3], 'float32', a), draw(v, [], 'float64', b)]),
    s('float64 0-d x float32 0-d', [draw(v, [], 'float64', a), draw(v, [], 'float32', b)]),
    s('int32 [2,3] x float64 0-d (category up-cast)', [ints, draw(v, [], 'float64', b)]),
    s('int32 0-d x float32 [3]', [vals([], 'int32', [3]), draw(v, [3], 'float32', b)]),
    s('float32 x float64', [draw(v, [3], 'float32', a), draw(v, [3], 'float64', b)]),
    s('int32 x int32', [ints, ints2]),
    s('int32 x float32', [ints, draw(v, [2, 3], 'float32', b)]),
    s('bool x bool', [bools, bools2]),
    s('bool x int32', [vals([3], 'bool', [1, 0, 1]), vals([3], 'int32', [2, 3, -1])]),
    s('bool x float32', [vals([3], 'bool', [1, 0, 1]), draw(v, [3], 'float32', b)]),
    s('float32 edge grid', [vals([grid, 1], 'float32', EDGE_PAIR), vals([1, grid], 'float32', EDGE_PAIR)]),
    s('float64 edge grid', [vals([grid, 1], 'float64', EDGE_PAIR), vals([1, grid], 'float64', EDGE_PAIR)]),
    s('float64 huge and tiny', [vals([4], 'float64', [1e300, 1e-300, -1e300, 3]), vals([4], 'float64', [1e-10, 1e300, 1e-300, 1e-320])], {}, { gradcheck: false }),
    s('float32 huge and tiny', [vals([4], 'float32', [1e30, 1e-30, -1e38, 3]), vals([4], 'float32', [1e-20, 1e30, 1e-30, 1e-40])]),
    s('broadcast error [2,3] x [2]', [draw(v, [2, 3], 'float32', a), draw(v, [2], 'float32', b)], {}, { throws: true }),
  ];
}

export interface ReduceOpts {
  /** 'multi': axis null, a number or a list; 'single': null or a number; 'required': a number */
  axes: 'multi' | 'single' | 'required';
  keepdim?: boolean;
  domain?: Domain;
}

/** Samples of a reduction (args: axis, keepdim). */
export function reduceSamples(op: string, o: ReduceOpts): Sample[] {
  const v = new Values(op);
  const d = o.domain ?? {};
  const kd = o.keepdim ?? true;
  const multi = o.axes === 'multi';
  const all = o.axes !== 'required';
  const a = (axis: number | number[] | null, keepdim = false): Args => (kd ? { axis, keepdim } : { axis });
  const out: Sample[] = [];
  const add = (name: string, inputs: InputSpec[], args: Args, extra: Partial<Sample> = {}): void => {
    out.push(s(name, inputs, args, extra));
  };
  if (all) add('float64 [3,4] all', [draw(v, [3, 4], 'float64', d)], a(null));
  add('float64 [3,4] axis 1', [draw(v, [3, 4], 'float64', d)], a(1));
  add('float64 [3,4] axis 0', [draw(v, [3, 4], 'float64', d)], a(0));
  add('float32 [2,3,4] axis -1', [draw(v, [2, 3, 4], 'float32', d)], a(-1));
  if (kd) add('float64 [2,3,4] axis -2 keepdim', [draw(v, [2, 3, 4], 'float64', d)], a(-2, true));
  if (multi) {
    add('float64 [2,3,4] axes [0,2]', [draw(v, [2, 3, 4], 'float64', d)], a([0, 2]));
    add('float64 [2,3,4] axes [-1,0] keepdim', [draw(v, [2, 3, 4], 'float64', d)], a([-1, 0], true));
  }
  if (all) add('float64 0-d all', [draw(v, [], 'float64', d)], a(null));
  add('float64 0-d axis 0', [draw(v, [], 'float64', d)], a(0));
  add('float64 0-d axis -1', [draw(v, [], 'float64', d)], a(-1));
  if (kd) add('float32 0-d axis -1 keepdim', [draw(v, [], 'float32', d)], a(-1, true));
  add('float32 0-d axis 1 (out of range)', [draw(v, [], 'float32', d)], a(1), { throws: true });
  add('float32 [3,4] axis 2 (out of range)', [draw(v, [3, 4], 'float32', d)], a(2), { throws: true });
  add('float64 size-1 axis [3,1] axis 1', [draw(v, [3, 1], 'float64', d)], a(1));
  add('float32 size 0 [0,3] axis 0', [vals([0, 3], 'float32', [])], a(0));
  add('float32 size 0 [2,0] axis 1', [vals([2, 0], 'float32', [])], a(1));
  add('float32 size 0 [0,3] axis 1', [vals([0, 3], 'float32', [])], a(1));
  if (all) add('float32 size 0 [0] all', [vals([0], 'float32', [])], a(null));
  add('float64 transposed axis 0', [view(draw(v, [4, 3], 'float64', d), ['transpose', 0, 1])], a(0));
  add('float32 strided axis -1', [view(draw(v, [3, 8], 'float32', d), ['stride', 1, 1, 2])], a(-1));
  add('float64 expanded axis 0', [view(draw(v, [1, 3], 'float64', d), ['expand', [4, 3]])], a(0), { gradcheck: !d.kink });
  const edge = [NaN, 1, 2, 3, Infinity, 1, -Infinity, 0, Infinity, Infinity, 1, 2, -Infinity, -Infinity, -1, 0, 2, NaN, NaN, 2];
  add('float32 edge rows axis 1', [vals([5, 4], 'float32', edge)], a(1));
  add('float64 edge rows axis 1', [vals([5, 4], 'float64', edge)], a(1));
  if (all) add('float64 edge all', [vals([4], 'float64', [1, NaN, 3, NaN])], a(null));
  add('float64 ties axis 1', [vals([2, 3], 'float64', [2, 1, 2, -1, -1, -1])], a(1), { gradcheck: false });
  const intDev = d.floatOnly ? { deviation: 'int-input-float-op' } : {};
  add('int32 axis 1', [asDType(v.rand([2, 3], 'int32', -5, 5), 'int32')], a(1), intDev);
  if (all) add('bool all', [vals([4], 'bool', [1, 0, 1, 1])], a(null), intDev);
  add('float32 long row axis 0', [v.rand([300], 'float32', -1, 1)], a(0), { tol: 4 });
  return out;
}
