/**
 * Native unary / binary / where / copy against the reference kernels, on contiguous, offset,
 * transposed, strided and broadcast views, special values (0, -0, ±inf, NaN), every ISA, and
 * sizes large enough to be split over threads. Non-float32 dtypes must fall back.
 */
import { test } from 'node:test';
import type { BinaryOp, Strided, UnaryOp } from '../../src/backend/types.js';
import type { TypedArray } from '../../src/core/dtype.js';
import { assertClose, contiguous, forEachIsa, nb, needNative, randInt, randomView, ref, rng, size } from './helpers.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'reciprocal', 'relu', 'sigmoid', 'tanh', 'sin', 'cos', 'floor', 'ceil', 'round', 'log1p', 'expm1', 'softplus', 'gelu', 'not'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'reluGrad'];
const COMPARE: BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'];
const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, Infinity, -Infinity, NaN, 1e-30, -1e-30, 88, -88, 89, -89, 100, -100, 1e-4, -1e-4, 0.3, 0.625, -0.625, 20, -20, 21];

/** Random values in [-6, 6] (quantized a bit so comparisons see ties) with some special ones. */
function filler(r: () => number): (n: number) => Float32Array {
  return (n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = r();
      a[i] = u < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : u < 0.2 ? Math.round(r() * 8 - 4) / 2 : r() * 12 - 6;
    }
    return a;
  };
}

function randomShape(r: () => number): number[] {
  const nd = randInt(r, 0, 4);
  return Array.from({ length: nd }, () => randInt(r, 1, 7));
}

test('unary: every op on every view kind and ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(11);
  const fill = filler(r);
  forEachIsa((isa) => {
    for (const op of UNARY) {
      for (let kind = 0; kind < 5; kind++) {
        const shape = kind === 0 ? [randInt(r, 1, 300)] : randomShape(r);
        // (the reference's erf gives NaN at +-inf; std::erf gives +-1, so gelu(inf) = inf: skip those)
        const x = randomView(r, shape, kind, op === 'gelu' ? (n) => fill(n).map((v) => (Number.isFinite(v) ? v : 0)) : fill);
        const a = new Float32Array(size(shape));
        const b = new Float32Array(size(shape));
        nb().unary(op, x, shape, a);
        ref.unary(op, x, shape, b);
        assertClose(a, b, 2e-6, 1e-30, `${isa} ${op} kind ${kind} shape [${shape}]`);
      }
    }
  });
});

test('unary: exp / sigmoid / tanh accuracy over a dense range', (t) => {
  if (!needNative(t)) return;
  const n = 20001;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -100 + (200 * i) / (n - 1);
  forEachIsa((isa) => {
    for (const op of ['exp', 'sigmoid', 'tanh'] as UnaryOp[]) {
      const a = new Float32Array(n);
      const b = new Float32Array(n);
      nb().unary(op, contiguous(x, [n]), [n], a);
      ref.unary(op, contiguous(x, [n]), [n], b);
      assertClose(a, b, 1e-6, 1e-37, `${isa} ${op}`);
    }
  });
});

test('binary: every op, broadcasting and strided views, float32 and bool outputs', (t) => {
  if (!needNative(t)) return;
  const r = rng(12);
  const fill = filler(r);
  forEachIsa((isa) => {
    for (const op of BINARY) {
      for (let i = 0; i < 10; i++) {
        const shape = i === 0 ? [randInt(r, 1, 300)] : randomShape(r);
        const a = randomView(r, shape, randInt(r, 0, 4), fill);
        const b = randomView(r, shape, randInt(r, 0, 4), fill);
        const outs: TypedArray[] = [new Float32Array(size(shape)), new Float32Array(size(shape))];
        nb().binary(op, a, b, shape, outs[0]!);
        ref.binary(op, a, b, shape, outs[1]!);
        assertClose(outs[0]!, outs[1]!, 1e-6, 0, `${isa} ${op} [${shape}]`);
        if (COMPARE.includes(op)) {
          const u = [new Uint8Array(size(shape)), new Uint8Array(size(shape))];
          nb().binary(op, a, b, shape, u[0]!);
          ref.binary(op, a, b, shape, u[1]!);
          assertClose(u[0]!, u[1]!, 0, 0, `${isa} ${op} -> bool [${shape}]`);
        }
      }
    }
  });
});

test('binary / unary: large arrays (split over threads), in-place output', (t) => {
  if (!needNative(t)) return;
  const r = rng(13);
  const fill = filler(r);
  const shape = [3, 70001];
  const a = contiguous(fill(size(shape)), shape);
  const row: Strided = { data: fill(70001), offset: 0, strides: [0, 1] };
  for (const op of ['add', 'mul', 'pow', 'maximum'] as BinaryOp[]) {
    const x = new Float32Array(size(shape));
    const y = new Float32Array(size(shape));
    nb().binary(op, a, row, shape, x);
    ref.binary(op, a, row, shape, y);
    assertClose(x, y, 1e-6, 0, op);
  }
  for (const op of ['relu', 'tanh', 'exp'] as UnaryOp[]) {
    const inPlace = (a.data as Float32Array).slice();
    const y = new Float32Array(size(shape));
    ref.unary(op, contiguous(inPlace, shape), shape, y);
    nb().unary(op, contiguous(inPlace, shape), shape, inPlace);
    assertClose(inPlace, y, 2e-6, 1e-30, `${op} in place`);
  }
});

test('where and copy on strided / broadcast views; copy of other dtypes', (t) => {
  if (!needNative(t)) return;
  const r = rng(14);
  const fill = filler(r);
  const bools = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
  for (let i = 0; i < 30; i++) {
    const shape = randomShape(r);
    const c = randomView(r, shape, randInt(r, 0, 4), bools);
    const a = randomView(r, shape, randInt(r, 0, 4), fill);
    const b = randomView(r, shape, randInt(r, 0, 4), fill);
    const x = new Float32Array(size(shape));
    const y = new Float32Array(size(shape));
    nb().where(c, a, b, shape, x);
    ref.where(c, a, b, shape, y);
    assertClose(x, y, 0, 0, `where [${shape}]`);
  }
  const makers: ((n: number) => TypedArray)[] = [
    fill,
    (n) => Float64Array.from(fill(n)),
    (n) => Int32Array.from({ length: n }, () => randInt(r, -100, 100)),
    bools,
  ];
  for (let i = 0; i < 40; i++) {
    const shape = randomShape(r);
    const make = makers[i % makers.length]!;
    const src = randomView(r, shape, randInt(r, 0, 4), make);
    // destination: a strided (kind 1..3, never broadcast) view, same or different dtype
    const kind = randInt(r, 0, 3);
    const dstMake = i % 7 === 0 ? makers[(i + 1) % makers.length]! : make;
    const d1 = randomView(r, shape, kind, (n) => dstMake(n).fill(0));
    const d2: Strided = { ...d1, data: d1.data.slice() };
    nb().copy(src, shape, d1);
    ref.copy(src, shape, d2);
    assertClose(d1.data, d2.data, 0, 0, `copy ${src.data.constructor.name} -> ${d1.data.constructor.name} [${shape}]`);
  }
});

test('elementwise: float64 / int32 inputs fall back to the reference', (t) => {
  if (!needNative(t)) return;
  const x = contiguous(new Float64Array([1, -2, 3]), [3]);
  const out = new Float64Array(3);
  nb().unary('relu', x, [3], out);
  assertClose(out, [1, 0, 3], 0, 0, 'relu float64');
  const i = contiguous(new Int32Array([1, 2, 3]), [3]);
  const f = contiguous(new Float32Array([0.5, 0.5, 0.5]), [3]);
  const o = new Float32Array(3);
  nb().binary('add', i, f, [3], o);
  assertClose(o, [1.5, 2.5, 3.5], 0, 0, 'int32 + float32');
  const e = new Float32Array(0);
  nb().unary('exp', contiguous(e, [0, 3]), [0, 3], e);
});

// ---- mixed dtypes: float32 / bool / int32 operands (relu's backward is g * (x > 0), float32 x bool) ----

type Maker = (n: number) => TypedArray;
function mixedMakers(r: () => number): Record<string, Maker> {
  const fill = filler(r);
  return {
    f32: fill,
    bool: (n) => Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)),
    // small integers (ties with the floats), and some beyond 2^24 (not exact in float32)
    i32: (n) => Int32Array.from({ length: n }, () => (r() < 0.8 ? randInt(r, -6, 6) : randInt(r, -(2 ** 31), 2 ** 31 - 1))),
  };
}

test('binary: mixed float32 / bool / int32 operands, float32 and bool outputs, every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(15);
  const makers = mixedMakers(r);
  const pairs = [['f32', 'bool'], ['bool', 'f32'], ['f32', 'i32'], ['i32', 'f32'], ['bool', 'bool'], ['i32', 'i32'], ['bool', 'i32'], ['i32', 'bool']] as const;
  forEachIsa((isa) => {
    for (const [ta, tb] of pairs) {
      for (const op of BINARY) {
        for (let i = 0; i < 6; i++) {
          const shape = i === 0 ? [randInt(r, 1, 300)] : randomShape(r);
          const a = randomView(r, shape, randInt(r, 0, 4), makers[ta]!);
          const b = randomView(r, shape, randInt(r, 0, 4), makers[tb]!);
          const what = `${isa} ${op} ${ta} ${tb} [${shape}]`;
          const outs = [new Float32Array(size(shape)), new Float32Array(size(shape))];
          nb().binary(op, a, b, shape, outs[0]!);
          ref.binary(op, a, b, shape, outs[1]!);
          // exact, but pow (C's pow vs V8's, both in double) may differ in the last bit of a double
          assertClose(outs[0]!, outs[1]!, op === 'pow' ? 1e-7 : 0, 0, what);
          if (COMPARE.includes(op)) {
            const u = [new Uint8Array(size(shape)), new Uint8Array(size(shape))];
            nb().binary(op, a, b, shape, u[0]!);
            ref.binary(op, a, b, shape, u[1]!);
            assertClose(u[0]!, u[1]!, 0, 0, `${what} -> bool`);
          }
        }
      }
    }
  });
  // the hot case, large enough to be split over threads: g * (x > 0) with a broadcast mask too
  const shape = [64, 16, 28, 28];
  const g = contiguous(makers.f32!(size(shape)), shape);
  for (const m of [contiguous(makers.bool!(size(shape)), shape), { data: makers.bool!(16), offset: 0, strides: [0, 1, 0, 0] }]) {
    const x = new Float32Array(size(shape));
    const y = new Float32Array(size(shape));
    nb().binary('mul', g, m, shape, x);
    ref.binary('mul', g, m, shape, y);
    assertClose(x, y, 0, 0, 'mul float32 x bool, large');
  }
});

test('unary: bool / int32 inputs into float32, and `not` into bool', (t) => {
  if (!needNative(t)) return;
  const r = rng(16);
  const makers = mixedMakers(r);
  for (const tx of ['bool', 'i32'] as const) {
    for (const op of UNARY) {
      for (let kind = 0; kind < 5; kind++) {
        const shape = kind === 0 ? [randInt(r, 1, 300)] : randomShape(r);
        const x = randomView(r, shape, kind, makers[tx]!);
        const a = new Float32Array(size(shape));
        const b = new Float32Array(size(shape));
        nb().unary(op, x, shape, a);
        ref.unary(op, x, shape, b);
        assertClose(a, b, 1e-7, 0, `${op} ${tx} kind ${kind} [${shape}]`);
      }
    }
  }
  for (const tx of ['f32', 'bool', 'i32'] as const) {
    const shape = [5, 67];
    const x = randomView(r, shape, 3, makers[tx]!);
    const a = new Uint8Array(size(shape));
    const b = new Uint8Array(size(shape));
    nb().unary('not', x, shape, a);
    ref.unary('not', x, shape, b);
    assertClose(a, b, 0, 0, `not ${tx} -> bool`);
  }
});

test('where: bool / float32 / int32 conditions (JS truthiness: 0, -0 and NaN are false), broadcast operands', (t) => {
  if (!needNative(t)) return;
  const r = rng(17);
  const makers = mixedMakers(r);
  for (const tc of ['bool', 'f32', 'i32'] as const) {
    for (let i = 0; i < 30; i++) {
      const shape = i === 0 ? [randInt(r, 1, 300)] : randomShape(r);
      const c = randomView(r, shape, randInt(r, 0, 4), makers[tc]!);
      const a = randomView(r, shape, randInt(r, 0, 4), makers.f32!);
      const b = randomView(r, shape, randInt(r, 0, 4), makers.f32!);
      const x = new Float32Array(size(shape));
      const y = new Float32Array(size(shape));
      nb().where(c, a, b, shape, x);
      ref.where(c, a, b, shape, y);
      assertClose(x, y, 0, 0, `where ${tc} [${shape}]`);
    }
  }
  // scalar operands (where(mask, x, 0)), large
  const shape = [64, 32, 14, 14];
  const c = contiguous(makers.bool!(size(shape)), shape);
  const a = contiguous(makers.f32!(size(shape)), shape);
  const zero = { data: new Float32Array([0]), offset: 0, strides: [0, 0, 0, 0] };
  for (const [p, q] of [[a, zero], [zero, a]]) {
    const x = new Float32Array(size(shape));
    const y = new Float32Array(size(shape));
    nb().where(c, p!, q!, shape, x);
    ref.where(c, p!, q!, shape, y);
    assertClose(x, y, 0, 0, 'where with a scalar operand');
  }
});
