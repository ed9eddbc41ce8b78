/**
 * Plain-number copies of tensors, taken at the moment explain records them (parameters change
 * when the update runs, so every value is copied out before that), and the number formatting
 * shared by the renderers.
 */
import type { Tensor } from '../core/tensor.js';

/** A tensor's values frozen as plain numbers: row-major `data`, its `shape` and Frobenius norm. */
export interface TensorSnapshot {
  shape: number[];
  /** row-major values, exactly as the tensor held them (float32 values widen exactly to numbers) */
  data: number[];
  /** Frobenius norm ||t||_F = sqrt(sum t_i^2) */
  norm: number;
}

export function snapshot(t: Tensor): TensorSnapshot {
  const data = Array.from(t.data(), Number);
  let ss = 0;
  for (const v of data) ss += v * v;
  return { shape: [...t.shape], data, norm: Math.sqrt(ss) };
}

export function snapshotOf(shape: number[], data: number[]): TensorSnapshot {
  let ss = 0;
  for (const v of data) ss += v * v;
  return { shape, data, norm: Math.sqrt(ss) };
}

/**
 * The values as a display matrix with one column per sample (the seed's column vectors):
 * a [m, n] batch of rows becomes n x m; a vector [n] becomes n x 1; a scalar 1 x 1.
 * `asIs` keeps a 2-D tensor as it is (weights W [out, in]).
 */
export function toMatrix(s: TensorSnapshot, asIs = false): number[][] {
  if (s.shape.length === 0) return [[s.data[0]!]];
  if (s.shape.length === 1) return s.data.map((v) => [v]);
  const cols = s.shape[s.shape.length - 1]!;
  const rows = s.data.length / cols;
  const m: number[][] = [];
  for (let r = 0; r < rows; r++) m.push(s.data.slice(r * cols, (r + 1) * cols));
  if (asIs) return m;
  return cols === 0 ? [] : m[0]!.map((_, c) => m.map((row) => row[c]!));
}

export function transposeMatrix(m: number[][]): number[][] {
  if (m.length === 0) return [];
  return m[0]!.map((_, c) => m.map((row) => row[c]!));
}

/**
 * A number with `digits` decimals, trailing zeros dropped but one kept (1.0, 1.7, 0.8897479187),
 * in exponent form when it is tiny or huge.
 */
export function fmt(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 10 ** -(digits - 2) || a >= 1e7)) {
    return v.toExponential(Math.max(2, Math.min(digits - 3, 8))).replace(/\.?0+e/, 'e');
  }
  let s = v.toFixed(digits);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '.0');
  if (/^-0(\.0)?$/.test(s)) s = '0.0';
  return s;
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}
