/**
 * The round method of W5 and OPS: `warmup` untimed calls, then `rounds` rounds of `calls` calls;
 * the figure is microseconds per call = round time / calls, summarised over rounds.
 */
import { Clock, summarise, type Summary } from './measure.js';

export async function timedRounds(
  call: () => void | Promise<void>,
  o: { warmup: number; rounds: number; calls: number },
): Promise<{ us: Summary; cpuPar: number }> {
  for (let i = 0; i < o.warmup; i++) await call();
  const clock = new Clock();
  const us: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    clock.start();
    for (let i = 0; i < o.calls; i++) await call();
    us.push((clock.stop() * 1000) / o.calls);
  }
  return { us: summarise(us), cpuPar: clock.cpuPar };
}

/** The synchronous variant (no await per call, which would add microtask overhead). */
export function timedRoundsSync(call: () => void, o: { warmup: number; rounds: number; calls: number }): { us: Summary; cpuPar: number } {
  for (let i = 0; i < o.warmup; i++) call();
  const clock = new Clock();
  const us: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    clock.start();
    for (let i = 0; i < o.calls; i++) call();
    us.push((clock.stop() * 1000) / o.calls);
  }
  return { us: summarise(us), cpuPar: clock.cpuPar };
}
