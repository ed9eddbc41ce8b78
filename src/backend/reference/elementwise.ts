/** Reference elementwise kernels: unary maps, broadcast binary ops, where, copy, fill. */
import type { TypedArray } from '../../core/dtype.js';
import type { BinaryOp, Strided, UnaryOp } from '../types.js';
import { forEachRow } from './strided.js';

/** The scalar definition of every unary op. */
export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  // sign(NaN) = 0, as PyTorch
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // NaN passes through, as PyTorch
  relu: (x) => (x <= 0 ? 0 : x),
  // 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0: never overflows
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  // round half to even, as PyTorch and NumPy
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  log1p: Math.log1p,
  expm1: Math.expm1,
  // log(1 + e^x) computed without overflow
  softplus: (x) => (x > 20 ? x : x < -20 ? Math.exp(x) : Math.log1p(Math.exp(x))),
  // the exact erf-based GELU (PyTorch's default), not the tanh approximation
  gelu: (x) => x * normalCdf(x),
  // NaN is true (non-zero), as PyTorch's bool(NaN)
  not: (x) => (x === 0 ? 1 : 0),
};

/** erf to about 1e-15 relative (series for small |x|, continued fraction via erfc otherwise). */
export function erf(x: number): number {
  if (!Number.isFinite(x)) return x > 0 ? 1 : x < 0 ? -1 : NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  const erfc = erfcTail(ax);
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** erfc(z) for z >= 2.5 by Lentz's continued fraction (to about 1e-15 relative). */
function erfcTail(z: number): number {
  let f = z;
  let c = z;
  let d = 0;
  for (let i = 1; i < 200; i++) {
    const a = i / 2;
    d = z + a * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = z + a / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / (f * Math.sqrt(Math.PI));
}

/**
 * The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, with the far negative tail taken
 * from erfc directly (1 + erf there would cancel every digit).
 */
export function normalCdf(x: number): number {
  const z = x / Math.SQRT2;
  return z <= -2.5 ? 0.5 * erfcTail(-z) : 0.5 * (1 + erf(z));
}

/** C's (and PyTorch's) pow: Math.pow except 1^y = 1 for every y and (-1)^(+-inf) = 1 (Math.pow gives NaN). */
export function cPow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: cPow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  // relu's backward: the gradient a passes unless the input b is <= 0 (so also where b is NaN), as PyTorch
  reluGrad: (a, b) => (b <= 0 ? 0 : a),
};

/** a^b in int32 arithmetic (wrapping as C does) for b >= 0; else as cPow (then truncated by the store). */
export function intPow(a: number, b: number): number {
  if (b < 0) return cPow(a, b);
  let r = 1;
  let base = a | 0;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

export function unary(op: UnaryOp, x: Strided, shape: readonly number[], out: TypedArray): void {
  // int32 products wrap modulo 2^32 as in C (a double product loses the low bits first)
  const f = op === 'square' && out instanceof Int32Array ? (v: number) => Math.imul(v, v) : UNARY[op];
  const xd = x.data;
  forEachRow(shape, [x], (offs, o, len, inner) => {
    let xi = offs[0]!;
    const sx = inner[0]!;
    for (let i = 0; i < len; i++, xi += sx) out[o + i] = f(xd[xi]!);
  });
}

export function binary(op: BinaryOp, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
  const ad = a.data;
  const bd = b.data;
  const int = out instanceof Int32Array;
  // The four arithmetic ops get their own loops: they are most of the work in training.
  const loop = (offs: number[], o: number, len: number, inner: number[]): void => {
    let ai = offs[0]!;
    let bi = offs[1]!;
    const sa = inner[0]!;
    const sb = inner[1]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = ad[ai]! + bd[bi]!;
        return;
      case 'sub':
        for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = ad[ai]! - bd[bi]!;
        return;
      case 'mul':
        if (int) for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = Math.imul(ad[ai]!, bd[bi]!);
        else for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = ad[ai]! * bd[bi]!;
        return;
      case 'div':
        for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = ad[ai]! / bd[bi]!;
        return;
      default: {
        const f = int && op === 'pow' ? intPow : BINARY[op];
        for (let i = 0; i < len; i++, ai += sa, bi += sb) out[o + i] = f(ad[ai]!, bd[bi]!);
      }
    }
  };
  forEachRow(shape, [a, b], loop);
}

export function where(cond: Strided, a: Strided, b: Strided, shape: readonly number[], out: TypedArray): void {
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  forEachRow(shape, [cond, a, b], (offs, o, len, inner) => {
    let ci = offs[0]!;
    let ai = offs[1]!;
    let bi = offs[2]!;
    for (let i = 0; i < len; i++, ci += inner[0]!, ai += inner[1]!, bi += inner[2]!) out[o + i] = cd[ci] !== 0 ? ad[ai]! : bd[bi]!;
  });
}

export function copy(x: Strided, shape: readonly number[], out: Strided): void {
  const xd = x.data;
  const od = out.data;
  forEachRow(shape, [x, out], (offs, _o, len, inner) => {
    let xi = offs[0]!;
    let oi = offs[1]!;
    const sx = inner[0]!;
    const so = inner[1]!;
    for (let i = 0; i < len; i++, xi += sx, oi += so) od[oi] = xd[xi]!;
  });
}

export function fill(out: TypedArray, value: number, start: number, end: number): void {
  out.fill(value, start, end);
}

/** Exact GELU over n contiguous elements: x Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
export function geluForward(x: TypedArray, out: TypedArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = v * normalCdf(v);
  }
}

/** GELU's backward: g (Phi(x) + x phi(x)), phi(x) = e^{-x^2/2} / sqrt(2 pi); out may be g. */
export function geluBackward(x: TypedArray, g: TypedArray, out: TypedArray, n: number): void {
  const c = 1 / Math.sqrt(2 * Math.PI);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = g[i]! * (normalCdf(v) + v * c * Math.exp(-0.5 * v * v));
  }
}
