/**
 * Transposed 2-D convolution (PyTorch's conv_transpose2d) on NCHW tensors: the adjoint of
 * conv2d. For x [N, C_in, H, W] and w [C_in, C_out/groups, kh, kw] (PyTorch's layout: input
 * channels first), every input pixel scatters its value times the kernel into the output:
 *
 *   y[n, g C_og + o, h s_H - pad_H + i d_H, v s_W - pad_W + j d_W] += w[g C_ig + c, o, i, j] x[n, g C_ig + c, h, v]
 *
 * (C_ig = C_in/groups, C_og = C_out/groups; writes that fall outside the output are dropped), plus
 * b[o] everywhere, with
 *   outH = (H - 1) s_H - 2 pad_H + d_H (kh - 1) + outputPadding_H + 1   (outW likewise).
 *
 * Seen from the output side it is a conv2d from y-space [N, C_out, outH, outW] to x-space with the
 * same weight tensor, stride, padding, dilation and groups: that conv maps outH back to H. So the
 * kernels of conv2d are reused with the roles swapped:
 *   y     = conv2dBackwardInput(dy := x, w)       (the conv's input gradient)
 *   dJ/dx = conv2d(dJ/dy, w)                      (the conv's forward)
 *   dJ/dw = conv2dBackwardWeight(x := dJ/dy, dy := x)
 *   dJ/db = sum over n, p, q of dJ/dy
 * outputPadding only adds rows/columns at the bottom/right (it resolves the ambiguity of which
 * output size a strided conv came from); it must be smaller than the stride or the dilation.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { type DType, type TypedArray, isFloat, promote } from '../core/dtype.js';
import { B } from '../backend/registry.js';
import type { Conv2dGeom } from '../backend/types.js';
import { emptyUninit, result } from './result.js';
import { type Pair, expect4d, pair } from './conv.js';

export interface ConvTranspose2dOptions {
  /** step between the input pixels' footprints in the output (default 1) */
  stride?: Pair;
  /** rows/columns cropped from each side of the full output (default 0): dilation (k - 1) - padding zeros in conv terms */
  padding?: Pair;
  /** rows/columns added at the bottom/right of the output (default 0; below stride or dilation) */
  outputPadding?: Pair;
  /** spacing between kernel taps (default 1) */
  dilation?: Pair;
  /** channels are split into this many independent groups (default 1) */
  groups?: number;
}

/** The output size of one axis: (in - 1) s - 2 pad + d (k - 1) + outputPadding + 1. */
export function convTransposeOutSize(inSize: number, k: number, s: number, pad: number, d: number, outPad: number): number {
  return (inSize - 1) * s - 2 * pad + d * (k - 1) + outPad + 1;
}

/**
 * y = conv_transpose2d(x, w) + b, see the file comment. x [N, C_in, H, W],
 * w [C_in, C_out/groups, kh, kw], b [C_out] or null; returns [N, C_out, outH, outW].
 */
export function convTranspose2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  if (!(w instanceof Tensor) || w.ndim !== 4) {
    throw new ShapeError(`${op}: the weight must be a 4-D tensor [C_in, C_out/groups, kh, kw], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new NablaError(`${op}: groups must be a positive integer, got ${groups}`);
  expect4d(op, x, w.shape[0]!);
  const [n, cIn, h, width] = x.shape as [number, number, number, number];
  const [wIn, cOutPerGroup, kh, kw] = w.shape as [number, number, number, number];
  const cOut = cOutPerGroup * groups;
  if (wIn !== cIn) {
    throw new ShapeError(`${op}: the input has ${cIn} channels (x ${fmtShape(x.shape)}) but the weight ${fmtShape(w.shape)} expects ${wIn} (the weight's axis 0 is C_in)`);
  }
  if (cIn % groups !== 0) {
    throw new ShapeError(`${op}: groups ${groups} must divide the input channels (${cIn}); x ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)}`);
  }
  if (b !== null && b !== undefined && (!(b instanceof Tensor) || b.ndim !== 1 || b.shape[0] !== cOut)) {
    throw new ShapeError(`${op}: the bias must have shape [${cOut}] (one per output channel = weight axis 1 x groups), got ${b instanceof Tensor ? fmtShape(b.shape) : typeof b}`);
  }
  const [sH, sW] = pair(op, 'stride', opts.stride ?? 1, 1);
  const [dH, dW] = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const [pH, pW] = pair(op, 'padding', opts.padding ?? 0, 0);
  const [oH, oW] = pair(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  if ((oH >= sH && oH >= dH) || (oW >= sW && oW >= dW)) {
    throw new NablaError(`${op}: outputPadding [${oH},${oW}] must be smaller than either the stride [${sH},${sW}] or the dilation [${dH},${dW}] on each axis`);
  }
  const outH = convTransposeOutSize(h, kh, sH, pH, dH, oH);
  const outW = convTransposeOutSize(width, kw, sW, pW, dW, oW);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(`${op}: the output would be ${outH}x${outW} for input ${h}x${width} (x ${fmtShape(x.shape)}), kernel ${kh}x${kw}, stride [${sH},${sW}], padding [${pH},${pW}]; reduce the padding`);
  }
  let dtype = promote(x.dtype, w.dtype);
  if (b) dtype = promote(dtype, b.dtype);
  if (!isFloat(dtype)) throw new DTypeError(`${op}: expected floating-point input and weight, got ${x.dtype} and ${w.dtype}`);
  const xc = (x.dtype === dtype ? x : x.to(dtype)).contiguous();
  const wc = (w.dtype === dtype ? w : w.to(dtype)).contiguous();
  const bc = b ? (b.dtype === dtype ? b : b.to(dtype)).contiguous() : null;
  // the conv from y-space [N, C_out, outH, outW] to x-space [N, C_in, H, W]
  const geom: Conv2dGeom = {
    n, cIn: cOut, h: outH, w: outW, cOut: cIn, kh, kw, strideH: sH, strideW: sW, padH: pH, padW: pW, dilH: dH, dilW: dW, groups,
    outH: h, outW: width,
  };
  const out = emptyUninit(dtype, [n, cOut, outH, outW]);
  B().conv2dBackwardInput(xc._contiguousData(), wc._contiguousData(), geom, out._storage);
  if (bc) addBias(out._storage, bc._contiguousData(), n, cOut, outH * outW);
  return result(op, out, bc ? [xc, wc, bc] : [xc, wc], (g) => {
    if (isGradEnabled()) throw new NablaError(`${op}: differentiating twice (backward with createGraph) through a transposed convolution is not supported yet`);
    const gd = (g.dtype === dtype ? g : g.to(dtype)).contiguous()._contiguousData();
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (xc.requiresGrad) {
      dx = emptyUninit(dtype, xc.shape);
      B().conv2d(gd, wc._contiguousData(), geom, dx._storage, null);
    }
    if (wc.requiresGrad) {
      dw = emptyUninit(dtype, wc.shape);
      B().conv2dBackwardWeight(gd, xc._contiguousData(), geom, dw._storage, null);
    }
    if (bc !== null && bc.requiresGrad) db = channelSums(gd, n, cOut, outH * outW, dtype);
    return bc ? [dx, dw, db] : [dx, dw];
  }, { stride: [sH, sW], padding: [pH, pW], outputPadding: [oH, oW], dilation: [dH, dW], groups });
}

/** out[n, o, :] += bias[o] for contiguous [N, C, P]. */
function addBias(out: TypedArray, bias: TypedArray, n: number, c: number, P: number): void {
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < c; o++) {
      const v = bias[o]!;
      const base = (s * c + o) * P;
      for (let p = 0; p < P; p++) out[base + p] += v;
    }
  }
}

/** db[o] = sum over n and the P pixels of dy[n, o, :] (contiguous [N, C, P]), as two reductions. */
function channelSums(dy: TypedArray, n: number, c: number, P: number, dtype: DType): Tensor {
  const perImage = emptyUninit(dtype, [n, c]);
  B().reduce('sum', dy, n * c, P, 1, perImage._storage);
  const db = emptyUninit(dtype, [c]);
  B().reduce('sum', perImage._storage, 1, n, c, db._storage);
  return db;
}
