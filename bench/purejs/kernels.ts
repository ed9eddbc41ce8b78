/**
 * The pure-JS GEMM peers of W1 (WORKLOADS.md), written for this bench: C = A·B with A, B, C
 * n x n row-major Float32Array. Arithmetic is in JS doubles; every store to C rounds to float32.
 * Each kernel computes rows [r0, r1) of C (the 2-worker peer gives each worker one half).
 *
 * - naive: for i, for j { s = 0; for k: s += A[i,k]·B[k,j]; C[i,j] = s }
 * - blocked (simple): i-k-j loop order inside KB=128 (k) x JB=512 (j) tiles of B
 * - blocked (best): the same tiling with k unrolled x4:
 *   C[i,j] += a0·B[k,j] + a1·B[k+1,j] + a2·B[k+2,j] + a3·B[k+3,j]
 */

export const KB = 128;
export const JB = 512;

export type GemmKernel = (a: Float32Array, b: Float32Array, c: Float32Array, n: number, r0: number, r1: number) => void;

export function naive(a: Float32Array, b: Float32Array, c: Float32Array, n: number, r0: number, r1: number): void {
  for (let i = r0; i < r1; i++) {
    const ai = i * n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ai + k]! * b[k * n + j]!;
      c[ai + j] = s;
    }
  }
}

export function blockedSimple(a: Float32Array, b: Float32Array, c: Float32Array, n: number, r0: number, r1: number): void {
  c.fill(0, r0 * n, r1 * n);
  for (let k0 = 0; k0 < n; k0 += KB) {
    const k1 = Math.min(n, k0 + KB);
    for (let j0 = 0; j0 < n; j0 += JB) {
      const j1 = Math.min(n, j0 + JB);
      for (let i = r0; i < r1; i++) {
        const ci = i * n;
        for (let k = k0; k < k1; k++) {
          const aik = a[ci + k]!;
          const bk = k * n;
          for (let j = j0; j < j1; j++) c[ci + j] += aik * b[bk + j]!;
        }
      }
    }
  }
}

export function blockedBest(a: Float32Array, b: Float32Array, c: Float32Array, n: number, r0: number, r1: number): void {
  c.fill(0, r0 * n, r1 * n);
  for (let k0 = 0; k0 < n; k0 += KB) {
    const k1 = Math.min(n, k0 + KB);
    for (let j0 = 0; j0 < n; j0 += JB) {
      const j1 = Math.min(n, j0 + JB);
      for (let i = r0; i < r1; i++) {
        const ci = i * n;
        let k = k0;
        for (; k + 3 < k1; k += 4) {
          const a0 = a[ci + k]!;
          const a1 = a[ci + k + 1]!;
          const a2 = a[ci + k + 2]!;
          const a3 = a[ci + k + 3]!;
          const b0 = k * n;
          const b1 = b0 + n;
          const b2 = b1 + n;
          const b3 = b2 + n;
          for (let j = j0; j < j1; j++) c[ci + j] += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
        }
        for (; k < k1; k++) {
          const aik = a[ci + k]!;
          const bk = k * n;
          for (let j = j0; j < j1; j++) c[ci + j] += aik * b[bk + j]!;
        }
      }
    }
  }
}

export const KERNELS: Record<string, GemmKernel> = { naive, 'blocked simple': blockedSimple, 'blocked best': blockedBest };
