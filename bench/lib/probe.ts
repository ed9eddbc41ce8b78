/**
 * Machine check (WORKLOADS.md): does a second worker really get twice the work done? Times a
 * fixed scalar-JS loop on one worker, then on two workers at once; speed-up = 2 t1 / t2 (2.0 when
 * the second vCPU is really available). Also records the load average, and the round trip of a
 * value between two threads through shared memory (what every hand-off between the wasm or
 * native kernels' threads pays at least: about 100 ns between cores that share a cache, 300 ns
 * and more between vCPUs on different dies).
 */
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { summarise } from './measure.js';

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

// Two workers pass a counter back and forth through a SharedArrayBuffer, spinning on it, for at
// most `rounds` round trips or `ms` milliseconds (a descheduled worker makes each trip a time
// slice: the budget keeps the check short on a loaded machine); -1 tells the second to stop.
const PINGPONG = `
const { parentPort, workerData } = require('node:worker_threads');
const { flag, first, rounds, ms } = workerData;
const f = new Int32Array(flag);
if (first) {
  let i = 0, t0 = 0, t1 = 0;
  for (; i < rounds; i++) {
    if (i === 100) t0 = performance.now();
    Atomics.store(f, 0, 2 * i + 1);
    while (Atomics.load(f, 0) !== 2 * i + 2);
    if ((i & 1023) === 1023 && i > 100 && performance.now() - t0 > ms) { i++; break; }
  }
  t1 = performance.now();
  Atomics.store(f, 0, -1);
  parentPort.postMessage(i > 100 ? ((t1 - t0) * 1e6) / (i - 100) : NaN);
} else {
  for (let i = 0; ; i++) {
    let v;
    while ((v = Atomics.load(f, 0)) !== 2 * i + 1 && v !== -1);
    if (v === -1) break;
    Atomics.store(f, 0, 2 * i + 2);
  }
  parentPort.postMessage(0);
}`;

/** Nanoseconds for a value to go from one thread to another and back (median of 3 runs). */
async function roundTripNs(rounds = 200_000, ms = 100): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const flag = new SharedArrayBuffer(64);
    const ws = [true, false].map((first) => new Worker(PINGPONG, { eval: true, workerData: { flag, first, rounds, ms } }));
    try {
      const [ns] = await Promise.all(ws.map((w) => new Promise<number>((res, rej) => { w.once('message', res); w.once('error', rej); })));
      runs.push(ns!);
    } finally {
      for (const w of ws) await w.terminate();
    }
  }
  return summarise(runs).median;
}

export interface ProbeResult {
  /** round trip between two threads through shared memory, ns */
  roundTripNs: number;
  speedup2: number;
  oneWorkerMs: number;
  twoWorkersMs: number;
  loadavg: number[];
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
    const t1 = summarise(alone).median;
    const t2 = summarise(both).median;
    return { roundTripNs: await roundTripNs(), speedup2: (2 * t1) / t2, oneWorkerMs: t1, twoWorkersMs: t2, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    for (const w of ws) await w.terminate();
  }
}
