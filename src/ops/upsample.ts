/**
 * Resizing the spatial axes of [N, C, H, W] (or [N, C, L]) tensors by interpolation, with
 * PyTorch's `interpolate` / `nn.Upsample` semantics, for modes 'nearest', 'bilinear' (4-D) and
 * 'linear' (3-D).
 *
 * Output size per axis: `size` if given, else floor(in * scaleFactor). The source coordinate
 * of output index o on an axis of `in` -> `out` samples uses the scale
 *   r = 1 / scaleFactor     when a scale factor was given (and recomputeScaleFactor is not set),
 *   r = in / out            otherwise;
 * nearest:                  src = min(floor(o r), in - 1)   (o itself when out = in, o >> 1 when out = 2 in;
 *                                                             computed in float32 as PyTorch does)
 * linear, alignCorners:     src = o (in - 1) / (out - 1)    (0 when out = 1)
 * linear, otherwise:        src = max(r (o + 0.5) - 0.5, 0)
 * and the linear modes blend the two neighbours i0 = floor(src), i1 = min(i0 + 1, in - 1) with
 * weights 1 - l and l, l = src - i0. Bilinear interpolation is the product of one such blend per
 * axis:
 *   y[o, p] = sum_{a, b} wH_a(o) wW_b(p) x[iH_a(o), iW_b(p)]
 * which is linear in x, so the gradient scatters dJ/dy back with the same weights:
 *   dJ/dx[iH_a(o), iW_b(p)] += wH_a(o) wW_b(p) dJ/dy[o, p].
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { type TypedArray, isFloat } from '../core/dtype.js';
import { empty, emptyUninit, result } from './result.js';

export type UpsampleMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** output size of the spatial axes ([H, W] for 4-D, [L] for 3-D, or one number for all) */
  size?: number | readonly number[];
  /** multiplier of the spatial sizes (one number for all axes, or one per axis) */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'bilinear' (4-D input) or 'linear' (3-D input) */
  mode?: UpsampleMode;
  /** linear modes: map the corner pixels' centres onto each other (default false) */
  alignCorners?: boolean;
  /** with scaleFactor: compute the coordinates from in/out instead of 1/scaleFactor (default false) */
  recomputeScaleFactor?: boolean;
}

/** One axis's plan: for each output index, two source indices and their weights. */
interface AxisPlan {
  i0: Int32Array;
  i1: Int32Array;
  l0: Float64Array;
  l1: Float64Array;
}

const f32 = Math.fround;

function nearestPlan(inSize: number, outSize: number, scale: number | undefined): AxisPlan {
  const p = emptyPlan(outSize);
  // PyTorch computes this scale and the products in float32
  const r = f32(scale !== undefined && scale > 0 ? 1 / scale : inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    let i: number;
    if (outSize === inSize) i = o;
    else if (outSize === 2 * inSize) i = o >> 1;
    else i = Math.min(Math.floor(f32(o * r)), inSize - 1);
    p.i0[o] = i;
    p.i1[o] = i;
    p.l0[o] = 1;
    p.l1[o] = 0;
  }
  return p;
}

function linearPlan(inSize: number, outSize: number, scale: number | undefined, alignCorners: boolean, single: boolean): AxisPlan {
  const p = emptyPlan(outSize);
  const round = single ? f32 : (v: number) => v;
  let r: number;
  if (alignCorners) r = outSize > 1 ? round((inSize - 1) / (outSize - 1)) : 0;
  else r = round(scale !== undefined && scale > 0 ? 1 / scale : inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    let src = alignCorners ? round(r * o) : round(round(r * round(o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const l = Math.min(Math.max(round(src - i0), 0), 1);
    p.i0[o] = i0;
    p.i1[o] = i0 < inSize - 1 ? i0 + 1 : i0;
    p.l1[o] = l;
    p.l0[o] = round(1 - l);
  }
  return p;
}

function emptyPlan(n: number): AxisPlan {
  return { i0: new Int32Array(n), i1: new Int32Array(n), l0: new Float64Array(n), l1: new Float64Array(n) };
}

/** Expands a per-axis option to `k` values, checking each with `ok`. */
function perAxis(op: string, name: string, v: number | readonly number[], k: number, ok: (x: number) => boolean, want: string): number[] {
  const arr = typeof v === 'number' ? new Array<number>(k).fill(v) : [...v];
  if (arr.length !== k || !arr.every((x) => typeof x === 'number' && ok(x))) {
    throw new NablaError(`${op}: ${name} must be ${want} or a list of ${k} (one per spatial axis), got ${JSON.stringify(v)}`);
  }
  return arr;
}

/**
 * Resizes x [N, C, H, W] ('nearest' or 'bilinear') or [N, C, L] ('nearest' or 'linear'); exactly
 * one of `size` and `scaleFactor` must be given. See the file comment for the formulas.
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const op = 'interpolate';
  if (!(x instanceof Tensor)) throw new NablaError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') {
    throw new NablaError(`${op}: mode must be 'nearest', 'linear' (3-D input) or 'bilinear' (4-D input), got ${JSON.stringify(mode)}`);
  }
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(`${op}: expected a 3-D [N, C, L] or 4-D [N, C, H, W] input, got ${x.ndim}-D ${fmtShape(x.shape)}`);
  }
  if (mode === 'bilinear' && x.ndim !== 4) throw new ShapeError(`${op}: mode 'bilinear' needs a 4-D input [N, C, H, W], got ${fmtShape(x.shape)}; use 'linear' for [N, C, L]`);
  if (mode === 'linear' && x.ndim !== 3) throw new ShapeError(`${op}: mode 'linear' needs a 3-D input [N, C, L], got ${fmtShape(x.shape)}; use 'bilinear' for [N, C, H, W]`);
  const alignCorners = opts.alignCorners ?? false;
  if (mode === 'nearest' && opts.alignCorners !== undefined) {
    throw new NablaError(`${op}: alignCorners only applies to the linear modes, not 'nearest' (PyTorch rejects it too); leave it unset`);
  }
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a floating-point input, got ${x.dtype}`);
  const k = x.ndim - 2;
  const inSizes = x.shape.slice(2);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    throw new NablaError(`${op}: give exactly one of size and scaleFactor (got ${opts.size === undefined ? 'neither' : 'both'})`);
  }
  let outSizes: number[];
  let scales: (number | undefined)[];
  if (opts.size !== undefined) {
    outSizes = perAxis(op, 'size', opts.size, k, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    scales = new Array<undefined>(k).fill(undefined);
  } else {
    const sf = perAxis(op, 'scaleFactor', opts.scaleFactor!, k, (v) => Number.isFinite(v) && v > 0, 'a positive number');
    outSizes = inSizes.map((s, i) => Math.floor(s * sf[i]!));
    scales = opts.recomputeScaleFactor ? new Array<undefined>(k).fill(undefined) : sf;
    const bad = outSizes.findIndex((s) => s < 1);
    if (bad >= 0) throw new ShapeError(`${op}: scaleFactor ${sf[bad]} makes axis ${bad + 2} of x ${fmtShape(x.shape)} empty (floor(${inSizes[bad]} x ${sf[bad]}) = ${outSizes[bad]})`);
  }
  const single = x.dtype === 'float32';
  const plans = outSizes.map((o, i) =>
    mode === 'nearest' ? nearestPlan(inSizes[i]!, o, scales[i]) : linearPlan(inSizes[i]!, o, scales[i], alignCorners, single),
  );
  // a 3-D input is a 4-D one of height 1 (an identity plan on H)
  const [planH, planW] = k === 2 ? [plans[0]!, plans[1]!] : [nearestPlan(1, 1, undefined), plans[0]!];
  const hIn = k === 2 ? inSizes[0]! : 1;
  const wIn = inSizes[k - 1]!;
  const planes = x.shape[0]! * x.shape[1]!;
  const xc = x.contiguous();
  const out = emptyUninit(x.dtype, [...x.shape.slice(0, 2), ...outSizes]);
  forward(xc._contiguousData(), out._storage, planes, hIn, wIn, planH, planW);
  return result(op, out, [xc], (g) => {
    if (isGradEnabled()) throw new NablaError(`${op}: differentiating twice (backward with createGraph) through interpolate is not supported yet`);
    const dx = empty(x.dtype, xc.shape);
    backward(g.contiguous()._contiguousData(), dx._storage, planes, hIn, wIn, planH, planW);
    return [dx];
  }, { mode, size: outSizes, alignCorners });
}

/**
 * y = blend along W, then along H (the same products as the two-axis formula, W first as
 * PyTorch groups them): t[h, p] = b0 x[h, c0(p)] + b1 x[h, c1(p)], y[o, p] = a0 t[i0(o), p] + a1 t[i1(o), p].
 */
function forward(x: TypedArray, y: TypedArray, planes: number, hIn: number, wIn: number, ph: AxisPlan, pw: AxisPlan): void {
  const hOut = ph.i0.length;
  const wOut = pw.i0.length;
  const t = new Float64Array(hIn * wOut);
  const { i0: c0, i1: c1, l0: b0, l1: b1 } = pw;
  const { i0: r0, i1: r1, l0: a0, l1: a1 } = ph;
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * hIn * wIn;
    for (let h = 0; h < hIn; h++) {
      const xr = xb + h * wIn;
      const tr = h * wOut;
      for (let p = 0; p < wOut; p++) t[tr + p] = b0[p]! * x[xr + c0[p]!]! + b1[p]! * x[xr + c1[p]!]!;
    }
    const yb = pl * hOut * wOut;
    for (let o = 0; o < hOut; o++) {
      const t0 = r0[o]! * wOut;
      const t1 = r1[o]! * wOut;
      const w0 = a0[o]!;
      const w1 = a1[o]!;
      const yr = yb + o * wOut;
      for (let p = 0; p < wOut; p++) y[yr + p] = w0 * t[t0 + p]! + w1 * t[t1 + p]!;
    }
  }
}

/** The adjoint of `forward`: scatter dJ/dy back along H into t, then along W into dx (which starts at 0). */
function backward(g: TypedArray, dx: TypedArray, planes: number, hIn: number, wIn: number, ph: AxisPlan, pw: AxisPlan): void {
  const hOut = ph.i0.length;
  const wOut = pw.i0.length;
  const t = new Float64Array(hIn * wOut);
  const { i0: c0, i1: c1, l0: b0, l1: b1 } = pw;
  const { i0: r0, i1: r1, l0: a0, l1: a1 } = ph;
  for (let pl = 0; pl < planes; pl++) {
    t.fill(0);
    const gb = pl * hOut * wOut;
    for (let o = 0; o < hOut; o++) {
      const t0 = r0[o]! * wOut;
      const t1 = r1[o]! * wOut;
      const w0 = a0[o]!;
      const w1 = a1[o]!;
      const gr = gb + o * wOut;
      for (let p = 0; p < wOut; p++) {
        const v = g[gr + p]!;
        t[t0 + p] += w0 * v;
        t[t1 + p] += w1 * v;
      }
    }
    const xb = pl * hIn * wIn;
    for (let h = 0; h < hIn; h++) {
      const xr = xb + h * wIn;
      const tr = h * wOut;
      for (let p = 0; p < wOut; p++) {
        const v = t[tr + p]!;
        dx[xr + c0[p]!] += b0[p]! * v;
        dx[xr + c1[p]!] += b1[p]! * v;
      }
    }
  }
}
