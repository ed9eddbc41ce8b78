/**
 * W1 for nabla through bench/gemm.ts (`runGemmBench`, the native engineer's kernel-level GEMM
 * benchmark): native on 1 and 2 threads, the ts reference kernel, and numpy/OpenBLAS on 1 and 2
 * threads interleaved per size in the same process. Its rows become CellResults.
 */
import { runGemmBench } from '../gemm.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export function runW1(spec: CellSpec): CellResult[] {
  const rows = runGemmBench({
    sizes: spec.sizes,
    quick: spec.quick,
    numpy: spec.peers ?? true,
    ts: true,
    capS: spec.quick ? 1 : 25,
    print: false,
    write: false,
  });
  return rows.map((r) => ({
    workload: 'W1', lib: r.impl === 'numpy' ? 'numpy' : 'nabla', backend: r.impl === 'numpy' ? 'openblas' : r.impl.slice('nabla-'.length),
    threads: r.threads, case: `n=${r.n}`, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true,
    median: r.median, min: r.min, max: r.max, n: r.reps, method: 'reps', cpuPar: r.cpuPar,
    ...(r.maxErr !== undefined ? { maxErr: r.maxErr } : {}),
    ...(r.rows !== r.n ? { note: `rows 0..${r.rows - 1} only` } : r.note ? { note: r.note } : {}),
  }));
}
