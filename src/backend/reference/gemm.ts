/**
 * Reference GEMM: C = op(A)·op(B) (+ C when beta = 1) (+ a bias row), batched.
 *
 * The plain triple loop `C[i,j] = sum_k A[i,k] B[k,j]` is the definition. The order used here
 * is i-k-j inside tiles of KB rows of B by JB columns: the innermost loop then runs along a row
 * of B and a row of C (contiguous memory), and a KB×JB tile of B stays in cache while every row
 * of A passes over it. When B is read transposed (B stored n×k, as for `x W^T`), each C[i,j] is
 * a dot product of two contiguous rows instead.
 */
import type { GemmArgs } from '../types.js';

const KB = 128;
const JB = 512;

export function gemm(p: GemmArgs): void {
  const { m, n, k } = p;
  for (let b = 0; b < p.batch; b++) {
    const aOff = p.aOffset + b * p.strideA;
    const bOff = p.bOffset + b * p.strideB;
    const cOff = p.cOffset + b * p.strideC;
    if (p.beta === 0) for (let i = 0; i < m; i++) p.c.fill(0, cOff + i * p.ldc, cOff + i * p.ldc + n);
    if (m === 0 || n === 0) continue;
    if (k > 0) {
      if (p.transB) gemmDot(p, aOff, bOff, cOff);
      else gemmIKJ(p, aOff, bOff, cOff);
    }
    if (p.bias !== undefined) addBias(p, cOff);
  }
}

/** The epilogue: C[i, j] += bias[biasOffset + j] on every row. */
function addBias(p: GemmArgs, cOff: number): void {
  const { m, n, c, ldc } = p;
  const bias = p.bias!;
  const bo = p.biasOffset ?? 0;
  for (let i = 0; i < m; i++) {
    const r = cOff + i * ldc;
    for (let j = 0; j < n; j++) c[r + j] = c[r + j]! + bias[bo + j]!;
  }
}

/**
 * C += op(A) · B with B stored k×n: i-k-j order in KB×JB tiles, two rows of C per pass (each
 * value of B loaded feeds both rows) and k unrolled by 4.
 */
function gemmIKJ(p: GemmArgs, aOff: number, bOff: number, cOff: number): void {
  const { m, n, k, a, b: B, c, lda, ldb, ldc, transA } = p;
  // element (i, kk) of op(A) is a[aOff + i*ai + kk*ak]
  const ai = transA ? 1 : lda;
  const ak = transA ? lda : 1;
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let k0 = 0; k0 < k; k0 += KB) {
      const k1 = Math.min(k, k0 + KB);
      let i = 0;
      for (; i + 1 < m; i += 2) {
        const c0 = cOff + i * ldc;
        const c1 = c0 + ldc;
        const r0 = aOff + i * ai;
        const r1 = r0 + ai;
        let kk = k0;
        for (; kk + 3 < k1; kk += 4) {
          const a00 = a[r0 + kk * ak]!, a01 = a[r0 + (kk + 1) * ak]!, a02 = a[r0 + (kk + 2) * ak]!, a03 = a[r0 + (kk + 3) * ak]!;
          const a10 = a[r1 + kk * ak]!, a11 = a[r1 + (kk + 1) * ak]!, a12 = a[r1 + (kk + 2) * ak]!, a13 = a[r1 + (kk + 3) * ak]!;
          const b0 = bOff + kk * ldb;
          const b1 = b0 + ldb;
          const b2 = b1 + ldb;
          const b3 = b2 + ldb;
          for (let j = j0; j < j1; j++) {
            const x0 = B[b0 + j]!, x1 = B[b1 + j]!, x2 = B[b2 + j]!, x3 = B[b3 + j]!;
            c[c0 + j] = c[c0 + j]! + a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
            c[c1 + j] = c[c1 + j]! + a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
          }
        }
        for (; kk < k1; kk++) {
          const a0 = a[r0 + kk * ak]!;
          const a1 = a[r1 + kk * ak]!;
          const br = bOff + kk * ldb;
          for (let j = j0; j < j1; j++) {
            const x = B[br + j]!;
            c[c0 + j] = c[c0 + j]! + a0 * x;
            c[c1 + j] = c[c1 + j]! + a1 * x;
          }
        }
      }
      if (i < m) {
        // the last row when m is odd
        const cr = cOff + i * ldc;
        const ar = aOff + i * ai;
        for (let kk = k0; kk < k1; kk++) {
          const av = a[ar + kk * ak]!;
          const br = bOff + kk * ldb;
          for (let j = j0; j < j1; j++) c[cr + j] = c[cr + j]! + av * B[br + j]!;
        }
      }
    }
  }
}

/**
 * C += op(A) · B^T with B stored n×k: each C[i,j] is a dot product of two rows. Four rows of A
 * share each pass over a row of B (four accumulators), so B is read m/4 times instead of m.
 */
function gemmDot(p: GemmArgs, aOff: number, bOff: number, cOff: number): void {
  const { m, n, k, a, b: B, c, lda, ldb, ldc, transA } = p;
  const ai = transA ? 1 : lda;
  const ak = transA ? lda : 1;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = aOff + i * ai;
    const r1 = r0 + ai;
    const r2 = r1 + ai;
    const r3 = r2 + ai;
    for (let j = 0; j < n; j++) {
      const br = bOff + j * ldb;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let kk = 0; kk < k; kk++) {
        const x = B[br + kk]!;
        const o = kk * ak;
        s0 += a[r0 + o]! * x;
        s1 += a[r1 + o]! * x;
        s2 += a[r2 + o]! * x;
        s3 += a[r3 + o]! * x;
      }
      const ci = cOff + i * ldc + j;
      c[ci] = c[ci]! + s0;
      c[ci + ldc] = c[ci + ldc]! + s1;
      c[ci + 2 * ldc] = c[ci + 2 * ldc]! + s2;
      c[ci + 3 * ldc] = c[ci + 3 * ldc]! + s3;
    }
  }
  for (; i < m; i++) {
    const ar = aOff + i * ai;
    for (let j = 0; j < n; j++) {
      const br = bOff + j * ldb;
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += a[ar + kk * ak]! * B[br + kk]!;
      const ci = cOff + i * ldc + j;
      c[ci] = c[ci]! + s;
    }
  }
}
