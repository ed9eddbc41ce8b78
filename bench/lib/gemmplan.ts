/**
 * W1's repetition plan and correctness check, shared by the JS cells.
 * n=256: 3 warm-up + 21 timed; 512: 2 + 11; 1024: 1 + 7; 2048: 1 + 7 (0 + 3..5 for slow JS
 * backends, already JIT-warm from smaller n). A cell stops adding reps after `capS` seconds
 * (25 s in WORKLOADS.md) once it has 3. GFLOP/s = 2 n^3 / t per call.
 */
import { mulberry32 } from './rng.js';
import { Clock, summarise, type Summary } from './measure.js';

export const W1_SIZES = [256, 512, 1024, 2048];

export function plan(n: number, slowJs: boolean): { warmup: number; reps: number } {
  if (n <= 256) return { warmup: 3, reps: 21 };
  if (n <= 512) return { warmup: 2, reps: 11 };
  if (n <= 1024) return { warmup: 1, reps: 7 };
  return slowJs ? { warmup: 0, reps: 3 } : { warmup: 1, reps: 7 };
}

/** A, B uniform in [-1, 1), seeded. */
export function randomMatrix(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = 2 * r() - 1;
  return a;
}

/**
 * max |C - C_f64| over 4 rows: 0, rows/3, 2 rows/3, rows-1 (`rows` = how many leading rows of C
 * were computed, n by default; 128 for the naive kernel at n = 2048).
 */
export function maxErr(a: Float32Array, b: Float32Array, c: ArrayLike<number>, n: number, rows = n): number {
  let worst = 0;
  const acc = new Float64Array(n);
  for (const i of [0, Math.floor(rows / 3), Math.floor((2 * rows) / 3), rows - 1]) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j++) acc[j] += aik * b[k * n + j]!;
    }
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(c[i * n + j]! - acc[j]!));
  }
  return worst;
}

/** Times `call` per the plan; returns GFLOP/s per call (flops per call: 2 n^3 unless given: the summary and each call's figure) and cpu-par. */
export async function timeGemm(
  n: number,
  call: () => void | Promise<void>,
  o: { warmup: number; reps: number; capS: number; flops?: number },
): Promise<{ gflops: Summary; perCall: number[]; cpuPar: number }> {
  const flops = o.flops ?? 2 * n ** 3;
  for (let i = 0; i < o.warmup; i++) await call();
  const clock = new Clock();
  const g: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < o.reps; r++) {
    clock.start();
    await call();
    const ms = clock.stop();
    g.push(flops / (ms * 1e6));
    if (g.length >= 3 && (performance.now() - t0) / 1000 > o.capS) break;
  }
  return { gflops: summarise(g), perCall: g, cpuPar: clock.cpuPar };
}
