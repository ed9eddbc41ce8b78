/**
 * Machine check (WORKLOADS.md): does a second worker really get twice the work done? Times a
 * fixed scalar-JS loop on one worker, then on two workers at once; speed-up = 2 t1 / t2 (2.0 when
 * the second vCPU is really available). Also records the load average.
 */
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';

const WORK = `
const { parentPort } = require('node:worker_threads');
function spin(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + Math.imul(i, 0x9e3779b1)) | 0;
  return s;
}
// many short calls first, so that spin itself (not only its loop, on-stack) is optimised before
// any timed call: every timed call then runs the same code in either worker
let w = 0;
for (let k = 0; k < 2000; k++) w ^= spin(20000);
parentPort.on('message', (n) => {
  const t0 = performance.now();
  const s = spin(n);
  parentPort.postMessage({ ms: performance.now() - t0, s: s ^ w });
});`;

function runOn(workers: Worker[], n: number): Promise<number> {
  const t0 = performance.now();
  return Promise.all(workers.map((w) => new Promise<void>((res) => { w.once('message', () => res()); w.postMessage(n); }))).then(() => performance.now() - t0);
}

export interface ProbeResult {
  speedup2: number;
  oneWorkerMs: number;
  twoWorkersMs: number;
  loadavg: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export async function probeParallelism(n = 60_000_000): Promise<ProbeResult> {
  const ws = [new Worker(WORK, { eval: true }), new Worker(WORK, { eval: true })];
  try {
    // warm-up (with the workers' own start-up calls): the loop runs optimised in both workers
    // alike; with one warm-up call a worker timed later could still run it unoptimised, 5-10x
    // slower, and the probe read 0.2 on an idle machine
    for (let k = 0; k < 3; k++) await runOn(ws, n / 10);
    // the same loop alone on one worker takes 60-100 ms from one trial to the next on a quiet VM:
    // medians over interleaved rounds (each worker alone, then both at once), so the ratio
    // compares like with like
    const alone: number[] = [];
    const both: number[] = [];
    for (let r = 0; r < 5; r++) {
      alone.push(await runOn([ws[0]!], n), await runOn([ws[1]!], n));
      both.push(await runOn(ws, n));
    }
    const t1 = median(alone);
    const t2 = median(both);
    return { speedup2: (2 * t1) / t2, oneWorkerMs: t1, twoWorkersMs: t2, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    for (const w of ws) await w.terminate();
  }
}
