/**
 * Native reduce / argReduce / softmax / softmaxBackward / gather / scatterAdd / adamStep against
 * the reference kernels, over [outer, n, inner] layouts with n = 0 and 1, inner = 1 (the
 * contiguous-row path) and inner > 1, NaN propagation, every ISA, and threaded sizes.
 */
import { test } from 'node:test';
import type { AdamArgs, ReduceOp } from '../../src/backend/types.js';
import { assertClose, forEachIsa, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

const LAYOUTS: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [3, 33, 1], [2, 0, 3], [1, 1, 17], [4, 5, 3], [2, 300, 1], [3, 9, 40], [1, 1000, 1], [700, 64, 1], [60, 30, 70],
];

test('reduce: sum/max/min/prod over [outer, n, inner], with NaN', (t) => {
  if (!needNative(t)) return;
  const r = rng(21);
  forEachIsa((isa) => {
    for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
      for (const [outer, n, inner] of LAYOUTS) {
        for (const withNaN of [false, true]) {
          const x = randF32(r, outer * n * inner, op === 'prod' ? 0.9 : -1, op === 'prod' ? 1.1 : 1);
          if (withNaN && x.length > 0) x[randInt(r, 0, x.length - 1)] = NaN;
          const a = new Float32Array(outer * inner);
          const b = new Float32Array(outer * inner);
          nb().reduce(op, x, outer, n, inner, a);
          ref.reduce(op, x, outer, n, inner, b);
          const tol = op === 'sum' || op === 'prod' ? 2e-6 * Math.sqrt(n + 1) : 0;
          assertClose(a, b, tol, tol, `${isa} ${op} [${outer},${n},${inner}] nan=${withNaN}`);
        }
      }
    }
  });
});

test('reduce: short rows (every n < 64 and the conv-bias shapes), column blocks, threaded splits', (t) => {
  if (!needNative(t)) return;
  const r = rng(26);
  const layouts: [number, number, number][] = [
    // inner = 1, short rows: every n from 1 to 65 (8- and 4-wide chunks and scalar tails)
    ...Array.from({ length: 65 }, (_, n): [number, number, number] => [3 + (n % 4), n + 1, 1]),
    [28672 / 4, 28, 1], [28672 / 4, 14, 1], [2048, 14, 1], // conv-bias gradient passes, threaded
    // inner > 1: column blocks of 1024 with a partial last block; outer = 1 split over threads
    [1, 64, 6272], [3, 5, 2500], [1, 64, 1023], [1, 3, 1025], [2, 1, 2049], [1500, 20, 3],
  ];
  forEachIsa((isa) => {
    for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
      for (const [outer, n, inner] of layouts) {
        const x = randF32(r, outer * n * inner, op === 'prod' ? 0.9 : -1, op === 'prod' ? 1.1 : 1);
        for (let k = 0; k < 1 + x.length / 5000; k++) x[randInt(r, 0, x.length - 1)] = k % 2 ? NaN : -0;
        const a = new Float32Array(outer * inner);
        const b = new Float32Array(outer * inner);
        nb().reduce(op, x, outer, n, inner, a);
        ref.reduce(op, x, outer, n, inner, b);
        const tol = op === 'sum' || op === 'prod' ? 2e-6 * Math.sqrt(n + 1) : 0;
        assertClose(a, b, tol, tol, `${isa} ${op} [${outer},${n},${inner}]`);
      }
    }
  });
});

test('argReduce: argmax/argmin, ties take the first, NaN wins', (t) => {
  if (!needNative(t)) return;
  const r = rng(22);
  for (const op of ['argmax', 'argmin'] as const) {
    for (const [outer, n, inner] of LAYOUTS) {
      if (n === 0) continue;
      const x = Float32Array.from({ length: outer * n * inner }, () => Math.round(r() * 6));
      if (x.length > 3) x[randInt(r, 0, x.length - 1)] = NaN;
      const a = new Int32Array(outer * inner);
      const b = new Int32Array(outer * inner);
      nb().argReduce(op, x, outer, n, inner, a);
      ref.argReduce(op, x, outer, n, inner, b);
      assertClose(a, b, 0, 0, `${op} [${outer},${n},${inner}]`);
    }
  }
});

test('softmax / log-softmax and their backward passes', (t) => {
  if (!needNative(t)) return;
  const r = rng(23);
  forEachIsa((isa) => {
    for (const log of [false, true]) {
      for (const [outer, n, inner] of LAYOUTS) {
        const x = randF32(r, outer * n * inner, -30, 30);
        if (x.length > 2) x[0] = -Infinity;
        const a = new Float32Array(x.length);
        const b = new Float32Array(x.length);
        nb().softmax(x, outer, n, inner, a, log);
        ref.softmax(x, outer, n, inner, b, log);
        // log-softmax of inputs of size ~30 is good to a few float32 ulps of 30 (~2e-6) absolute
        assertClose(a, b, 1e-5, log ? 4e-6 : 1e-7, `${isa} softmax log=${log} [${outer},${n},${inner}]`);
        const g = randF32(r, x.length);
        const y = b.map((v) => (Number.isFinite(v) ? v : -50));
        const da = new Float32Array(x.length);
        const db = new Float32Array(x.length);
        nb().softmaxBackward(y, g, outer, n, inner, da, log);
        ref.softmaxBackward(y, g, outer, n, inner, db, log);
        assertClose(da, db, 1e-5, 1e-5 * Math.sqrt(n + 1), `${isa} softmaxBackward log=${log} [${outer},${n},${inner}]`);
      }
    }
  });
});

test('gather and scatterAdd (repeated indices accumulate)', (t) => {
  if (!needNative(t)) return;
  const r = rng(24);
  for (const [outer, n, inner] of LAYOUTS) {
    if (n === 0) continue;
    for (const m of [1, 3, 2 * n + 1]) {
      const x = randF32(r, outer * n * inner);
      const idx = Int32Array.from({ length: outer * m * inner }, () => randInt(r, 0, n - 1));
      const a = new Float32Array(outer * m * inner);
      const b = new Float32Array(outer * m * inner);
      nb().gather(x, idx, outer, n, m, inner, a);
      ref.gather(x, idx, outer, n, m, inner, b);
      assertClose(a, b, 0, 0, `gather [${outer},${n},${inner}] m=${m}`);
      const g = randF32(r, outer * m * inner);
      const sa = new Float32Array(outer * n * inner);
      const sb = new Float32Array(outer * n * inner);
      nb().scatterAdd(g, idx, outer, n, m, inner, sa);
      ref.scatterAdd(g, idx, outer, n, m, inner, sb);
      assertClose(sa, sb, 1e-6, 1e-6, `scatterAdd [${outer},${n},${inner}] m=${m}`);
    }
  }
});

test('adamStep: Adam, L2 weight decay, AdamW, several steps, threaded sizes', (t) => {
  if (!needNative(t)) return;
  const r = rng(25);
  forEachIsa((isa) => {
    for (const len of [1, 15, 16, 17, 1000, 200003]) {
      for (const [wd, decoupled] of [[0, false], [0.01, false], [0.1, true]] as [number, boolean][]) {
        const p0 = randF32(r, len);
        const P = [p0.slice(), p0.slice()];
        const M = [new Float32Array(len), new Float32Array(len)];
        const V = [new Float32Array(len), new Float32Array(len)];
        for (let step = 1; step <= 3; step++) {
          const g = randF32(r, len);
          const args: AdamArgs = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: wd, decoupled, step };
          nb().adamStep(P[0]!, g, M[0]!, V[0]!, args);
          ref.adamStep(P[1]!, g, M[1]!, V[1]!, args);
        }
        const what = `${isa} adam len=${len} wd=${wd} decoupled=${decoupled}`;
        assertClose(P[0]!, P[1]!, 1e-6, 1e-7, `${what} p`);
        // m and v are sums of terms of size ~0.1*|g| and ~1e-3*g^2 that may cancel: absolute
        // tolerances of a few float32 ulps of those terms
        assertClose(M[0]!, M[1]!, 1e-5, 1e-7, `${what} m`);
        assertClose(V[0]!, V[1]!, 1e-5, 1e-9, `${what} v`);
      }
    }
  });
});

test('reductions: float64 falls back to the reference', (t) => {
  if (!needNative(t)) return;
  const x = new Float64Array([1, 2, 3, 4]);
  const out = new Float64Array(1);
  nb().reduce('sum', x, 1, 4, 1, out);
  assertClose(out, [10], 0, 0, 'float64 sum');
  const s = new Float64Array(4);
  nb().softmax(x, 1, 4, 1, s, false);
  ref.softmax(x, 1, 4, 1, out.length === 1 ? (s.slice() as Float64Array) : s, false);
});
