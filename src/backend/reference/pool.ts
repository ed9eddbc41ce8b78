/**
 * Reference pooling kernels on NCHW planes, as PyTorch computes them.
 *
 * Output (p, q) of a plane looks at the window of rows p*sH - padH .. p*sH - padH + kh - 1 and
 * columns q*sW - padW .. q*sW - padW + kw - 1; the part of it outside the image is padding.
 *
 * Max:  y = max over the window (padding counts as -inf); `argmax` keeps the flat index ih*W + iw
 *       of the first maximum in row-major window order (PyTorch's tie rule; a NaN wins), or -1
 *       when the window holds no image pixel at all. Backward: dx[argmax] += dy.
 * Avg:  y = (sum over the window's image pixels) / divisor, where the divisor is the window size
 *       clipped to the padded image (H + 2 padH by W + 2 padW) if `countIncludePad`, else the
 *       number of image pixels in the window. Backward: each of those pixels gets dy / divisor.
 */
import type { TypedArray } from '../../core/dtype.js';
import type { Pool2dGeom } from '../types.js';

/** Per output position along one axis: the image range [lo, hi) of its window and the window size clipped to the padded image. */
interface Spans {
  lo: Int32Array;
  hi: Int32Array;
  padded: Int32Array;
}

function spans(out: number, stride: number, pad: number, k: number, size: number): Spans {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const padded = new Int32Array(out);
  for (let p = 0; p < out; p++) {
    const start = p * stride - pad;
    lo[p] = Math.max(start, 0);
    hi[p] = Math.max(Math.min(start + k, size), lo[p]!);
    padded[p] = Math.min(start + k, size + pad) - start;
  }
  return { lo, hi, padded };
}

function divisor(rows: Spans, p: number, cols: Spans, q: number, includePad: boolean): number {
  return includePad ? rows.padded[p]! * cols.padded[q]! : (rows.hi[p]! - rows.lo[p]!) * (cols.hi[q]! - cols.lo[q]!);
}

export function maxPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray, argmax: Int32Array): void {
  const { n, c, h, w, outH, outW } = g;
  const rows = spans(outH, g.strideH, g.padH, g.kh, h);
  const cols = spans(outW, g.strideW, g.padW, g.kw, w);
  for (let pl = 0; pl < n * c; pl++) {
    const xOff = pl * h * w;
    let o = pl * outH * outW;
    for (let p = 0; p < outH; p++) {
      const ih0 = rows.lo[p]!;
      const ih1 = rows.hi[p]!;
      for (let q = 0; q < outW; q++, o++) {
        const iw0 = cols.lo[q]!;
        const iw1 = cols.hi[q]!;
        let best = -Infinity;
        let at = ih0 < ih1 && iw0 < iw1 ? ih0 * w + iw0 : -1;
        for (let ih = ih0; ih < ih1; ih++) {
          for (let iw = iw0; iw < iw1; iw++) {
            const v = x[xOff + ih * w + iw]!;
            if (v > best || v !== v) {
              best = v;
              at = ih * w + iw;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

export function maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: Pool2dGeom, dx: TypedArray): void {
  const { n, c, h, w, outH, outW } = g;
  const per = outH * outW;
  dx.fill(0, 0, n * c * h * w);
  for (let pl = 0; pl < n * c; pl++) {
    const xOff = pl * h * w;
    for (let o = pl * per; o < (pl + 1) * per; o++) {
      const at = argmax[o]!;
      if (at >= 0) dx[xOff + at] = dx[xOff + at]! + dy[o]!;
    }
  }
}

export function avgPool2d(x: TypedArray, g: Pool2dGeom, out: TypedArray): void {
  const { n, c, h, w, outH, outW } = g;
  const rows = spans(outH, g.strideH, g.padH, g.kh, h);
  const cols = spans(outW, g.strideW, g.padW, g.kw, w);
  for (let pl = 0; pl < n * c; pl++) {
    const xOff = pl * h * w;
    let o = pl * outH * outW;
    for (let p = 0; p < outH; p++) {
      for (let q = 0; q < outW; q++, o++) {
        let s = 0;
        for (let ih = rows.lo[p]!; ih < rows.hi[p]!; ih++) {
          for (let iw = cols.lo[q]!; iw < cols.hi[q]!; iw++) s += x[xOff + ih * w + iw]!;
        }
        const count = divisor(rows, p, cols, q, g.countIncludePad);
        out[o] = count > 0 ? s / count : 0;
      }
    }
  }
}

export function avgPool2dBackward(dy: TypedArray, g: Pool2dGeom, dx: TypedArray): void {
  const { n, c, h, w, outH, outW } = g;
  dx.fill(0, 0, n * c * h * w);
  const rows = spans(outH, g.strideH, g.padH, g.kh, h);
  const cols = spans(outW, g.strideW, g.padW, g.kw, w);
  for (let pl = 0; pl < n * c; pl++) {
    const xOff = pl * h * w;
    let o = pl * outH * outW;
    for (let p = 0; p < outH; p++) {
      for (let q = 0; q < outW; q++, o++) {
        const count = divisor(rows, p, cols, q, g.countIncludePad);
        if (count <= 0) continue;
        const share = dy[o]! / count;
        for (let ih = rows.lo[p]!; ih < rows.hi[p]!; ih++) {
          for (let iw = cols.lo[q]!; iw < cols.hi[q]!; iw++) dx[xOff + ih * w + iw] = dx[xOff + ih * w + iw]! + share;
        }
      }
    }
  }
}
