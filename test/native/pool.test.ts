/**
 * Native max / avg pooling against the reference on geometries that hit every path of the
 * native kernels: 2x2 stride-2 rows of every length 1..20 (vector chunks of 8 and 4, overlapping
 * last chunks, scalar rows), odd sizes, padding (border windows), ceil-mode geometry (clipped
 * last windows), overlapping and other window shapes (tap-by-tap rows), ties, NaN, -inf, every
 * ISA, and sizes split over threads.
 */
import { test } from 'node:test';
import type { Pool2dGeom } from '../../src/backend/types.js';
import { assertClose, forEachIsa, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

/** PyTorch's output length (pooling_output_shape), floor or ceil mode. */
function outLen(size: number, k: number, s: number, p: number, ceil: boolean): number {
  const span = size + 2 * p - (k - 1) - 1;
  let out = Math.floor((ceil ? span + s - 1 : span) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function geom(n: number, c: number, h: number, w: number, k: [number, number], s: [number, number], p: [number, number], ceil = false, countIncludePad = true): Pool2dGeom {
  return {
    n, c, h, w, kh: k[0], kw: k[1], strideH: s[0], strideW: s[1], padH: p[0], padW: p[1],
    outH: outLen(h, k[0], s[0], p[0], ceil), outW: outLen(w, k[1], s[1], p[1], ceil), countIncludePad,
  };
}

const GEOMS: Pool2dGeom[] = [];
// 2x2 stride 2: every row length 1..20, even and odd input sizes, floor and ceil
for (let w = 2; w <= 41; w += 1) GEOMS.push(geom(1, 2, 2 + (w % 5), w, [2, 2], [2, 2], [0, 0], w % 3 === 0));
// 2x2 stride 2 with padding (border windows on both sides), ceil mode
for (const [h, w] of [[5, 5], [6, 7], [9, 18], [3, 33]] as const) {
  GEOMS.push(geom(2, 3, h, w, [2, 2], [2, 2], [1, 1], false, true));
  GEOMS.push(geom(2, 3, h, w, [2, 2], [2, 2], [1, 0], true, false));
  GEOMS.push(geom(1, 2, h, w, [2, 2], [2, 2], [0, 1], true, true));
}
// other windows: overlapping, 3x3 stride 1 and 2 with padding, 1x1, rectangular, strides > kernel
GEOMS.push(
  geom(2, 3, 9, 11, [3, 3], [1, 1], [1, 1]),
  geom(2, 3, 9, 11, [3, 3], [2, 2], [1, 1], true, false),
  geom(1, 2, 7, 30, [3, 2], [2, 1], [1, 1], false, false),
  geom(1, 2, 8, 8, [1, 1], [1, 1], [0, 0]),
  geom(1, 2, 10, 23, [2, 3], [3, 4], [1, 1], true, true),
  geom(1, 1, 5, 5, [5, 5], [1, 1], [2, 2], false, false),
  geom(2, 2, 12, 40, [4, 4], [4, 4], [2, 2], true, true),
  geom(64, 16, 28, 28, [2, 2], [2, 2], [0, 0]), // W3 pool1, split over threads
  geom(64, 32, 14, 14, [2, 2], [2, 2], [0, 0]), // W3 pool2
  geom(8, 16, 17, 17, [3, 3], [2, 2], [1, 1], true, false), // threaded, border windows
);

test('maxPool2d / avgPool2d forward and backward: every row length, padding, ceil mode, ties, NaN, every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(61);
  forEachIsa((isa) => {
    for (const g of GEOMS) {
      const xs = g.n * g.c * g.h * g.w;
      const ys = g.n * g.c * g.outH * g.outW;
      const what = `${isa} ${JSON.stringify(g)}`;
      // quantized values make ties; some NaN, -inf and -0
      const x = Float32Array.from({ length: xs }, () => Math.round(r() * 8) / 4 - 1);
      for (let i = 0; i < 1 + xs / 50; i++) x[randInt(r, 0, xs - 1)] = NaN;
      for (let i = 0; i < 1 + xs / 50; i++) x[randInt(r, 0, xs - 1)] = -Infinity;
      for (let i = 0; i < 1 + xs / 50; i++) x[randInt(r, 0, xs - 1)] = -0;
      const ya = new Float32Array(ys);
      const yb = new Float32Array(ys);
      const aa = new Int32Array(ys);
      const ab = new Int32Array(ys);
      nb().maxPool2d(x, g, ya, aa);
      ref.maxPool2d(x, g, yb, ab);
      assertClose(ya, yb, 0, 0, `maxPool2d ${what}`);
      assertClose(aa, ab, 0, 0, `maxPool2d argmax ${what}`);
      const dy = randF32(r, ys);
      const da = new Float32Array(xs);
      const db = new Float32Array(xs);
      nb().maxPool2dBackward(dy, ab, g, da);
      ref.maxPool2dBackward(dy, ab, g, db);
      assertClose(da, db, 1e-6, 1e-6, `maxPool2dBackward ${what}`);
      const xf = randF32(r, xs);
      nb().avgPool2d(xf, g, ya);
      ref.avgPool2d(xf, g, yb);
      assertClose(ya, yb, 1e-6, 1e-6, `avgPool2d ${what}`);
      // accumulates into a non-zero dx
      const base = randF32(r, xs);
      const ea = base.slice();
      const eb = base.slice();
      nb().avgPool2dBackward(dy, g, ea);
      ref.avgPool2dBackward(dy, g, eb);
      assertClose(ea, eb, 1e-6, 1e-6, `avgPool2dBackward ${what}`);
    }
  });
});
