/**
 * The time-bounded step loop of W4: `warmup` untimed steps, then steps until `budgetS` seconds
 * have passed (at least `minWindows` windows), timed in windows of `windowSteps` steps.
 * Returns the per-window rates (units per second) and cpu-par over the timed part.
 */
import { Clock, summarise, type Summary } from './measure.js';

export async function timedSteps(
  step: (i: number) => void | Promise<void>,
  o: { warmup: number; budgetS: number; windowSteps: number; unitsPerStep: number; minWindows?: number },
): Promise<{ rate: Summary; cpuPar: number }> {
  let i = 0;
  for (; i < o.warmup; i++) await step(i);
  const clock = new Clock();
  const rates: number[] = [];
  const minWindows = o.minWindows ?? 3;
  clock.start();
  const t0 = performance.now();
  let tw = t0;
  for (;;) {
    for (let s = 0; s < o.windowSteps; s++) await step(i++);
    const now = performance.now();
    rates.push((o.windowSteps * o.unitsPerStep * 1000) / (now - tw));
    tw = now;
    if ((now - t0) / 1000 >= o.budgetS && rates.length >= minWindows) break;
  }
  clock.stop();
  return { rate: summarise(rates), cpuPar: clock.cpuPar };
}
