/**
 * Native conv2d (forward with and without bias, backward input, backward weight with and without
 * the bias gradient) and max/avg pooling (forward and backward) against the reference kernels:
 * strides, padding, dilation, groups, 1x1 kernels, odd sizes, batch 1 (threaded GEMM) and bigger
 * batches (split over threads), every ISA. Outputs start as NaN: every element must be written.
 */
import { test } from 'node:test';
import type { Conv2dGeom, Pool2dGeom } from '../../src/backend/types.js';
import { assertClose, forEachIsa, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

function convGeom(n: number, cIn: number, h: number, w: number, cOut: number, k: [number, number], s: [number, number], p: [number, number], d: [number, number], groups: number): Conv2dGeom {
  const outH = Math.floor((h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const outW = Math.floor((w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  return { n, cIn, h, w, cOut, kh: k[0], kw: k[1], strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], dilH: d[0], dilW: d[1], groups, outH, outW };
}

const CONVS: Conv2dGeom[] = [
  convGeom(2, 1, 28, 28, 16, [3, 3], [1, 1], [1, 1], [1, 1], 1), // W3 conv1
  convGeom(3, 16, 14, 14, 32, [3, 3], [1, 1], [1, 1], [1, 1], 1), // W3 conv2
  convGeom(1, 3, 9, 11, 5, [3, 2], [2, 1], [1, 0], [1, 1], 1),
  convGeom(2, 4, 10, 9, 6, [3, 3], [1, 2], [2, 1], [2, 1], 2),
  convGeom(1, 6, 7, 7, 6, [3, 3], [1, 1], [1, 1], [1, 1], 6), // depthwise
  convGeom(2, 8, 5, 6, 12, [1, 1], [1, 1], [0, 0], [1, 1], 4), // pointwise, grouped
  convGeom(1, 5, 6, 6, 3, [1, 1], [2, 2], [0, 0], [1, 1], 1),
  convGeom(4, 2, 5, 5, 3, [5, 5], [1, 1], [0, 0], [1, 1], 1), // output 1x1
  convGeom(16, 8, 12, 12, 16, [3, 3], [1, 1], [1, 1], [1, 1], 1), // big enough to split over threads
  convGeom(64, 1, 28, 28, 16, [3, 3], [1, 1], [1, 1], [1, 1], 1), // W3 conv1, full batch
  convGeom(5, 1, 13, 11, 7, [3, 3], [1, 1], [1, 1], [1, 1], 1), // one input channel, odd sizes
  convGeom(3, 1, 9, 10, 4, [5, 3], [1, 1], [2, 0], [1, 2], 1), // one input channel, dilation, asymmetric padding
  convGeom(1, 2, 6, 17, 3, [3, 3], [1, 1], [0, 1], [1, 1], 1), // batch 1, stride 1, wide
  convGeom(3, 4, 7, 9, 6, [3, 3], [1, 1], [2, 1], [2, 1], 2), // stride 1, dilation, groups
  convGeom(2, 3, 8, 8, 2, [2, 2], [1, 1], [0, 0], [1, 1], 1), // even kernel, no padding
  convGeom(2, 8, 9, 7, 16, [3, 3], [1, 1], [1, 1], [1, 1], 2), // groups on the direct path (8 channels per group)
  convGeom(2, 4, 5, 6, 8, [3, 3], [1, 1], [3, 3], [1, 1], 1), // padding beyond the kernel's reach (input gradient not direct)
  // the Winograd F(2x2, 3x3) path: 3x3, stride 1, >= 8 channels in and out
  convGeom(64, 16, 14, 14, 32, [3, 3], [1, 1], [1, 1], [1, 1], 1), // W3 conv2, full batch (several slots)
  convGeom(5, 9, 7, 9, 13, [3, 3], [1, 1], [1, 1], [1, 1], 1), // odd sizes, channels off the tiles, partial chunk
  convGeom(2, 10, 6, 7, 11, [3, 3], [1, 1], [1, 0], [1, 1], 1), // padding differs by axis
  convGeom(1, 8, 4, 3, 8, [3, 3], [1, 1], [2, 2], [1, 1], 1), // padding 2: the input gradient pads by 0
  convGeom(2, 8, 5, 6, 9, [3, 3], [1, 1], [3, 3], [1, 1], 1), // padding 3: Winograd forward, input gradient elsewhere
  convGeom(3, 8, 1, 1, 8, [3, 3], [1, 1], [1, 1], [1, 1], 1), // one-pixel image
  convGeom(2, 33, 3, 17, 8, [3, 3], [1, 1], [1, 1], [1, 1], 1), // wide, many input channels
];

test('conv2d forward and both backward passes', (t) => {
  if (!needNative(t)) return;
  const r = rng(31);
  forEachIsa((isa) => {
    for (const g of CONVS) {
      const K = (g.cIn / g.groups) * g.kh * g.kw;
      const x = randF32(r, g.n * g.cIn * g.h * g.w);
      const w = randF32(r, g.cOut * K);
      const ySize = g.n * g.cOut * g.outH * g.outW;
      const tol = 1e-5 * Math.sqrt(K + 1);
      const bias = randF32(r, g.cOut);
      for (const b of [null, bias]) {
        const ya = new Float32Array(ySize).fill(NaN);
        const yb = new Float32Array(ySize).fill(NaN);
        nb().conv2d(x, w, g, ya, b);
        ref.conv2d(x, w, g, yb, b);
        assertClose(ya, yb, tol, tol, `${isa} conv2d ${b ? 'with' : 'without'} bias ${JSON.stringify(g)}`);
      }
      const dy = randF32(r, ySize);
      const dxa = new Float32Array(x.length).fill(NaN);
      const dxb = new Float32Array(x.length).fill(NaN);
      nb().conv2dBackwardInput(dy, w, g, dxa);
      ref.conv2dBackwardInput(dy, w, g, dxb);
      const tolX = 1e-5 * Math.sqrt(g.cOut * g.kh * g.kw + 1);
      assertClose(dxa, dxb, tolX, tolX, `${isa} conv2dBackwardInput ${JSON.stringify(g)}`);
      const tolW = 1e-5 * Math.sqrt(g.n * g.outH * g.outW + 1);
      for (const withDb of [false, true]) {
        const dwa = new Float32Array(w.length).fill(NaN);
        const dwb = new Float32Array(w.length).fill(NaN);
        const dba = withDb ? new Float32Array(g.cOut).fill(NaN) : null;
        const dbb = withDb ? new Float32Array(g.cOut).fill(NaN) : null;
        nb().conv2dBackwardWeight(x, dy, g, dwa, dba);
        ref.conv2dBackwardWeight(x, dy, g, dwb, dbb);
        assertClose(dwa, dwb, tolW, tolW, `${isa} conv2dBackwardWeight ${JSON.stringify(g)}`);
        if (withDb) assertClose(dba!, dbb!, tolW, tolW, `${isa} conv2dBackwardWeight bias gradient ${JSON.stringify(g)}`);
      }
    }
  });
});

function poolGeom(n: number, c: number, h: number, w: number, k: [number, number], s: [number, number], p: [number, number], countIncludePad: boolean): Pool2dGeom {
  const outH = Math.floor((h + 2 * p[0] - k[0]) / s[0]) + 1;
  const outW = Math.floor((w + 2 * p[1] - k[1]) / s[1]) + 1;
  return { n, c, h, w, kh: k[0], kw: k[1], strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], outH, outW, countIncludePad };
}

const POOLS: Pool2dGeom[] = [
  poolGeom(2, 16, 28, 28, [2, 2], [2, 2], [0, 0], true), // W3 pool1
  poolGeom(3, 32, 14, 14, [2, 2], [2, 2], [0, 0], true),
  poolGeom(1, 3, 7, 9, [3, 3], [2, 2], [1, 1], true),
  poolGeom(2, 2, 7, 9, [3, 2], [2, 1], [1, 1], false),
  poolGeom(1, 1, 5, 5, [5, 5], [1, 1], [2, 2], false),
  poolGeom(2, 3, 6, 5, [2, 3], [3, 2], [1, 1], true),
  poolGeom(64, 16, 28, 28, [2, 2], [2, 2], [0, 0], true), // split over threads
  poolGeom(2, 3, 7, 9, [2, 2], [2, 2], [0, 0], true), // 2x2: a last row and column no window covers
  poolGeom(2, 2, 11, 21, [2, 2], [2, 2], [0, 0], false), // 2x2: odd widths (vector body and scalar tail)
  poolGeom(1, 2, 6, 6, [2, 2], [2, 2], [1, 1], true), // 2x2 with padding (the scatter path)
];

test('maxPool2d / avgPool2d and backward (ties, padding, NaN), every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(32);
  forEachIsa((isa) => {
    for (const g of POOLS) {
      const xs = g.n * g.c * g.h * g.w;
      const ys = g.n * g.c * g.outH * g.outW;
      // quantized values make ties; a few NaN and -inf
      const x = Float32Array.from({ length: xs }, () => Math.round(r() * 8) / 4 - 1);
      for (let i = 0; i < 3; i++) x[randInt(r, 0, xs - 1)] = NaN;
      x[randInt(r, 0, xs - 1)] = -Infinity;
      const ya = new Float32Array(ys);
      const yb = new Float32Array(ys);
      const aa = new Int32Array(ys);
      const ab = new Int32Array(ys);
      nb().maxPool2d(x, g, ya, aa);
      ref.maxPool2d(x, g, yb, ab);
      assertClose(ya, yb, 0, 0, `${isa} maxPool2d ${JSON.stringify(g)}`);
      assertClose(aa, ab, 0, 0, `${isa} maxPool2d argmax ${JSON.stringify(g)}`);
      const dy = randF32(r, ys);
      // NaN: the backward kernels must write every element of dx
      const da = new Float32Array(xs).fill(NaN);
      const db = new Float32Array(xs).fill(NaN);
      nb().maxPool2dBackward(dy, ab, g, da);
      ref.maxPool2dBackward(dy, ab, g, db);
      assertClose(da, db, 1e-6, 1e-6, `${isa} maxPool2dBackward ${JSON.stringify(g)}`);
      const xf = randF32(r, xs);
      nb().avgPool2d(xf, g, ya);
      ref.avgPool2d(xf, g, yb);
      assertClose(ya, yb, 1e-6, 1e-6, `${isa} avgPool2d ${JSON.stringify(g)}`);
      da.fill(NaN);
      db.fill(NaN);
      nb().avgPool2dBackward(dy, g, da);
      ref.avgPool2dBackward(dy, g, db);
      assertClose(da, db, 1e-6, 1e-6, `${isa} avgPool2dBackward ${JSON.stringify(g)}`);
    }
  });
});
