/**
 * The PEAK method of W1 (WORKLOADS.md, "physical limit"): n = 2048 sgemm called back to back for
 * a fixed window (4 s) after 3 warm-up calls; every call is timed, the figure is GFLOP/s per call
 * (median, min, max) and the best call (= max).
 */
import { Clock, summarise, type Summary } from './measure.js';

export const PEAK_N = 2048;
/** the W1 case name of PEAK results (also used by bench/peers/torch_bench.py) */
export const PEAK_CASE = `PEAK n=${PEAK_N}`;

export function backToBack(call: () => void, o: { warmup: number; seconds: number; flops: number }): { gflops: Summary; cpuPar: number } {
  for (let i = 0; i < o.warmup; i++) call();
  const clock = new Clock();
  const g: number[] = [];
  const t0 = performance.now();
  do {
    clock.start();
    call();
    g.push(o.flops / (clock.stop() * 1e6));
  } while ((performance.now() - t0) / 1000 < o.seconds || g.length < 3);
  return { gflops: summarise(g), cpuPar: clock.cpuPar };
}
