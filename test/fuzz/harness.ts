/**
 * Runs fuzz cases in worker threads with a time bound on each call of the reader under test. A
 * worker whose reader does not return in time is terminated (a hang), one that dies or exceeds
 * its memory limit is a crash; either way a fresh worker continues with the next case. Returns
 * the counts and the bad outcomes.
 */
import { Worker } from 'node:worker_threads';
import type { Format, Kind, Outcome } from './cases.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** first case index (default 0) */
  start?: number;
  /** time bound of one reader call in ms (default 5000) */
  timeoutMs?: number;
  /** parallel workers (default 1) */
  workers?: number;
  /** heap limit per worker in MB (default 1024): more is counted as a crash */
  memoryMb?: number;
  formats?: Format[];
  onProgress?: (done: number, counts: FuzzCounts) => void;
  /** called with each bad outcome as it happens */
  onBad?: (bad: BadOutcome) => void;
}

export interface FuzzCounts {
  cases: number;
  accepted: number;
  rejected: number;
  /** rejected though the reference reader accepts (nabla is stricter there: not a failure) */
  stricter: number;
  crashes: number;
  hangs: number;
  wrongErrors: number;
  wrongData: number;
  /** cases whose mutation or reference check (not the reader) outran the setup bound: not failures, but listed */
  fuzzerTimeouts: number;
  /** the slowest reader call in ms */
  slowestMs: number;
  byFormat: Record<string, { accepted: number; rejected: number }>;
}

export interface BadOutcome {
  kind: 'crash' | 'hang' | Exclude<Kind, 'accepted' | 'rejected'>;
  index: number;
  detail: string;
  log?: string[];
  format?: string;
  seedName?: string;
}

export interface FuzzResult {
  counts: FuzzCounts;
  bad: BadOutcome[];
  /** a few rejections of files the reference accepts, to review */
  stricterExamples: Outcome[];
}

// Workers do not inherit tsx's module hooks, so each registers them before importing worker.ts.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;

export function totalBad(c: FuzzCounts): number {
  return c.crashes + c.hangs + c.wrongErrors + c.wrongData;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const start = opts.start ?? 0;
  const end = start + opts.cases;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const counts: FuzzCounts = { cases: 0, accepted: 0, rejected: 0, stricter: 0, crashes: 0, hangs: 0, wrongErrors: 0, wrongData: 0, fuzzerTimeouts: 0, slowestMs: 0, byFormat: {} };
  const badList: BadOutcome[] = [];
  const bad = {
    push(b: BadOutcome): void {
      badList.push(b);
      opts.onBad?.(b);
    },
  };
  const stricterExamples: Outcome[] = [];
  let next = start;

  const record = (o: Outcome): void => {
    counts.cases++;
    counts.slowestMs = Math.max(counts.slowestMs, o.ms);
    const f = (counts.byFormat[o.format] ??= { accepted: 0, rejected: 0 });
    if (o.kind === 'accepted') {
      counts.accepted++;
      f.accepted++;
    } else if (o.kind === 'rejected') {
      counts.rejected++;
      f.rejected++;
      if (o.stricter) {
        counts.stricter++;
        if (stricterExamples.length < 20) stricterExamples.push(o);
      }
    } else {
      if (o.kind === 'wrongError') counts.wrongErrors++;
      else counts.wrongData++;
      bad.push({ kind: o.kind, index: o.index, detail: o.detail ?? '', log: o.log, format: o.format, seedName: o.seedName });
    }
    if (counts.cases % 1000 === 0) opts.onProgress?.(counts.cases, counts);
  };

  // Outside the reader (building the mutated file, the reference readers) a case may take longer
  // under load; only a reader that does not return within timeoutMs is a hang.
  const setupMs = Math.max(60_000, timeoutMs);
  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      let worker: Worker;
      let current = -1;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, inReader: boolean): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          counts.cases++;
          if (inReader) {
            counts.hangs++;
            bad.push({ kind: 'hang', index: current, detail: `the reader did not return within ${timeoutMs} ms` });
          } else counts.fuzzerTimeouts++;
          current = -1;
          worker.removeAllListeners();
          void worker.terminate().then(spawn);
        }, ms);
      };
      const send = (): void => {
        if (next >= end) {
          current = -1;
          void worker.terminate();
          resolve();
          return;
        }
        current = next++;
        arm(setupMs, false);
        worker.postMessage(current);
      };
      const spawn = (): void => {
        worker = new Worker(BOOT, {
          eval: true,
          workerData: { seed: opts.seed, formats: opts.formats },
          resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb ?? 1024 },
          stdout: false,
          stderr: false,
        });
        worker.on('message', (m: Outcome | 'ready' | 'start' | 'parsed') => {
          if (m === 'start') arm(timeoutMs, true);
          else if (m === 'parsed') arm(setupMs, false);
          else {
            clearTimeout(timer);
            if (m !== 'ready') record(m);
            send();
          }
        });
        const died = (why: string): void => {
          clearTimeout(timer);
          worker.removeAllListeners();
          if (current >= 0) {
            counts.cases++;
            counts.crashes++;
            bad.push({ kind: 'crash', index: current, detail: why });
            current = -1;
          }
          if (next < end) spawn();
          else resolve();
        };
        worker.on('error', (e) => died(`${e.name}: ${e.message}`));
        worker.on('exit', (code) => died(`worker exited with code ${code}`));
      };
      spawn();
    });

  await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, lane));
  return { counts, bad: badList, stricterExamples };
}

export function formatCounts(c: FuzzCounts): string {
  const per = Object.entries(c.byFormat)
    .map(([f, v]) => `${f} ${v.accepted}/${v.rejected}`)
    .join(', ');
  return (
    `${c.cases} cases: ${c.accepted} accepted, ${c.rejected} rejected (${c.stricter} stricter than the reference) [accepted/rejected: ${per}]\n` +
    `crashes ${c.crashes}, hangs ${c.hangs}, non-FileFormatError throws ${c.wrongErrors}, silently wrong data ${c.wrongData}; slowest reader call ${c.slowestMs.toFixed(0)} ms` +
    (c.fuzzerTimeouts > 0 ? `; ${c.fuzzerTimeouts} cases whose mutation or reference check timed out` : '')
  );
}
