/**
 * W1 with nabla: C = A.matmul(B) through the public Tensor API, A, B n x n float32 uniform in
 * [-1, 1). The result's storage is the output (no copy-out needed); the plan is lib/gemmplan.ts.
 */
import * as nb from '../../src/index.js';
import { W1_SIZES, maxErr, plan, randomMatrix, timeGemm } from '../lib/gemmplan.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export async function runGemm(spec: CellSpec): Promise<CellResult[]> {
  const out: CellResult[] = [];
  const slow = spec.backend === 'ts';
  for (const n of spec.sizes ?? W1_SIZES) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = nb.tensor(a, { shape: [n, n] });
    const B = nb.tensor(b, { shape: [n, n] });
    let C = A.matmul(B);
    const p = plan(n, slow);
    const r = await timeGemm(n, () => { C = A.matmul(B); }, {
      warmup: spec.quick ? Math.min(1, p.warmup) : p.warmup,
      reps: spec.quick ? 3 : p.reps,
      capS: spec.quick ? 1 : Math.min(25, spec.budgetS),
    });
    out.push({
      workload: 'W1', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: `n=${n}`,
      metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true, ...r.gflops, method: 'reps', cpuPar: r.cpuPar,
      maxErr: maxErr(a, b, C.storage as Float32Array, n),
    });
  }
  return out;
}
