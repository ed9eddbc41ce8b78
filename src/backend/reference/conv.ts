/**
 * Reference convolution kernels: im2col + GEMM.
 *
 * Convolution is cross-correlation, as in PyTorch. With Cg = cIn/groups input and
 * Og = cOut/groups output channels per group, for output channel o of group gr:
 *
 *   y[n,o,p,q] = sum_{c<Cg, i<kh, j<kw} w[o,c,i,j] * x[n, gr*Cg + c, p*sH - padH + i*dH, q*sW - padW + j*dW]
 *
 * where x reads as 0 outside the image. im2col lays each receptive field out as one column of
 *
 *   col[(c*kh + i)*kw + j, p*outW + q] = x[n, gr*Cg + c, p*sH - padH + i*dH, q*sW - padW + j*dW]
 *
 * (K = Cg*kh*kw rows, P = outH*outW columns), so that per sample and group the convolution is one
 * matrix product with the [Og, K] rows of the weight, and the backward passes are two more:
 *
 *   Y_g = W_g · col                      forward
 *   dW_g += dY_g · col^T                  summed over the batch (col^T built directly by im2row)
 *   dcol = W_g^T · dY_g,  dx += col2im(dcol)
 *
 * col2im is the adjoint of im2col: it adds every entry of a column back to the pixel it was read
 * from. The GEMM runs batched over a chunk of samples (one call per group and chunk), and one
 * col buffer serves every group and chunk (and is kept for the next call). A 1x1 kernel with stride 1 and no padding
 * needs no im2col at all: col is x itself.
 */
import type { TypedArray } from '../../core/dtype.js';
import type { Conv2dGeom } from '../types.js';
import { gemm } from './gemm.js';

/** Upper bound (elements) of the col buffer; the batch is processed in chunks that fit. */
const MAX_COL = 1 << 22;

/** Samples per chunk so that chunk * K * P stays under MAX_COL (at least one). */
function chunkSize(n: number, perSample: number): number {
  return Math.max(1, Math.min(n, Math.floor(MAX_COL / Math.max(perSample, 1))));
}

/**
 * A work buffer of the same element type as `like`, at least `size` long. One buffer per element
 * type is kept between calls (its contents are never read before being written), so a training
 * loop does not allocate and zero megabytes of columns per layer and step; it is at most
 * MAX_COL elements.
 */
const spare = new Map<unknown, TypedArray>();
function scratch(like: TypedArray, size: number): TypedArray {
  const Ctor = like.constructor as new (n: number) => TypedArray;
  const have = spare.get(Ctor);
  if (have !== undefined && have.length >= size) return have;
  const buf = new Ctor(size);
  spare.set(Ctor, buf);
  return buf;
}

/** 1x1 kernel, stride 1, no padding: the input planes are the columns already. */
function isPointwise(g: Conv2dGeom): boolean {
  return g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0;
}

/**
 * The output columns q in [q0, q1) whose input column q*stride + d lies inside [0, size).
 * Outside that range the column reads padding.
 */
function validRange(d: number, stride: number, size: number, out: number): [number, number] {
  const q0 = d >= 0 ? 0 : Math.min(out, Math.ceil(-d / stride));
  const last = size - 1 - d; // q*stride <= last
  const q1 = last < 0 ? 0 : Math.min(out, Math.floor(last / stride) + 1);
  return [q0, Math.max(q0, q1)];
}

/**
 * col[K, P] (at colOff) <- the receptive fields of the Cg channels of one sample starting at
 * x[xOff] (see the file comment for the layout).
 */
export function im2col(x: TypedArray, xOff: number, g: Conv2dGeom, cg: number, col: TypedArray, colOff: number): void {
  const { h, w, kh, kw, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = g;
  let row = colOff;
  for (let c = 0; c < cg; c++) {
    const plane = xOff + c * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const dj = j * dilW - padW;
        const [q0, q1] = validRange(dj, strideW, w, outW);
        for (let p = 0; p < outH; p++) {
          const r = row + p * outW;
          const ih = p * strideH - padH + i * dilH;
          if (ih < 0 || ih >= h) {
            col.fill(0, r, r + outW);
            continue;
          }
          const src = plane + ih * w + dj;
          for (let q = 0; q < q0; q++) col[r + q] = 0;
          for (let q = q0; q < q1; q++) col[r + q] = x[src + q * strideW]!;
          for (let q = q1; q < outW; q++) col[r + q] = 0;
        }
        row += outH * outW;
      }
    }
  }
}

/** The adjoint of im2col: dx[...] += col[...] for every entry that im2col read from the image. */
export function col2im(col: TypedArray, colOff: number, g: Conv2dGeom, cg: number, dx: TypedArray, dxOff: number): void {
  const { h, w, kh, kw, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = g;
  let row = colOff;
  for (let c = 0; c < cg; c++) {
    const plane = dxOff + c * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const dj = j * dilW - padW;
        const [q0, q1] = validRange(dj, strideW, w, outW);
        for (let p = 0; p < outH; p++) {
          const ih = p * strideH - padH + i * dilH;
          if (ih < 0 || ih >= h) continue;
          const r = row + p * outW;
          const dst = plane + ih * w + dj;
          for (let q = q0; q < q1; q++) dx[dst + q * strideW] = dx[dst + q * strideW]! + col[r + q]!;
        }
        row += outH * outW;
      }
    }
  }
}

/**
 * im2col transposed ("im2row"): colT[P, K] with colT[p*outW + q, (c*kh + i)*kw + j] = col[..].
 * The weight gradient reads it as a row-major right operand, so its GEMM runs in the
 * streaming i-k-j order instead of as P-long dot products.
 */
export function im2row(x: TypedArray, xOff: number, g: Conv2dGeom, cg: number, colT: TypedArray, colOff: number): void {
  const { h, w, kh, kw, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = g;
  const K = cg * kh * kw;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const plane = xOff + c * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const dj = j * dilW - padW;
        const [q0, q1] = validRange(dj, strideW, w, outW);
        for (let p = 0; p < outH; p++) {
          const base = colOff + p * outW * K + r;
          const ih = p * strideH - padH + i * dilH;
          if (ih < 0 || ih >= h) {
            for (let q = 0; q < outW; q++) colT[base + q * K] = 0;
            continue;
          }
          const src = plane + ih * w + dj;
          for (let q = 0; q < q0; q++) colT[base + q * K] = 0;
          for (let q = q0; q < q1; q++) colT[base + q * K] = x[src + q * strideW]!;
          for (let q = q1; q < outW; q++) colT[base + q * K] = 0;
        }
      }
    }
  }
}

/**
 * y = conv2d(x, w) + bias: per group and chunk of samples, Y_g = W_g · col (batched GEMM, W
 * shared), then each output channel's bias added to its plane.
 */
export function conv2d(x: TypedArray, w: TypedArray, g: Conv2dGeom, out: TypedArray, bias?: TypedArray | null): void {
  const { n, cIn, h, w: width, cOut, kh, kw, groups, outH, outW } = g;
  const cg = cIn / groups;
  const og = cOut / groups;
  const K = cg * kh * kw;
  const P = outH * outW;
  if (n * cOut * P === 0) return;
  const pointwise = isPointwise(g);
  const chunk = pointwise ? n : chunkSize(n, K * P);
  const col = pointwise ? x : scratch(x, chunk * K * P);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nb = Math.min(chunk, n - n0);
    for (let gr = 0; gr < groups; gr++) {
      if (!pointwise) {
        for (let s = 0; s < nb; s++) im2col(x, ((n0 + s) * cIn + gr * cg) * h * width, g, cg, col, s * K * P);
      }
      gemm({
        batch: nb, m: og, n: P, k: K,
        a: w, aOffset: gr * og * K, lda: K, transA: false, strideA: 0,
        b: col, bOffset: pointwise ? (n0 * cIn + gr * cg) * P : 0, ldb: P, transB: false, strideB: pointwise ? cIn * P : K * P,
        c: out, cOffset: (n0 * cOut + gr * og) * P, ldc: P, strideC: cOut * P,
        beta: 0,
      });
    }
  }
  if (bias) {
    for (let s = 0; s < n; s++) {
      for (let o = 0; o < cOut; o++) {
        const b = bias[o]!;
        const base = (s * cOut + o) * P;
        for (let p = 0; p < P; p++) out[base + p] = out[base + p]! + b;
      }
    }
  }
}

/** dx = col2im(W_g^T · dY_g) per sample and group (every element of dx written). */
export function conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: Conv2dGeom, dx: TypedArray): void {
  const { n, cIn, h, w: width, cOut, kh, kw, groups, outH, outW } = g;
  const cg = cIn / groups;
  const og = cOut / groups;
  const K = cg * kh * kw;
  const P = outH * outW;
  if (n * cIn * h * width === 0) return;
  const pointwise = isPointwise(g);
  // col2im adds into dx (and no output pixel may mean no write at all)
  if (!pointwise || P === 0 || cOut === 0) dx.fill(0, 0, n * cIn * h * width);
  if (P === 0) return;
  const chunk = pointwise ? n : chunkSize(n, K * P);
  const col = pointwise ? dx : scratch(dx, chunk * K * P);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nb = Math.min(chunk, n - n0);
    for (let gr = 0; gr < groups; gr++) {
      gemm({
        batch: nb, m: K, n: P, k: og,
        a: w, aOffset: gr * og * K, lda: K, transA: true, strideA: 0,
        b: dy, bOffset: (n0 * cOut + gr * og) * P, ldb: P, transB: false, strideB: cOut * P,
        c: col, cOffset: pointwise ? (n0 * cIn + gr * cg) * P : 0, ldc: P, strideC: pointwise ? cIn * P : K * P,
        beta: 0,
      });
      if (!pointwise) {
        for (let s = 0; s < nb; s++) col2im(col, s * K * P, g, cg, dx, ((n0 + s) * cIn + gr * cg) * h * width);
      }
    }
  }
}

/**
 * dw = dY_g · col^T = dY_g · colT summed over the batch (every element written); db, if given,
 * = dy summed over n, p, q per output channel.
 */
export function conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: Conv2dGeom, dw: TypedArray, db?: TypedArray | null): void {
  const { n, cIn, h, w: width, cOut, kh, kw, groups, outH, outW } = g;
  const cg = cIn / groups;
  const og = cOut / groups;
  const K = cg * kh * kw;
  const P = outH * outW;
  dw.fill(0, 0, cOut * K);
  if (db) {
    for (let o = 0; o < cOut; o++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * cOut + o) * P;
        for (let p = 0; p < P; p++) s += dy[base + p]!;
      }
      db[o] = s;
    }
  }
  if (n * P === 0 || cOut * K === 0) return;
  const pointwise = isPointwise(g);
  const chunk = pointwise ? n : chunkSize(n, K * P);
  const colT = pointwise ? x : scratch(x, chunk * K * P);
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nb = Math.min(chunk, n - n0);
    for (let gr = 0; gr < groups; gr++) {
      if (!pointwise) {
        for (let s = 0; s < nb; s++) im2row(x, ((n0 + s) * cIn + gr * cg) * h * width, g, cg, colT, s * K * P);
      }
      // every sample accumulates into the same dW_g (strideC 0, beta 1). For a 1x1 kernel the
      // columns are x's planes [Cg, P] themselves, read transposed.
      gemm({
        batch: nb, m: og, n: K, k: P,
        a: dy, aOffset: (n0 * cOut + gr * og) * P, lda: P, transA: false, strideA: cOut * P,
        b: colT, bOffset: pointwise ? (n0 * cIn + gr * cg) * P : 0, ldb: pointwise ? P : K, transB: pointwise, strideB: pointwise ? cIn * P : K * P,
        c: dw, cOffset: gr * og * K, ldc: K, strideC: 0,
        beta: 1,
      });
    }
  }
}
