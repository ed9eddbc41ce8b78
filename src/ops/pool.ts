/**
 * 2-D pooling on NCHW tensors: each output looks at a kh x kw window of its own channel,
 *
 *   max:  y[n,c,p,q] = max_{i<kh, j<kw} x[n, c, p s_H - pad_H + i d_H, q s_W - pad_W + j d_W]   (padding = -inf)
 *   avg:  y[n,c,p,q] = (1/divisor) sum_{i<kh, j<kw} x[n, c, p s_H - pad_H + i, q s_W - pad_W + j]  (padding = 0)
 *
 * outH = floor((H + 2 pad_H - d_H (kh - 1) - 1) / s_H) + 1 (ceil with `ceilMode`, dropping a last
 * window that would start in the bottom padding, as PyTorch). The avg divisor is the window
 * clipped to the padded input (countIncludePad, the default) or to the real input.
 *
 * Backward (hand-written: pooling is on the hot path of every CNN):
 *   max: dJ/dx[argmax of the window] += dJ/dy     avg: each pixel of the window gets dJ/dy / divisor
 * Max pooling with dilation > 1 is composed from strided slices, stack and gather instead (the
 * backend kernels have no dilation), with the kernels' tie rule (first maximum, or the last NaN).
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { muteForward } from '../core/events.js';
import { allocateUninit, isFloat } from '../core/dtype.js';
import { B } from '../backend/registry.js';
import type { Pool2dGeom } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { type Pair, expect4d, pad2d, pair } from './conv.js';
import { stack, where } from './indexing.js';
import { arange, zeros } from './create.js';

export interface MaxPool2dOptions {
  /** step between windows (default: the kernel size) */
  stride?: Pair;
  /** -inf added on each side (default 0; at most half the kernel) */
  padding?: Pair;
  /** spacing between window taps (default 1) */
  dilation?: Pair;
  /** round the output size up instead of down (default false) */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  /** whether padded zeros count in the divisor (default true, as PyTorch) */
  countIncludePad?: boolean;
}

/** Output length along one axis, PyTorch's rule (pooling_output_shape). */
function outLen(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((ceil ? span + s - 1 : span) / s) + 1;
  // with ceil, the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

interface Resolved {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  outH: number;
  outW: number;
}

function resolve(op: string, x: Tensor, kernel: Pair, stride: Pair | undefined, padding: Pair, dilation: Pair, ceil: boolean): Resolved {
  expect4d(op, x);
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a floating-point input, got ${x.dtype}`);
  const [kh, kw] = pair(op, 'kernel size', kernel, 1);
  const [sh, sw] = pair(op, 'stride', stride ?? kernel, 1);
  const [ph, pw] = pair(op, 'padding', padding, 0);
  const [dh, dw] = pair(op, 'dilation', dilation, 1);
  const effH = dh * (kh - 1) + 1;
  const effW = dw * (kw - 1) + 1;
  // PyTorch's limits: padding at most half the (dilated) kernel, and at least one output
  if (2 * ph > effH || 2 * pw > effW) {
    throw new NablaError(`${op}: padding [${ph},${pw}] must be at most half the kernel size [${effH},${effW}]${dh > 1 || dw > 1 ? ' (dilated)' : ''}`);
  }
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  const outH = outLen(h, kh, sh, ph, dh, ceil);
  const outW = outLen(w, kw, sw, pw, dw, ceil);
  if (outH < 1 || outW < 1) {
    const dil = dh > 1 || dw > 1 ? ` (${effH}x${effW} with dilation [${dh},${dw}])` : '';
    throw new ShapeError(
      `${op}: the kernel ${kh}x${kw}${dil} is larger than the padded input ${h + 2 * ph}x${w + 2 * pw} ` +
        `(input ${h}x${w} from x ${fmtShape(x.shape)}, padding [${ph},${pw}]): the output would be ${outH}x${outW}; use a smaller kernel, more padding or a larger input`,
    );
  }
  return { kh, kw, sh, sw, ph, pw, dh, dw, outH, outW };
}

function geometry(x: Tensor, r: Resolved, countIncludePad: boolean): Pool2dGeom {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return {
    n, c, h, w, kh: r.kh, kw: r.kw, strideH: r.sh, strideW: r.sw, padH: r.ph, padW: r.pw,
    outH: r.outH, outW: r.outW, countIncludePad,
  };
}

function noDoubleBackward(op: string): void {
  if (isGradEnabled()) throw new NablaError(`${op}: differentiating twice (backward with createGraph) through pooling is not supported yet`);
}

/** Max over each window; x [N, C, H, W] -> [N, C, outH, outW]. */
export function maxPool2d(x: Tensor, kernel: Pair, opts: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  const r = resolve(op, x, kernel, opts.stride, opts.padding ?? 0, opts.dilation ?? 1, opts.ceilMode ?? false);
  if (r.dh > 1 || r.dw > 1) return dilatedMaxPool(x, r);
  const g = geometry(x, r, false);
  const xc = x.contiguous();
  // the pooling kernels write every element of their outputs (argmax too): no zero-fill
  const out = emptyUninit(x.dtype, [g.n, g.c, g.outH, g.outW]);
  const argmax = allocateUninit('int32', out.size) as Int32Array;
  B().maxPool2d(xc._contiguousData(), g, out._storage, argmax);
  return result(op, out, [xc], (dy) => {
    noDoubleBackward(op);
    const dx = emptyUninit(x.dtype, x.shape);
    B().maxPool2dBackward(dy.contiguous()._contiguousData(), argmax, g, dx._storage);
    return [dx];
  }, { kernel: [r.kh, r.kw], stride: [r.sh, r.sw], padding: [r.ph, r.pw] });
}

/**
 * Dilated max pooling, one op composed inside: pad with -inf, take the kh*kw strided tap views,
 * and pick per window the kernels' winner (the first maximum among the taps inside the image, or
 * the last NaN). A window with no tap inside the image outputs -inf and passes no gradient.
 * Backward: dJ/dy is added at each window's winner.
 */
function dilatedMaxPool(x: Tensor, r: Resolved): Tensor {
  const op = 'maxPool2d';
  const needH = (r.outH - 1) * r.sh + (r.kh - 1) * r.dh + 1;
  const needW = (r.outW - 1) * r.sw + (r.kw - 1) * r.dw + 1;
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  const xd = x.detach();
  const xp = muteForward(() => pad2d(xd, [r.ph, Math.max(0, needH - h - r.ph), r.pw, Math.max(0, needW - w - r.pw)], -Infinity));
  const regions: [number, number][] = [];
  const inImage = new Uint8Array(r.kh * r.kw * r.outH * r.outW);
  for (let i = 0; i < r.kh; i++) {
    for (let j = 0; j < r.kw; j++) {
      regions.push([i * r.dh, j * r.dw]);
      for (let p = 0; p < r.outH; p++) {
        const row = p * r.sh - r.ph + i * r.dh;
        for (let q = 0; q < r.outW; q++) {
          const col = q * r.sw - r.pw + j * r.dw;
          inImage[((i * r.kw + j) * r.outH + p) * r.outW + q] = row >= 0 && row < h && col >= 0 && col < w ? 1 : 0;
        }
      }
    }
  }
  const tap = (t: Tensor, [i0, j0]: [number, number]): Tensor =>
    t.slice(null, null, [i0, i0 + (r.outH - 1) * r.sh + 1, r.sh], [j0, j0 + (r.outW - 1) * r.sw + 1, r.sw]);
  const T = regions.length;
  // the steps inside are not the model's ops (op listeners, ONNX export, see one maxPool2d)
  const [y, winner] = muteForward(() => {
    const s = stack(regions.map((g) => tap(xp, g)), 0);
    const valid = new Tensor(inImage, [T, 1, 1, r.outH, r.outW]).to('bool');
    const order = arange(1, T + 1, 1, { dtype: 'int32' }).reshape([T, 1, 1, 1, 1]);
    const lastNan = s.ne(s).int().mul(order).max(0, true).sub(1);
    const firstMax = s.eq(s.max(0, true)).mul(valid).int().argmax(0, true);
    const idx = where(lastNan.ge(0), lastNan, firstMax);
    return [s.gather(0, idx).squeeze(0), idx.squeeze(0)];
  });
  return result(op, y, [x], (g) => {
    noDoubleBackward(op);
    const dxp = zeros(xp.shape, { dtype: x.dtype });
    regions.forEach((reg, t) => tap(dxp, reg).add_(where(winner.eq(t), g, 0)));
    return [dxp.narrow(2, r.ph, h).narrow(3, r.pw, w)];
  }, { kernel: [r.kh, r.kw], stride: [r.sh, r.sw], padding: [r.ph, r.pw], dilation: [r.dh, r.dw] });
}

/** Mean over each window; x [N, C, H, W] -> [N, C, outH, outW]. */
export function avgPool2d(x: Tensor, kernel: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  const r = resolve(op, x, kernel, opts.stride, opts.padding ?? 0, 1, opts.ceilMode ?? false);
  const g = geometry(x, r, opts.countIncludePad ?? true);
  const xc = x.contiguous();
  const out = emptyUninit(x.dtype, [g.n, g.c, g.outH, g.outW]);
  B().avgPool2d(xc._contiguousData(), g, out._storage);
  return result(op, out, [xc], (dy) => {
    noDoubleBackward(op);
    const dx = emptyUninit(x.dtype, x.shape);
    B().avgPool2dBackward(dy.contiguous()._contiguousData(), g, dx._storage);
    return [dx];
  }, { kernel: [r.kh, r.kw], stride: [r.sh, r.sw], padding: [r.ph, r.pw], countIncludePad: g.countIncludePad });
}
