/**
 * Native batch-norm kernels against the reference: statistics, forward and backward (training
 * and evaluation, every combination of wanted outputs, dx written over g) on [n, c, inner]
 * geometries that hit both native paths (rows of >= 16 elements per channel; short rows over
 * blocks of channels): odd sizes, C = 1, N = 1 with spatial > 1, the BN CNN's shapes (split
 * over threads), an empty batch, every ISA; outputs start as NaN, so an unwritten element
 * fails. A large M with a large mean checks that the sums accumulate in double.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, forEachIsa, nb, needNative, randF32, ref, rng } from './helpers.js';

const GEOMS: [number, number, number][] = [
  [2, 3, 1], [7, 5, 1], [13, 1, 1], [64, 256, 1], [1, 3, 2], [3, 4, 3], [5, 3, 15], [2, 3, 16], [3, 2, 17],
  [1, 3, 50], [9, 1, 33], [1, 1, 17], [3, 7, 11], [4, 16, 784], [8, 32, 196], [64, 16, 7], [2, 5, 1000], [0, 3, 4],
  [16, 16, 784], [16, 32, 196], [512, 256, 1], [300, 7, 5], // split over threads
];

const nan = (n: number): Float32Array => new Float32Array(n).fill(NaN);

test('batchNormStats / Forward / Backward: native equals the reference on every path, every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(17);
  forEachIsa((isa) => {
    for (const [n, c, inner] of GEOMS) {
      const size = n * c * inner;
      const what = `${isa} n ${n} c ${c} inner ${inner}`;
      const x = randF32(r, size, -3, 5);
      const g = randF32(r, size);
      const gamma = randF32(r, c, 0.5, 1.5);
      const beta = randF32(r, c);
      const eps = 1e-5;
      // statistics, with and without the variance
      const st = [0, 1].map((i) => {
        const out = { mean: nan(c), invstd: nan(c), variance: nan(c) };
        const be = i === 0 ? nb() : ref;
        be.batchNormStats(x, n, c, inner, out.mean, out.invstd, eps, out.variance);
        return out;
      });
      assertClose(st[0]!.mean, st[1]!.mean, 1e-6, 1e-6, `stats mean ${what}`);
      assertClose(st[0]!.variance, st[1]!.variance, 1e-5, 1e-6, `stats variance ${what}`);
      assertClose(st[0]!.invstd, st[1]!.invstd, 1e-5, 1e-6, `stats invstd ${what}`);
      const m2 = nan(c);
      const i2 = nan(c);
      nb().batchNormStats(x, n, c, inner, m2, i2, eps, null);
      assertClose(m2, st[0]!.mean, 0, 0, `stats without variance ${what}`);
      assertClose(i2, st[0]!.invstd, 0, 0, `stats without variance ${what}`);
      if (n === 0) {
        assert.ok(Number.isNaN(st[0]!.mean[0]!), `${what}: the mean of nothing is NaN`);
        continue;
      }
      const { mean, invstd } = st[1]!;
      // forward, with and without affine parameters
      for (const [ga, bb] of [[gamma, beta], [null, null], [gamma, null]] as const) {
        const ya = nan(size);
        const yb = nan(size);
        nb().batchNormForward(x, n, c, inner, mean, invstd, ga, bb, ya);
        ref.batchNormForward(x, n, c, inner, mean, invstd, ga, bb, yb);
        assertClose(ya, yb, 1e-5, 1e-5, `forward gamma ${ga !== null} beta ${bb !== null} ${what}`);
      }
      // backward: training and evaluation, all outputs, some of them, and dx written over g
      for (const training of [true, false]) {
        for (const ga of [gamma, null]) {
          const outs = [0, 1].map((i) => {
            const o = { dx: nan(size), dgamma: nan(c), dbeta: nan(c) };
            (i === 0 ? nb() : ref).batchNormBackward(g, x, n, c, inner, mean, invstd, ga, o.dx, o.dgamma, o.dbeta, training);
            return o;
          });
          const w = `backward training ${training} gamma ${ga !== null} ${what}`;
          // dx = A g + B (x - mu) + C cancels (to 0 for M = 2): float32 rounding is relative to
          // the terms' size, |A g| <= max invstd * 1.5 here
          const scale = Math.max(1, ...Array.from(invstd, (v) => v * 1.5));
          assertClose(outs[0]!.dx, outs[1]!.dx, 1e-4, 1e-5 * scale, `${w} dx`);
          assertClose(outs[0]!.dgamma, outs[1]!.dgamma, 1e-5, 1e-5, `${w} dgamma`);
          assertClose(outs[0]!.dbeta, outs[1]!.dbeta, 1e-5, 1e-5, `${w} dbeta`);
          // only dx; only the parameter gradients
          const dx = nan(size);
          nb().batchNormBackward(g, x, n, c, inner, mean, invstd, ga, dx, null, null, training);
          assertClose(dx, outs[0]!.dx, 0, 0, `${w} dx alone`);
          const dg = nan(c);
          const db = nan(c);
          nb().batchNormBackward(g, x, n, c, inner, mean, invstd, ga, null, dg, db, training);
          assertClose(dg, outs[0]!.dgamma, 0, 0, `${w} dgamma alone`);
          assertClose(db, outs[0]!.dbeta, 0, 0, `${w} dbeta alone`);
          // in place: dx = g
          const gi = Float32Array.from(g);
          const dg2 = nan(c);
          nb().batchNormBackward(gi, x, n, c, inner, mean, invstd, ga, gi, dg2, null, training);
          assertClose(gi, outs[0]!.dx, 0, 0, `${w} dx over g`);
          assertClose(dg2, outs[0]!.dgamma, 0, 0, `${w} dgamma with dx over g`);
          const gr = Float32Array.from(g);
          ref.batchNormBackward(gr, x, n, c, inner, mean, invstd, ga, gr, null, null, training);
          assertClose(gr, outs[1]!.dx, 0, 0, `${w} reference dx over g`);
        }
      }
    }
  });
});

test('batchNorm sums accumulate in double: M = 2^20 values around 1000 per channel', (t) => {
  if (!needNative(t)) return;
  const r = rng(5);
  for (const [n, c, inner] of [[1, 2, 1 << 20], [1 << 19, 2, 1]] as const) {
    const size = n * c * inner;
    const x = new Float32Array(size);
    // 1000 + a spread of about 1: a float32 running sum of x loses the variance entirely
    for (let i = 0; i < size; i++) x[i] = 1000 + (r() - 0.5) * 3.5;
    const g = randF32(r, size);
    forEachIsa((isa) => {
      const what = `${isa} n ${n} c ${c} inner ${inner}`;
      const st = [nb(), ref].map((be) => {
        const o = { mean: nan(c), invstd: nan(c), variance: nan(c) };
        be.batchNormStats(x, n, c, inner, o.mean, o.invstd, 1e-5, o.variance);
        return o;
      });
      assertClose(st[0]!.mean, st[1]!.mean, 2e-7, 0, `mean ${what}`);
      assertClose(st[0]!.variance, st[1]!.variance, 1e-6, 0, `variance ${what}`);
      assertClose(st[0]!.invstd, st[1]!.invstd, 1e-6, 0, `invstd ${what}`);
      const { mean, invstd } = st[1]!;
      const outs = [nb(), ref].map((be) => {
        const o = { dgamma: nan(c), dbeta: nan(c) };
        be.batchNormBackward(g, x, n, c, inner, mean, invstd, null, null, o.dgamma, o.dbeta, true);
        return o;
      });
      // sums of 2^20 terms of size ~1 whose total is ~sqrt(2^20): float32 accumulation would be off by far more
      assertClose(outs[0]!.dbeta, outs[1]!.dbeta, 1e-6, 1e-6, `dbeta ${what}`);
      assertClose(outs[0]!.dgamma, outs[1]!.dgamma, 1e-6, 1e-6, `dgamma ${what}`);
    });
  }
});
