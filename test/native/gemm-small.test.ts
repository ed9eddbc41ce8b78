/**
 * The bias epilogue of the GEMM (C[i, j] += bias[j], Linear's x W^T + b) and the native
 * no-packing path for a few rows of C (m <= 8, native/kernels/gemm_small.h), against the
 * reference GEMM, which is itself checked against a plain float64 triple loop. Every edge: m = 1..10
 * (both sides of the small-m threshold), n and k odd and tiny, k = 1, k = 0 with beta 0 and 1,
 * padded leading dimensions, offsets, all four transposes, batches, threads. With beta = 0, C starts
 * as NaN: a kernel that reads C then would show it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GemmArgs } from '../../src/backend/types.js';
import { getNumThreads, setNumThreads } from '../../src/backend/native/index.js';
import { assertClose, forEachIsa, kernelInfo, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

interface Case {
  batch?: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  beta: 0 | 1;
  bias: boolean;
  padA?: number;
  padB?: number;
  padC?: number;
  offset?: number;
}

/** Arguments over fresh random arrays; C holds NaN when beta = 0 (it must not be read). */
function build(c: Case, seed: number): GemmArgs {
  const r = rng(seed);
  const batch = c.batch ?? 1;
  const off = c.offset ?? 0;
  const lda = Math.max(1, c.transA ? c.m : c.k) + (c.padA ?? 0);
  const ldb = Math.max(1, c.transB ? c.k : c.n) + (c.padB ?? 0);
  const ldc = c.n + (c.padC ?? 0);
  const aRows = c.transA ? c.k : c.m;
  const bRows = c.transB ? c.n : c.k;
  const cArr = randF32(r, off + batch * c.m * ldc);
  if (c.beta === 0) cArr.fill(NaN);
  const args: GemmArgs = {
    batch, m: c.m, n: c.n, k: c.k,
    a: randF32(r, off + batch * aRows * lda), aOffset: off, lda, transA: c.transA, strideA: aRows * lda,
    b: randF32(r, off + batch * bRows * ldb), bOffset: off, ldb, transB: c.transB, strideB: bRows * ldb,
    c: cArr, cOffset: off, ldc, strideC: c.m * ldc, beta: c.beta,
  };
  if (c.bias) {
    args.bias = randF32(r, c.n + off + 2);
    args.biasOffset = off + 1;
  }
  return args;
}

function withC(p: GemmArgs): GemmArgs {
  return { ...p, c: p.c.slice() };
}

/** C by the definition, in float64. */
function naive(p: GemmArgs): Float64Array {
  const out = Float64Array.from(p.c);
  for (let b = 0; b < p.batch; b++) {
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let q = 0; q < p.k; q++) {
          const a = p.a[p.aOffset + b * p.strideA + (p.transA ? q * p.lda + i : i * p.lda + q)]!;
          const bb = p.b[p.bOffset + b * p.strideB + (p.transB ? j * p.ldb + q : q * p.ldb + j)]!;
          s += a * bb;
        }
        const ci = p.cOffset + b * p.strideC + i * p.ldc + j;
        if (p.beta === 1) s += p.c[ci]!;
        if (p.bias !== undefined) s += p.bias[(p.biasOffset ?? 0) + j]!;
        out[ci] = s;
      }
    }
  }
  return out;
}

function check(c: Case, seed: number, label: string): void {
  const p = build(c, seed);
  const nat = withC(p);
  const rf = withC(p);
  nb().gemm(nat);
  ref.gemm(rf);
  const tol = 1e-5 * Math.sqrt(Math.max(c.k, 1)) + 1e-6;
  assertClose(nat.c, rf.c, tol, tol, `${label} ${JSON.stringify(c)}`);
}

test('reference gemm: the bias epilogue and beta, against the definition (float64)', () => {
  let seed = 1;
  for (const m of [1, 3])
    for (const k of [0, 1, 5])
      for (const transA of [false, true])
        for (const transB of [false, true])
          for (const beta of [0, 1] as const) {
            const p = build({ batch: 2, m, n: 3, k, transA, transB, beta, bias: true, padA: 1, padB: 2, padC: 1, offset: 2 }, seed++);
            const p64: GemmArgs = { ...p, a: Float64Array.from(p.a), b: Float64Array.from(p.b), c: Float64Array.from(p.c), bias: Float64Array.from(p.bias!) };
            if (beta === 0) p64.c.fill(NaN);
            const want = naive(p64);
            ref.gemm(p64);
            // elements outside the products (padding, offset) stay as they were
            assertClose(p64.c, want, 1e-12, 1e-12, `reference m=${m} k=${k} tA=${transA} tB=${transB} beta=${beta}`);
          }
});

test('gemm small m: m = 1..10, tiny and odd n, k (k = 0, 1), all transposes, beta 0/1, bias, per ISA', (t) => {
  if (!needNative(t)) return;
  const prev = getNumThreads();
  setNumThreads(1);
  try {
    forEachIsa((isa) => {
      let seed = 10;
      for (let m = 1; m <= 10; m++)
        for (const n of [1, 3, 4, 5, 17, 33])
          for (const k of [0, 1, 2, 7, 16, 19])
            for (const transA of [false, true])
              for (const transB of [false, true]) {
                const beta = (seed & 1) as 0 | 1;
                const bias = (seed & 2) === 0;
                check({ m, n, k, transA, transB, beta, bias }, seed++, isa);
              }
    });
  } finally {
    setNumThreads(prev);
  }
});

test('gemm small m: padded leading dimensions, offsets and longer rows (vector tails, the 8-row tile)', (t) => {
  if (!needNative(t)) return;
  const r = rng(3);
  forEachIsa((isa) => {
    for (let i = 0; i < 60; i++) {
      const c: Case = {
        m: randInt(r, 1, 9),
        n: randInt(r, 1, 300),
        k: randInt(r, 0, 300),
        transA: r() < 0.5,
        transB: r() < 0.5,
        beta: r() < 0.5 ? 0 : 1,
        bias: r() < 0.7,
        padA: randInt(r, 0, 5),
        padB: randInt(r, 0, 5),
        padC: randInt(r, 0, 3),
        offset: randInt(r, 0, 4),
      };
      check(c, 500 + i, isa);
    }
    // B rows whose stride is a multiple of the vector width, at every misalignment: the kernels
    // peel the first elements (k for transposed B, columns otherwise) to load B aligned
    let seed = 700;
    for (const off of [0, 1, 5, 8, 15])
      for (const m of [1, 3]) {
        check({ m, n: 37, k: 80, transA: false, transB: true, beta: 0, bias: true, offset: off }, seed++, isa);
        check({ m, n: 80, k: 21, transA: false, transB: false, beta: 1, bias: true, offset: off }, seed++, isa);
        check({ m, n: 5, k: 17, transA: true, transB: true, beta: 1, bias: false, padB: 15, offset: off }, seed++, isa);
      }
    // Linear's shapes (x W^T + b) at batch 1..5
    for (let m = 1; m <= 5; m++) {
      check({ m, n: 256, k: 784, transA: false, transB: true, beta: 0, bias: true }, 900 + m, isa);
      check({ m, n: 10, k: 128, transA: false, transB: true, beta: 0, bias: true }, 910 + m, isa);
      check({ m, n: 784, k: 256, transA: false, transB: false, beta: 1, bias: true }, 920 + m, isa);
    }
  });
});

test('gemm bias epilogue on the packed paths: edge tiles, several KC blocks, batches, threads', (t) => {
  if (!needNative(t)) return;
  const prev = getNumThreads();
  try {
    forEachIsa((isa) => {
      setNumThreads(1);
      const { mr, nr, kc, mc } = kernelInfo();
      const cases: Case[] = [
        { m: mr, n: nr, k: 7, transA: false, transB: true, beta: 0, bias: true },
        { m: mr + 3, n: 2 * nr + 5, k: kc + 3, transA: false, transB: true, beta: 0, bias: true },
        { m: 2 * mr + 1, n: nr - 1, k: 2 * kc + 1, transA: true, transB: false, beta: 1, bias: true, padA: 2, padC: 3, offset: 1 },
        { m: mc + 7, n: 3 * nr + 2, k: 40, transA: true, transB: true, beta: 0, bias: true, padB: 1 },
        { batch: 3, m: 20, n: 37, k: 0, transA: false, transB: false, beta: 0, bias: true },
        { batch: 3, m: 20, n: 37, k: 0, transA: false, transB: false, beta: 1, bias: true },
        { batch: 4, m: 3, n: 37, k: 21, transA: false, transB: true, beta: 0, bias: true },
        { batch: 4, m: 30, n: 37, k: 21, transA: true, transB: false, beta: 1, bias: true },
      ];
      let seed = 2000;
      for (const c of cases) check(c, seed++, isa);
      for (const threads of [2, 3]) {
        setNumThreads(threads);
        const big: Case[] = [
          { m: 301, n: 257, k: 300, transA: false, transB: true, beta: 0, bias: true },
          { m: 20, n: 900, k: 300, transA: false, transB: true, beta: 1, bias: true },
          { batch: 12, m: 40, n: 50, k: 60, transA: true, transB: false, beta: 0, bias: true },
          { m: 64, n: 256, k: 784, transA: false, transB: true, beta: 0, bias: true },
        ];
        for (const c of big) check(c, seed++, `${isa} threads=${threads}`);
      }
    });
  } finally {
    setNumThreads(prev);
  }
});

test('gemm bias: k = 0 writes exactly bias (beta 0) or C + bias (beta 1); a float64 bias falls back', (t) => {
  if (!needNative(t)) return;
  const c = new Float32Array([NaN, NaN, NaN, NaN]);
  const base: GemmArgs = {
    batch: 1, m: 2, n: 2, k: 0, a: new Float32Array(0), aOffset: 0, lda: 1, transA: false, strideA: 0,
    b: new Float32Array(0), bOffset: 0, ldb: 2, transB: false, strideB: 0, c, cOffset: 0, ldc: 2, strideC: 4, beta: 0,
    bias: new Float32Array([9, 1, 2]), biasOffset: 1,
  };
  nb().gemm(base);
  assert.deepEqual([...c], [1, 2, 1, 2]);
  nb().gemm({ ...base, beta: 1 });
  assert.deepEqual([...c], [2, 4, 2, 4]);
  // float32 operands with a float64 bias: the reference kernel runs
  const c2 = new Float32Array(2);
  nb().gemm({ ...base, m: 1, k: 1, a: new Float32Array([2]), b: new Float32Array([3, 4]), c: c2, bias: new Float64Array([0.5, 0.25]), biasOffset: 0 });
  assert.deepEqual([...c2], [6.5, 8.25]);
});

test('gemm small m: the result does not depend on where the arrays lie (bit for bit, every misalignment)', (t) => {
  if (!needNative(t)) return;
  forEachIsa((isa) => {
    for (const transB of [true, false])
      for (const m of [1, 2, 5]) {
        const c: Case = { m, n: transB ? 37 : 80, k: transB ? 80 : 21, transA: false, transB, beta: 1, bias: true };
        const p = build(c, 31 + m);
        const outs: Float32Array[] = [];
        for (let off = 0; off < 16; off++) {
          // the same values placed `off` elements further into fresh arrays
          const shift = (x: Float32Array | Float64Array | Int32Array | Uint8Array, o: number): Float32Array => {
            const y = new Float32Array(x.length + 16);
            y.set(x, o);
            return y;
          };
          const q: GemmArgs = {
            ...p,
            a: shift(p.a, off), aOffset: off,
            b: shift(p.b, off), bOffset: off,
            c: shift(p.c, off), cOffset: off,
            bias: shift(p.bias!, off), biasOffset: (p.biasOffset ?? 0) + off,
          };
          nb().gemm(q);
          outs.push((q.c as Float32Array).slice(off, off + p.c.length));
        }
        for (let off = 1; off < 16; off++) assert.deepEqual(outs[off], outs[0], `${isa} ${JSON.stringify(c)} offset ${off}`);
      }
  });
});
