/**
 * W1 PEAK for nabla native: C = A·B at n = 2048 through the addon's GEMM kernel (as bench/gemm.ts
 * calls it), back to back for `spec.budgetS` seconds (4) after 3 warm-up calls (1 with --quick), on
 * `spec.threads` threads — nabla's sustained GFLOP/s, shown beside OpenBLAS's peak measured the same way.
 */
import { getNumThreads, loadNativeBackend, nativeInfo, nativeLoadError, setNumThreads } from '../../src/backend/native/index.js';
import { gemmArgs } from '../gemm.js';
import { maxErr, randomMatrix } from '../lib/gemmplan.js';
import { PEAK_CASE, PEAK_N, backToBack } from '../lib/peak.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export function runPeak(spec: CellSpec): CellResult[] {
  const native = loadNativeBackend();
  if (!native?.gemm) throw new Error(`bench/nabla/peak: the native backend is not available (${nativeLoadError()})`);
  const n = PEAK_N;
  const a = randomMatrix(n, 1);
  const b = randomMatrix(n, 2);
  const c = new Float32Array(n * n);
  const args = gemmArgs(n, n, a, b, c);
  const prev = getNumThreads();
  setNumThreads(spec.threads);
  try {
    const r = backToBack(() => native.gemm!(args), { warmup: spec.quick ? 1 : 3, seconds: spec.budgetS, flops: 2 * n ** 3 });
    const info = nativeInfo();
    return [{
      workload: 'W1', lib: 'nabla', backend: 'native', threads: spec.threads, case: PEAK_CASE, metric: 'GFLOP/s', unit: 'GFLOP/s',
      higherIsBetter: true, ...r.gflops, best: r.gflops.max, method: `back-to-back ${spec.budgetS} s`, cpuPar: r.cpuPar,
      maxErr: maxErr(a, b, c, n), note: info ? `isa ${info.isa}, tile ${info.mr}x${info.nr}` : undefined,
    }];
  } finally {
    setNumThreads(prev);
  }
}
