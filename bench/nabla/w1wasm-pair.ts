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
import { Clock, summarise } from '../lib/measure.js';
import { maxErr, plan, randomMatrix } from '../lib/gemmplan.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { SkipCell } from '../web/backend.js';

const ROUNDS = 4;

export function runW1WasmPair(spec: CellSpec): CellResult[] {
  if (!nb.availableBackends().includes('wasm')) throw new SkipCell("W1 paired: nabla's wasm backend is not registered here");
  nb.setBackend('wasm');
  if (nb.setWasmThreads(2) !== 2) throw new SkipCell(`W1 paired: no second wasm thread here (${nb.wasmThreadsError() ?? 'unknown'})`);
  const out: CellResult[] = [];
  for (const n of spec.sizes ?? [1024]) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = nb.tensor(a, { shape: [n, n] });
    const B = nb.tensor(b, { shape: [n, n] });
    const p = plan(n, false);
    const warmup = spec.quick ? 1 : p.warmup;
    const reps = spec.quick ? 3 : p.reps;
    const g: Record<number, number[]> = { 1: [], 2: [] };
    const cpu: Record<number, number[]> = { 1: [], 2: [] };
    let c: Float32Array = new Float32Array(0);
    const call = (): void => { c = nb.matmul(A, B).data() as Float32Array; };
    for (let round = 0; round < (spec.quick ? 2 : ROUNDS); round++) {
      for (const t of round % 2 === 0 ? [1, 2] : [2, 1]) {
        nb.setWasmThreads(t);
        for (let i = 0; i < warmup; i++) call();
        const clock = new Clock();
        for (let r = 0; r < reps; r++) {
          clock.start();
          call();
          g[t]!.push((2 * n ** 3) / (clock.stop() * 1e6));
        }
        cpu[t]!.push(clock.cpuPar);
      }
    }
    const err = maxErr(a, b, c, n);
    for (const t of [1, 2]) {
      const s = summarise(g[t]!);
      out.push({
        workload: 'W1', lib: 'nabla', backend: 'wasm', threads: t, case: `n=${n} paired`, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true,
        ...s, method: 'reps', cpuPar: cpu[t]!.reduce((x, y) => x + y, 0) / cpu[t]!.length, maxErr: err,
        note: `threaded module, ${spec.quick ? 2 : ROUNDS} rounds alternating with ${3 - t} thread${t === 1 ? 's' : ''}`,
      });
    }
  }
  nb.setWasmThreads(2);
  return out;
}
