/**
 * A progress bar for long work: on a terminal it redraws one line with a bar, the ETA, and the
 * latest metrics; elsewhere (CI logs, pipes) it prints a plain line at most every few seconds
 * and at the end, so logs stay readable.
 */
import { platform, type TextSink } from '../core/platform.js';

export interface ProgressOptions {
  total: number;
  label?: string;
  /** where to write (default: stderr in Node, the console elsewhere) */
  stream?: TextSink;
  /** plain-line interval when not a terminal, ms (default 5000) */
  plainEveryMs?: number;
  /** disable output entirely */
  silent?: boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(r).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatMetrics(metrics: Record<string, number | string | undefined>): string {
  return Object.entries(metrics)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(4)) : v}`)
    .join('  ');
}

export class ProgressBar {
  private readonly start = performance.now();
  private lastPlain = 0;
  private done = 0;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly tty: boolean;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? platform.stderr;
    this.tty = !!this.stream.isTTY && !platform.env('CI');
  }

  /** Marks `n` more units done and shows the metrics. */
  tick(n = 1, metrics: Record<string, number | string | undefined> = {}): void {
    this.done += n;
    if (this.opts.silent) return;
    const now = performance.now();
    const elapsed = (now - this.start) / 1000;
    const rate = this.done / Math.max(elapsed, 1e-9);
    const eta = (this.opts.total - this.done) / rate;
    const frac = this.opts.total > 0 ? Math.min(1, this.done / this.opts.total) : 1;
    const label = this.opts.label ? `${this.opts.label} ` : '';
    const m = formatMetrics(metrics);
    if (this.tty) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 100) - 70));
      const filled = Math.round(frac * width);
      const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? '>' : '') + ' '.repeat(width - filled);
      const line = `${label}[${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ${this.done}/${this.opts.total} ETA ${formatDuration(eta)}  ${m}`;
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 200) - 1)}\x1b[K`);
    } else if (now - this.lastPlain >= (this.opts.plainEveryMs ?? 5000) || this.done >= this.opts.total) {
      this.lastPlain = now;
      this.stream.write(`${label}${this.done}/${this.opts.total} (${Math.round(frac * 100)}%) elapsed ${formatDuration(elapsed)} ETA ${formatDuration(eta)}  ${m}\n`);
    }
  }

  /** Ends the bar with a summary line. */
  finish(summary: string): void {
    if (this.opts.silent) return;
    if (this.tty) this.stream.write(`\r\x1b[K`);
    this.stream.write(`${summary}\n`);
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
