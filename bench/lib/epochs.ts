/**
 * The epoch loop of W2/W3 (and the time-bounded window method WORKLOADS.md uses for slow peers),
 * shared by the nabla and tfjs cells.
 *
 * Timing covers the per-batch gather (the iterator's `next()`), forward, backward and the
 * optimizer step; `afterEpoch` (test evaluation) runs outside the timed region.
 *
 * - Fast case: up to `maxEpochs` full epochs, no new epoch once `budgetS` timed seconds have
 *   passed; the figure is the median over epochs of samples/s = samples / epoch wall time.
 * - Slow case: if after a few windows the projected epoch time exceeds `maxEpochS`, the run becomes
 *   time-bounded: it stops `windowBudgetS` seconds after the epoch started, and the figure is the
 *   median samples/s over windows of `windowBatches` batches, first window dropped, with the
 *   extrapolated epoch time. A window also closes after windowBudgetS / 8 seconds, so a slow case
 *   still yields about 8 windows in its budget.
 */
import { Clock, summarise, type Summary } from './measure.js';

export interface EpochLoopOptions<Bt> {
  /** a fresh iterator over epoch e's batches (the gather happens in its next()) */
  epoch(e: number): Iterator<Bt>;
  /** samples in a batch */
  size(b: Bt): number;
  step(b: Bt): void | Promise<void>;
  /** untimed, after each full epoch (e.g. test accuracy) */
  afterEpoch?(e: number): void | Promise<void>;
  samplesPerEpoch: number;
  maxEpochs: number;
  budgetS: number;
  maxEpochS: number;
  windowBudgetS: number;
  windowBatches: number;
}

export interface EpochLoopResult {
  /** samples/s summary (over epochs or over windows) */
  rate: Summary;
  method: 'epochs' | 'windows';
  epochS: number;
  epochs: number;
  cpuPar: number;
}

export async function runEpochLoop<Bt>(o: EpochLoopOptions<Bt>): Promise<EpochLoopResult> {
  const clock = new Clock();
  const epochRates: number[] = [];
  const epochTimes: number[] = [];
  const windowRates: number[] = [];
  let timedS = 0;
  for (let e = 0; e < o.maxEpochs; e++) {
    if (e > 0 && timedS >= o.budgetS) break;
    const it = o.epoch(e);
    let samples = 0;
    let winSamples = 0;
    let winBatches = 0;
    let windowed = false;
    clock.start();
    const t0 = performance.now();
    let tw = t0;
    for (;;) {
      const r = it.next();
      if (r.done) break;
      await o.step(r.value);
      const n = o.size(r.value);
      samples += n;
      winSamples += n;
      ++winBatches;
      const now = performance.now();
      // a window closes after windowBatches batches, or after windowBudgetS / 8 when that is slow
      if (winBatches === o.windowBatches || now - tw >= (o.windowBudgetS * 1000) / 8) {
        windowRates.push((winSamples * 1000) / (now - tw));
        tw = now;
        winSamples = 0;
        winBatches = 0;
        const elapsedS = (now - t0) / 1000;
        const projected = (elapsedS * o.samplesPerEpoch) / samples;
        if (!windowed && windowRates.length >= 2 && projected > o.maxEpochS) windowed = true;
        if (windowed && elapsedS >= o.windowBudgetS && windowRates.length >= 3) break;
      }
    }
    const wall = clock.stop() / 1000;
    timedS += wall;
    if (samples < o.samplesPerEpoch) {
      // time-bounded: windows, first dropped
      const rate = summarise(windowRates.slice(1));
      return { rate, method: 'windows', epochS: o.samplesPerEpoch / rate.median, epochs: 0, cpuPar: clock.cpuPar };
    }
    epochRates.push(samples / wall);
    epochTimes.push(wall);
    windowRates.length = 0;
    if (o.afterEpoch) await o.afterEpoch(e);
  }
  return { rate: summarise(epochRates), method: 'epochs', epochS: summarise(epochTimes).median, epochs: epochRates.length, cpuPar: clock.cpuPar };
}
