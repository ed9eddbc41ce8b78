/**
 * Timing helpers shared by every JS cell: wall time with performance.now(), process CPU time
 * with process.cpuUsage(), and summaries (median, min, max) of repeated measurements.
 *
 * cpu-par = process CPU seconds / wall seconds over the timed region: ~1 for one busy thread,
 * ~2 when two threads really run in parallel on this 2-vCPU machine. In a browser page (the
 * browser cells share these helpers) there is no process clock: cpu-par is NaN there.
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** number of repetitions or windows summarised */
  n: number;
}

export function summarise(xs: readonly number[]): Summary {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** Node's process CPU clock exists (not in a browser page). */
function hasProcessClock(): boolean {
  return typeof process !== 'undefined' && typeof process.cpuUsage === 'function';
}

/** A running wall/CPU clock over a region (several start/stop spans may be accumulated). */
export class Clock {
  wallMs = 0;
  cpuMs = 0;
  private t0 = 0;
  private c0: NodeJS.CpuUsage | null = null;

  start(): void {
    this.c0 = hasProcessClock() ? process.cpuUsage() : null;
    this.t0 = performance.now();
  }

  /** Stops the span and returns its wall milliseconds. */
  stop(): number {
    const dt = performance.now() - this.t0;
    this.wallMs += dt;
    if (this.c0 === null) {
      this.cpuMs = NaN;
      return dt;
    }
    const c = process.cpuUsage(this.c0);
    this.cpuMs += (c.user + c.system) / 1000;
    return dt;
  }

  /** process CPU seconds / wall seconds over all spans */
  get cpuPar(): number {
    return this.wallMs > 0 ? this.cpuMs / this.wallMs : NaN;
  }
}

/** Sleeps (lets the event loop run, e.g. for worker messages). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
