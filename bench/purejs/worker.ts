/**
 * A worker of the "blocked, 2 workers" pure-JS GEMM peer (bench/purejs/gemm.ts): receives A, B,
 * C as SharedArrayBuffers once per size, then for every 'run' message computes its rows of C
 * with the blocked (best) kernel and answers 'done'.
 */
import { parentPort } from 'node:worker_threads';
import { blockedBest } from './kernels.js';

interface Setup { cmd: 'setup'; n: number; a: SharedArrayBuffer; b: SharedArrayBuffer; c: SharedArrayBuffer; r0: number; r1: number }
type Msg = Setup | { cmd: 'run' };

let s: { n: number; a: Float32Array; b: Float32Array; c: Float32Array; r0: number; r1: number } | null = null;

parentPort!.on('message', (m: Msg) => {
  if (m.cmd === 'setup') {
    s = { n: m.n, a: new Float32Array(m.a), b: new Float32Array(m.b), c: new Float32Array(m.c), r0: m.r0, r1: m.r1 };
    parentPort!.postMessage('ready');
  } else {
    blockedBest(s!.a, s!.b, s!.c, s!.n, s!.r0, s!.r1);
    parentPort!.postMessage('done');
  }
});
