/**
 * Machine check (WORKLOADS.md): does a second worker really get twice the work done? Times a
 * fixed scalar-JS loop on one worker, then on two workers at once; speed-up = 2 t1 / t2 (2.0 when
 * the second vCPU is really available). Also records the load average.
 */
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';

const WORK = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => {
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + Math.imul(i, 2654435761)) | 0;
  parentPort.postMessage({ ms: performance.now() - t0, s });
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

export async function probeParallelism(n = 150_000_000): Promise<ProbeResult> {
  const ws = [new Worker(WORK, { eval: true }), new Worker(WORK, { eval: true })];
  try {
    await runOn(ws, n / 10); // warm-up / JIT
    // best of two trials each: a trial disturbed by another process would skew the ratio
    const t1 = Math.min(await runOn([ws[0]!], n), await runOn([ws[0]!], n));
    const t2 = Math.min(await runOn(ws, n), await runOn(ws, n));
    return { speedup2: (2 * t1) / t2, oneWorkerMs: t1, twoWorkersMs: t2, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    for (const w of ws) await w.terminate();
  }
}
