/** W1 with TensorFlow.js: `tf.matMul(a, b).dataSync()` per call (the read-out is timed). */
import * as tf from '@tensorflow/tfjs';
import { W1_SIZES, maxErr, plan, randomMatrix, timeGemm } from '../lib/gemmplan.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export async function runGemm(spec: CellSpec): Promise<CellResult[]> {
  const out: CellResult[] = [];
  for (const n of spec.sizes ?? W1_SIZES) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = tf.tensor2d(a, [n, n]);
    const B = tf.tensor2d(b, [n, n]);
    let c: ArrayLike<number> = new Float32Array(0);
    const call = (): void => {
      const C = tf.matMul(A, B);
      c = C.dataSync();
      C.dispose();
    };
    const p = plan(n, true);
    const r = await timeGemm(n, call, {
      warmup: spec.quick ? Math.min(1, p.warmup) : p.warmup,
      reps: spec.quick ? 3 : p.reps,
      capS: spec.quick ? 1 : Math.min(25, spec.budgetS),
    });
    out.push({
      workload: 'W1', lib: 'tfjs', backend: spec.backend, threads: spec.threads || 1, case: `n=${n}`,
      metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true, ...r.gflops, method: 'reps', cpuPar: r.cpuPar,
      maxErr: maxErr(a, b, c, n),
    });
    A.dispose();
    B.dispose();
  }
  return out;
}
