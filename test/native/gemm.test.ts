/**
 * Native GEMM against the reference GEMM: every edge tile of every micro-kernel (m, n not
 * multiples of the tile, k = 0 and 1), transposed operands, padded leading dimensions, batch
 * strides (0 = broadcast), beta 0 and 1, offsets, and sizes large enough to use the threads.
 */
import { test } from 'node:test';
import type { GemmArgs } from '../../src/backend/types.js';
import { setNumThreads, getNumThreads } from '../../src/backend/native/index.js';
import { assertClose, forEachIsa, kernelInfo, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

interface Case {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  beta: 0 | 1;
  padA?: number;
  padB?: number;
  padC?: number;
  bcastA?: boolean;
  bcastB?: boolean;
  offset?: number;
}

function build(c: Case, seed: number): { nat: GemmArgs; refArgs: GemmArgs } {
  const r = rng(seed);
  const off = c.offset ?? 0;
  const lda = (c.transA ? c.m : c.k) + (c.padA ?? 0);
  const ldb = (c.transB ? c.k : c.n) + (c.padB ?? 0);
  const ldc = c.n + (c.padC ?? 0);
  const aRows = c.transA ? c.k : c.m;
  const bRows = c.transB ? c.n : c.k;
  const strideA = c.bcastA ? 0 : aRows * lda;
  const strideB = c.bcastB ? 0 : bRows * ldb;
  const strideC = c.m * ldc;
  const a = randF32(r, off + Math.max(1, c.bcastA ? 1 : c.batch) * aRows * lda);
  const b = randF32(r, off + Math.max(1, c.bcastB ? 1 : c.batch) * bRows * ldb);
  const c0 = randF32(r, off + c.batch * c.m * ldc);
  const base = { batch: c.batch, m: c.m, n: c.n, k: c.k, aOffset: off, lda, transA: c.transA, strideA, bOffset: off, ldb, transB: c.transB, strideB, cOffset: off, ldc, strideC, beta: c.beta };
  return {
    nat: { ...base, a, b, c: c0.slice() },
    refArgs: { ...base, a, b, c: c0.slice() },
  };
}

function check(c: Case, seed: number, label: string): void {
  const { nat, refArgs } = build(c, seed);
  nb().gemm(nat);
  ref.gemm(refArgs);
  const tol = 1e-5 * Math.sqrt(Math.max(c.k, 1));
  assertClose(nat.c, refArgs.c, tol, tol, `${label} ${JSON.stringify(c)}`);
}

test('gemm: every edge tile, k = 0 and 1, all transposes, beta 0/1, per ISA', (t) => {
  if (!needNative(t)) return;
  const prev = getNumThreads();
  setNumThreads(1);
  try {
    forEachIsa((isa) => {
      const info = kernelInfo();
      const ms = [1, info.mr - 1, info.mr, info.mr + 1, 2 * info.mr + 3];
      const ns = [1, info.nr - 1, info.nr, info.nr + 1, 2 * info.nr + 5];
      let seed = 1;
      for (const m of ms)
        for (const n of ns)
          for (const k of [0, 1, 7])
            for (const transA of [false, true])
              for (const transB of [false, true])
                check({ batch: 1, m, n, k, transA, transB, beta: (seed & 1) as 0 | 1 }, seed++, isa);
    });
  } finally {
    setNumThreads(prev);
  }
});

test('gemm: an edge tile of every row count 1 .. MR-1 below a full tile (the row-templated edge kernels), with bias', (t) => {
  if (!needNative(t)) return;
  const prev = getNumThreads();
  setNumThreads(1);
  try {
    forEachIsa((isa) => {
      const { mr, nr } = kernelInfo();
      let seed = 500;
      for (let r = 1; r < mr; r++) {
        // m = mr + r rows: more than the small-m path takes, so the packed path with one full
        // tile and one edge tile of r rows; n covers a full and an edge column panel
        for (const n of [nr, nr + 3]) {
          for (const beta of [0, 1] as const) {
            const c: Case = { batch: 1, m: Math.max(mr + r, 9 + r), n, k: 19, transA: (seed & 2) === 0, transB: (seed & 4) === 0, beta, padC: 1 };
            const { nat, refArgs } = build(c, seed++);
            const bias = randF32(rng(seed), n);
            nb().gemm({ ...nat, bias, biasOffset: 0 });
            ref.gemm({ ...refArgs, bias, biasOffset: 0 });
            assertClose(nat.c, refArgs.c, 1e-4, 1e-4, `${isa} edge rows ${r} ${JSON.stringify(c)}`);
          }
        }
      }
    });
  } finally {
    setNumThreads(prev);
  }
});

test('gemm: blocking boundaries (k, m, n around KC, MC, NC), padded leading dimensions, offsets', (t) => {
  if (!needNative(t)) return;
  forEachIsa((isa) => {
    const { mc, kc, mr, nr } = kernelInfo();
    const cases: Case[] = [
      { batch: 1, m: mc + 1, n: 3 * nr + 1, k: kc + 1, transA: false, transB: false, beta: 0 },
      { batch: 1, m: mc - 1, n: nr + 2, k: 2 * kc - 1, transA: true, transB: false, beta: 1, padA: 3 },
      { batch: 1, m: mr * 3 + 1, n: 2 * nr - 1, k: kc, transA: false, transB: true, beta: 0, padB: 5, padC: 2 },
      { batch: 1, m: 2 * mc + 5, n: 70, k: 300, transA: true, transB: true, beta: 1, padA: 1, padB: 1, padC: 1, offset: 5 },
      { batch: 1, m: 1, n: 1000, k: 513, transA: false, transB: false, beta: 0 },
      { batch: 1, m: 1000, n: 1, k: 129, transA: false, transB: true, beta: 0 },
    ];
    let seed = 100;
    for (const c of cases) check(c, seed++, isa);
  });
});

test('gemm: batches with broadcast (stride 0) operands and batch 1', (t) => {
  if (!needNative(t)) return;
  const r = rng(7);
  forEachIsa((isa) => {
    for (let i = 0; i < 24; i++) {
      const c: Case = {
        batch: randInt(r, 1, 6),
        m: randInt(r, 1, 40),
        n: randInt(r, 1, 70),
        k: randInt(r, 0, 50),
        transA: r() < 0.5,
        transB: r() < 0.5,
        beta: r() < 0.5 ? 0 : 1,
        padA: randInt(r, 0, 2),
        padB: randInt(r, 0, 2),
        padC: randInt(r, 0, 2),
        bcastA: r() < 0.3,
        bcastB: r() < 0.3,
        offset: randInt(r, 0, 3),
      };
      check(c, 1000 + i, isa);
    }
  });
});

test('gemm: threaded paths (row split, column split, batch split) match one thread', (t) => {
  if (!needNative(t)) return;
  const prev = getNumThreads();
  try {
    for (const threads of [2, 3]) {
      setNumThreads(threads);
      const cases: Case[] = [
        { batch: 1, m: 301, n: 257, k: 190, transA: false, transB: false, beta: 0 },
        { batch: 1, m: 9, n: 900, k: 300, transA: false, transB: true, beta: 1 },
        { batch: 12, m: 40, n: 50, k: 60, transA: true, transB: false, beta: 0, bcastB: true },
        { batch: 2, m: 200, n: 300, k: 100, transA: true, transB: true, beta: 1 },
      ];
      let seed = 50;
      for (const c of cases) check(c, seed++, `threads=${threads}`);
    }
  } finally {
    setNumThreads(prev);
  }
});

test('gemm: m or n = 0 is a no-op; k = 0 with beta 0 zeroes C', (t) => {
  if (!needNative(t)) return;
  const c = new Float32Array([1, 2, 3, 4]);
  const args: GemmArgs = { batch: 1, m: 2, n: 2, k: 0, a: new Float32Array(0), aOffset: 0, lda: 0, transA: false, strideA: 0, b: new Float32Array(0), bOffset: 0, ldb: 2, transB: false, strideB: 0, c, cOffset: 0, ldc: 2, strideC: 4, beta: 1 };
  nb().gemm(args);
  assertClose(c, [1, 2, 3, 4], 0, 0, 'k=0 beta=1');
  nb().gemm({ ...args, beta: 0 });
  assertClose(c, [0, 0, 0, 0], 0, 0, 'k=0 beta=0');
  c.set([5, 6, 7, 8]);
  nb().gemm({ ...args, m: 0, k: 3 });
  nb().gemm({ ...args, n: 0, k: 3 });
  assertClose(c, [5, 6, 7, 8], 0, 0, 'm=0 / n=0');
});

test('gemm: float64 falls back to the reference kernel', (t) => {
  if (!needNative(t)) return;
  const a = new Float64Array([1, 2, 3, 4]);
  const b = new Float64Array([5, 6, 7, 8]);
  const c = new Float64Array(4);
  nb().gemm({ batch: 1, m: 2, n: 2, k: 2, a, aOffset: 0, lda: 2, transA: false, strideA: 0, b, bOffset: 0, ldb: 2, transB: false, strideB: 0, c, cOffset: 0, ldc: 2, strideC: 0, beta: 0 });
  assertClose(c, [19, 22, 43, 50], 0, 0, 'float64 gemm');
});
