/**
 * W1 on nabla's wasm backend, one thread against two in the same process: rounds alternating
 * which goes first (1 then 2, 2 then 1, ...), each round the workload's warm-up and timed calls
 * per size (bench/lib/gemmplan.ts), all timed calls of a thread count pooled into one median. Both
 * run on the threaded module (`setWasmThreads(1)` keeps it, with its workers idle), so the ratio
 * is the threads' alone, and the machine's drift from one second to the next (15 % here) falls on
 * both alike instead of on whichever cell ran in a slow stretch.
 *
 * Rows: case `n=<n> paired`, threads 1 and 2; the separate one- and two-thread cells still give the
 * table's figures (the one-thread cell on the plain module, whose copies are faster).
 */
import * as nb from '../../src/index.js';
import { summarise } from '../lib/measure.js';
import { maxErr, plan, randomMatrix, timeGemm } from '../lib/gemmplan.js';
import type { CellResult, CellSpec } from '../lib/types.js';

const ROUNDS = 4;

/** Runs after bench/nabla/setup.ts made wasm current with 2 threads (or skipped the cell, saying why). */
export async function runW1WasmPair(spec: CellSpec): Promise<CellResult[]> {
  const out: CellResult[] = [];
  const rounds = spec.quick ? 2 : ROUNDS;
  for (const n of spec.sizes ?? [1024]) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = nb.tensor(a, { shape: [n, n] });
    const B = nb.tensor(b, { shape: [n, n] });
    const p = plan(n, false);
    const o = { warmup: spec.quick ? 1 : p.warmup, reps: spec.quick ? 3 : p.reps, capS: (spec.quick ? 1 : Math.min(25, spec.budgetS)) / rounds };
    const g: Record<number, number[]> = { 1: [], 2: [] };
    const cpu: Record<number, number[]> = { 1: [], 2: [] };
    let c: ArrayLike<number> = new Float32Array(0);
    for (let round = 0; round < rounds; round++) {
      for (const t of round % 2 === 0 ? [1, 2] : [2, 1]) {
        nb.setWasmThreads(t);
        const r = await timeGemm(n, () => { c = nb.matmul(A, B).data(); }, o);
        g[t]!.push(...r.perCall);
        cpu[t]!.push(r.cpuPar);
      }
    }
    const err = maxErr(a, b, c, n);
    for (const t of [1, 2]) {
      out.push({
        workload: 'W1', lib: 'nabla', backend: 'wasm', threads: t, case: `n=${n} paired`, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true,
        ...summarise(g[t]!), method: 'reps', cpuPar: cpu[t]!.reduce((x, y) => x + y, 0) / cpu[t]!.length, maxErr: err,
        note: `threaded module, ${rounds} rounds alternating with ${3 - t} thread${t === 1 ? 's' : ''}`,
      });
    }
  }
  nb.setWasmThreads(2);
  return out;
}
