/**
 * W2 on nabla's wasm backend, one thread against two in the same process and the same epochs:
 * the epoch's batches are cut into windows of WINDOW batches, and the thread count changes from
 * one window to the next (1, 2, then 2, 1, ...), so both see the same stretch of the machine's
 * load, the same model as it trains, and the same batches (nothing else changes between windows).
 * Both run on the threaded module (`setWasmThreads(1)` keeps it, its workers idle), so the ratio
 * is the second thread's alone. Each window's samples/s is kept; a thread count's figure is the
 * median of its windows (the first window after a switch included: the worker's wake-up is part
 * of what two threads cost).
 *
 * Rows: case `epoch paired`, threads 1 and 2 (the separate one- and two-thread cells still give
 * the table's figures; the one-thread cell there runs the plain module, whose copies are faster).
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { summarise } from '../lib/measure.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { classifierTraining } from './classify.js';

/** Batches per window: ~0.15-0.3 s of W2 on this machine, so a pair of windows sees one load. */
const WINDOW = 50;

/** Runs after bench/nabla/setup.ts made wasm current with 2 threads (or skipped the cell, saying why). */
export async function runW2WasmPair(spec: CellSpec): Promise<CellResult[]> {
  // (the same data, model, optimizer and batches as the W2 cell: bench/nabla/classify.ts)
  const { loader, step } = classifierTraining(false);
  const rates: Record<number, number[]> = { 1: [], 2: [] };
  const cpu: Record<number, number[]> = { 1: [], 2: [] };
  const budgetMs = (spec.quick ? 1 : spec.budgetS) * 1000;
  const window = spec.quick ? 10 : WINDOW;
  const start = performance.now();
  // the budget ends the run at the end of a pair of windows (or of an epoch), once both thread counts have two
  const spent = (): boolean => performance.now() - start >= budgetMs && rates[1]!.length >= 2 && rates[2]!.length >= 2;
  let pair = 0;
  let inPair = 0;
  for (let epoch = 0; epoch < (spec.quick ? 1 : 20); epoch++) {
    const it = loader[Symbol.iterator]();
    for (let done = false; !done;) {
      // windows go 1, 2 | 2, 1 | 1, 2 ...: within a pair, each thread count goes first as often
      const t = (pair % 2 === 0) === (inPair === 0) ? 1 : 2;
      nb.setWasmThreads(t);
      let samples = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let b = 0; b < window; b++) {
        const r = it.next();
        if (r.done) {
          done = true;
          break;
        }
        const [x, y] = r.value as Tensor[];
        step(x!, y!);
        samples += x!.shape[0]!;
      }
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      // (the epoch's last window is short: kept only if it has half a window of batches)
      if (samples >= (window * 64) / 2) {
        rates[t]!.push((samples * 1000) / ms);
        cpu[t]!.push((c.user + c.system) / 1000 / ms);
      }
      if (++inPair === 2) {
        inPair = 0;
        pair++;
        if (spent()) break;
      }
    }
    if (spent()) break;
  }
  nb.setWasmThreads(2);
  const mean = (xs: number[]): number => xs.reduce((p, q) => p + q, 0) / Math.max(1, xs.length);
  const out: CellResult[] = [];
  for (const t of [1, 2]) {
    out.push({
      workload: 'W2', lib: 'nabla', backend: 'wasm', threads: t, case: 'epoch paired', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
      ...summarise(rates[t]!), method: 'windows', cpuPar: mean(cpu[t]!),
      note: `threaded module, ${rates[t]!.length} windows of ${window} batches alternating with ${3 - t} thread${t === 1 ? 's' : ''}`,
    });
  }
  return out;
}
