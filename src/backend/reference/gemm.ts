/**
 * Reference GEMM: C = op(A)·op(B) (+ C when beta = 1), batched.
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
    if (k === 0 || m === 0 || n === 0) continue;
    if (p.transB) gemmDot(p, aOff, bOff, cOff);
    else gemmIKJ(p, aOff, bOff, cOff);
  }
}

/** C += op(A) · B with B stored k×n: i-k-j order in KB×JB tiles, k unrolled by 4. */
function gemmIKJ(p: GemmArgs, aOff: number, bOff: number, cOff: number): void {
  const { m, n, k, a, b: B, c, lda, ldb, ldc, transA } = p;
  // element (i, kk) of op(A)
  const ai = transA ? 1 : lda;
  const ak = transA ? lda : 1;
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let k0 = 0; k0 < k; k0 += KB) {
      const k1 = Math.min(k, k0 + KB);
      for (let i = 0; i < m; i++) {
        const cr = cOff + i * ldc;
        const ar = aOff + i * ai;
        let kk = k0;
        for (; kk + 3 < k1; kk += 4) {
          const a0 = a[ar + kk * ak]!;
          const a1 = a[ar + (kk + 1) * ak]!;
          const a2 = a[ar + (kk + 2) * ak]!;
          const a3 = a[ar + (kk + 3) * ak]!;
          const b0 = bOff + kk * ldb;
          const b1 = b0 + ldb;
          const b2 = b1 + ldb;
          const b3 = b2 + ldb;
          for (let j = j0; j < j1; j++) {
            c[cr + j] = c[cr + j]! + a0 * B[b0 + j]! + a1 * B[b1 + j]! + a2 * B[b2 + j]! + a3 * B[b3 + j]!;
          }
        }
        for (; kk < k1; kk++) {
          const av = a[ar + kk * ak]!;
          if (av === 0) continue;
          const br = bOff + kk * ldb;
          for (let j = j0; j < j1; j++) c[cr + j] = c[cr + j]! + av * B[br + j]!;
        }
      }
    }
  }
}

/** C += op(A) · B^T with B stored n×k: each C[i,j] is a dot product, four accumulators. */
function gemmDot(p: GemmArgs, aOff: number, bOff: number, cOff: number): void {
  const { m, n, k, a, b: B, c, lda, ldb, ldc, transA } = p;
  const ai = transA ? 1 : lda;
  const ak = transA ? lda : 1;
  for (let i = 0; i < m; i++) {
    const ar = aOff + i * ai;
    for (let j = 0; j < n; j++) {
      const br = bOff + j * ldb;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let kk = 0;
      if (ak === 1) {
        for (; kk + 3 < k; kk += 4) {
          s0 += a[ar + kk]! * B[br + kk]!;
          s1 += a[ar + kk + 1]! * B[br + kk + 1]!;
          s2 += a[ar + kk + 2]! * B[br + kk + 2]!;
          s3 += a[ar + kk + 3]! * B[br + kk + 3]!;
        }
      }
      for (; kk < k; kk++) s0 += a[ar + kk * ak]! * B[br + kk]!;
      const ci = cOff + i * ldc + j;
      c[ci] = c[ci]! + (s0 + s1 + s2 + s3);
    }
  }
}
