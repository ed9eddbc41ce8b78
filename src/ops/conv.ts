/**
 * 2-D convolution (cross-correlation, as PyTorch) on NCHW tensors.
 *
 * For x [N, C_in, H, W], w [C_out, C_in/groups, kh, kw], b [C_out], output channel o in group gr
 * (C_g = C_in/groups input channels per group):
 *
 *   y[n,o,p,q] = b[o] + sum_{c<C_g, i<kh, j<kw} w[o,c,i,j] x[n, gr C_g + c, p s_H - pad_H + i d_H, q s_W - pad_W + j d_W]
 *
 * with x = 0 outside the image, and
 *   outH = floor((H + 2 pad_H - d_H (kh - 1) - 1) / s_H) + 1   (outW likewise).
 *
 * It is the seed's `z = W a + b` with W shared across positions: per sample and group the
 * backend computes Y = W_g · im2col(x) and adds b in the same kernel call (one output tensor,
 * no separate broadcast add). The derivatives (hand-written, because convolution is the hot op
 * of a CNN and composing it from slices would cost kh*kw ops per call):
 *   dJ/dx = col2im(W_g^T · dJ/dY)    (the backend's conv2dBackwardInput)
 *   dJ/dW = dJ/dY · im2col(x)^T       (conv2dBackwardWeight, summed over the batch)
 *   dJ/db = sum over n, p, q of dJ/dY (in the same conv2dBackwardWeight call, which reads dJ/dY
 *                                      anyway; two reductions if only b needs a gradient)
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { type DType, type TypedArray, isFloat, promote } from '../core/dtype.js';
import { B } from '../backend/registry.js';
import type { Conv2dGeom } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { full } from './create.js';
import { cat } from './indexing.js';

/** A size given once for both spatial axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** Explicit padding, or 'same' (output as large as the input; stride 1 only) or 'valid' (no padding). */
export type Conv2dPadding = Pair | 'same' | 'valid';

export interface Conv2dOptions {
  /** step between windows (default 1) */
  stride?: Pair;
  /** zeros added on each side (default 0) */
  padding?: Conv2dPadding;
  /** spacing between kernel taps (default 1) */
  dilation?: Pair;
  /** channels are split into this many independent groups (default 1; C_in for depthwise) */
  groups?: number;
}

/** Expands a `Pair` to [h, w], checking each is an integer >= `min`. */
export function pair(op: string, name: string, v: Pair, min: number): [number, number] {
  if (!(Array.isArray(v) && v.length === 2) && typeof v !== 'number') throw new NablaError(`${op}: ${name} must be a number or a pair [h, w], got ${JSON.stringify(v) ?? String(v)}`);
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const d of p) {
    if (!Number.isInteger(d) || d < min) {
      throw new NablaError(`${op}: ${name} must be an integer >= ${min} (or a pair of them), got ${JSON.stringify(v)}`);
    }
  }
  return p;
}

/**
 * Checks that `x` is a 4-D NCHW batch. A 3-D or 2-D input gets a hint: the missing batch axis
 * (`x.unsqueeze(0)`) or the missing channel axis (`x.unsqueeze(1)`); `channels`, when known,
 * tells which one is missing.
 */
export function expect4d(op: string, x: Tensor, channels?: number): void {
  if (!(x instanceof Tensor)) throw new NablaError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (x.ndim === 4) return;
  let hint: string;
  if (x.ndim === 3) {
    const batch = `if it is one image [C, H, W], add the batch axis with x.unsqueeze(0)`;
    const chan = `if it is a batch of one-channel images [N, H, W], add the channel axis with x.unsqueeze(1)`;
    if (channels !== undefined && x.shape[0] === channels && channels !== 1) hint = `${batch}`;
    else if (channels === 1) hint = `${chan}; ${batch}`;
    else hint = `${batch}; ${chan}`;
  } else if (x.ndim === 2) {
    hint = 'if it is one one-channel image [H, W], use x.unsqueeze(0).unsqueeze(0)';
  } else {
    hint = x.ndim > 4 ? 'merge the extra leading axes into the batch with reshape' : 'reshape it to [N, C, H, W]';
  }
  throw new ShapeError(`${op}: expected a 4-D input [N, C, H, W] (batch, channels, height, width), got ${x.ndim}-D ${fmtShape(x.shape)}; ${hint}`);
}

/**
 * Pads the last two axes of x with `value`: `top` and `bottom` rows, `left` and `right` columns
 * (composed from cat, so it is differentiable; the gradient is the un-padded slice). A negative
 * amount crops that side instead, as PyTorch's F.pad (whose order is left, right, top, bottom).
 */
export function pad2d(x: Tensor, pads: readonly [number, number, number, number], value = 0): Tensor {
  if (!(x instanceof Tensor)) throw new NablaError(`pad2d: expected a Tensor, got ${typeof x}`);
  if (!Array.isArray(pads) || pads.length !== 4 || pads.some((p) => !Number.isInteger(p))) {
    throw new NablaError(`pad2d: padding must be four integers [top, bottom, left, right], got ${JSON.stringify(pads)}`);
  }
  if (x.ndim < 2) throw new ShapeError(`pad2d: expected at least 2 dimensions (pads the last two), got ${fmtShape(x.shape)}`);
  const [top, bottom, left, right] = pads;
  const nd = x.ndim;
  const h = x.shape[nd - 2]!;
  const w = x.shape[nd - 1]!;
  // PyTorch's rules: the crops must fit the input, and when anything is added the result must
  // not be empty along the padded axes
  if (h + Math.min(top, 0) + Math.min(bottom, 0) < 0 || w + Math.min(left, 0) + Math.min(right, 0) < 0) {
    throw new ShapeError(`pad2d: padding ${JSON.stringify(pads)} crops more than the ${h}x${w} input ${fmtShape(x.shape)} holds`);
  }
  if (pads.some((p) => p > 0) && (h + top + bottom <= 0 || w + left + right <= 0)) {
    throw new ShapeError(`pad2d: padding ${JSON.stringify(pads)} of the ${h}x${w} input ${fmtShape(x.shape)} leaves an empty result`);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const r0 = Math.max(0, -top);
    const c0 = Math.max(0, -left);
    const cropped = x.narrow(nd - 2, r0, Math.max(0, h - r0 - Math.max(0, -bottom))).narrow(nd - 1, c0, Math.max(0, w - c0 - Math.max(0, -right)));
    return pad2d(cropped, [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)], value);
  }
  const block = (rows: number, cols: number): Tensor => {
    const s = [...x.shape];
    s[nd - 2] = rows;
    s[nd - 1] = cols;
    return full(s, value, { dtype: x.dtype });
  };
  let y = x;
  if (top > 0 || bottom > 0) {
    const parts = [];
    if (top > 0) parts.push(block(top, y.shape[nd - 1]!));
    parts.push(y);
    if (bottom > 0) parts.push(block(bottom, y.shape[nd - 1]!));
    y = cat(parts, nd - 2);
  }
  if (left > 0 || right > 0) {
    const parts = [];
    if (left > 0) parts.push(block(y.shape[nd - 2]!, left));
    parts.push(y);
    if (right > 0) parts.push(block(y.shape[nd - 2]!, right));
    y = cat(parts, nd - 1);
  }
  return y;
}

/**
 * y = conv2d(x, w) + b, see the file comment. x [N, C_in, H, W], w [C_out, C_in/groups, kh, kw],
 * b [C_out] or null; returns [N, C_out, outH, outW].
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  if (!(w instanceof Tensor) || w.ndim !== 4) {
    throw new ShapeError(`${op}: the weight must be a 4-D tensor [C_out, C_in/groups, kh, kw], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new NablaError(`${op}: groups must be a positive integer, got ${groups}`);
  expect4d(op, x, w.shape[1]! * groups);
  const [n, cIn, h, width] = x.shape as [number, number, number, number];
  const [cOut, cPerGroup, kh, kw] = w.shape as [number, number, number, number];
  if (cIn % groups !== 0 || cOut % groups !== 0) {
    throw new ShapeError(`${op}: groups ${groups} must divide both the input channels (${cIn}) and the output channels (${cOut}); x ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)}`);
  }
  if (cPerGroup * groups !== cIn) {
    throw new ShapeError(
      `${op}: the input has ${cIn} channels (x ${fmtShape(x.shape)}) but the weight ${fmtShape(w.shape)} with groups ${groups} expects ${cPerGroup * groups}; ` +
        `the weight's axis 1 must be C_in/groups = ${cIn / groups}`,
    );
  }
  if (b !== null && b !== undefined && (!(b instanceof Tensor) || b.ndim !== 1 || b.shape[0] !== cOut)) {
    throw new ShapeError(`${op}: the bias must have shape [${cOut}] (one per output channel), got ${b instanceof Tensor ? fmtShape(b.shape) : typeof b}`);
  }
  const [strideH, strideW] = pair(op, 'stride', opts.stride ?? 1, 1);
  const [dilH, dilW] = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const padding = opts.padding ?? 0;
  let xin = x;
  let padH: number;
  let padW: number;
  if (padding === 'same') {
    if (strideH !== 1 || strideW !== 1) throw new NablaError(`${op}: padding 'same' needs stride 1, got stride [${strideH},${strideW}]; pad explicitly instead`);
    // total padding d (k - 1) per axis; an odd total puts the extra row/column at the bottom/right (as PyTorch)
    const totH = dilH * (kh - 1);
    const totW = dilW * (kw - 1);
    padH = Math.floor(totH / 2);
    padW = Math.floor(totW / 2);
    if (totH % 2 === 1 || totW % 2 === 1) xin = pad2d(x, [0, totH % 2, 0, totW % 2]);
  } else if (padding === 'valid') {
    padH = 0;
    padW = 0;
  } else {
    [padH, padW] = pair(op, 'padding', padding, 0);
  }
  const hIn = xin.shape[2]!;
  const wIn = xin.shape[3]!;
  const effH = dilH * (kh - 1) + 1;
  const effW = dilW * (kw - 1) + 1;
  if (effH > hIn + 2 * padH || effW > wIn + 2 * padW) {
    const dil = dilH > 1 || dilW > 1 ? ` (${effH}x${effW} with dilation [${dilH},${dilW}])` : '';
    throw new ShapeError(
      `${op}: the kernel ${kh}x${kw}${dil} is larger than the padded input ${hIn + 2 * padH}x${wIn + 2 * padW} ` +
        `(input ${h}x${width} from x ${fmtShape(x.shape)}, padding [${padH},${padW}]); use a smaller kernel, more padding or a larger input`,
    );
  }
  let dtype = promote(xin.dtype, w.dtype);
  if (b) dtype = promote(dtype, b.dtype);
  if (!isFloat(dtype)) throw new DTypeError(`${op}: expected floating-point input and weight, got ${x.dtype} and ${w.dtype}`);
  const xc = (xin.dtype === dtype ? xin : xin.to(dtype)).contiguous();
  const wc = (w.dtype === dtype ? w : w.to(dtype)).contiguous();
  const bc = b ? (b.dtype === dtype ? b : b.to(dtype)).contiguous() : null;
  const geom: Conv2dGeom = {
    n, cIn, h: hIn, w: wIn, cOut, kh, kw, strideH, strideW, padH, padW, dilH, dilW, groups,
    outH: Math.floor((hIn + 2 * padH - effH) / strideH) + 1,
    outW: Math.floor((wIn + 2 * padW - effW) / strideW) + 1,
  };
  const out = emptyUninit(dtype, [n, cOut, geom.outH, geom.outW]);
  B().conv2d(xc._contiguousData(), wc._contiguousData(), geom, out._storage, bc ? bc._contiguousData() : null);
  return result(op, out, bc ? [xc, wc, bc] : [xc, wc], (g) => {
    if (isGradEnabled()) throw new NablaError(`${op}: differentiating twice (backward with createGraph) through a convolution is not supported yet`);
    const gd = (g.dtype === dtype ? g : g.to(dtype)).contiguous()._contiguousData();
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = bc !== null && bc.requiresGrad ? emptyUninit(dtype, [cOut]) : null;
    if (xc.requiresGrad) {
      dx = emptyUninit(dtype, xc.shape);
      B().conv2dBackwardInput(gd, wc._contiguousData(), geom, dx._storage);
    }
    if (wc.requiresGrad) {
      dw = emptyUninit(dtype, wc.shape);
      B().conv2dBackwardWeight(xc._contiguousData(), gd, geom, dw._storage, db ? db._storage : null);
    } else if (db) {
      db = biasGrad(gd, n, cOut, geom.outH * geom.outW, dtype);
    }
    return bc ? [dx, dw, db] : [dx, dw];
  }, { stride: [strideH, strideW], padding: [padH, padW], dilation: [dilH, dilW], groups });
}

/** db[o] = sum over n and the P pixels of dy[n, o, :] (contiguous [N, C_out, P]), as two reductions. */
function biasGrad(dy: TypedArray, n: number, cOut: number, P: number, dtype: DType): Tensor {
  const perImage = emptyUninit(dtype, [n, cOut]);
  B().reduce('sum', dy, n * cOut, P, 1, perImage._storage);
  const db = emptyUninit(dtype, [cOut]);
  B().reduce('sum', perImage._storage, 1, n, cOut, db._storage);
  return db;
}
