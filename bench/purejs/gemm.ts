/**
 * W1's pure-JS GEMM peers (WORKLOADS.md) as one bench cell: `spec.backend` names the kernel of
 * bench/purejs/kernels.ts ('naive' | 'blocked simple' | 'blocked best'); `spec.threads` 2 runs
 * 'blocked best' on two worker_threads, each computing one half of the rows of C, with A, B and C
 * in SharedArrayBuffers (the timed call = posting 'run' to both workers and awaiting both
 * answers, i.e. the two postMessage round trips). Sizes run in increasing order in one process,
 * so n = 2048 (0 warm-up + 3 reps) is JIT-warm from the smaller sizes. The naive kernel computes
 * only rows 0..127 at n = 2048 (GFLOP/s = 2·128·n²/t). Correctness: max |C - C_f64| on 4 rows.
 */
import { Worker } from 'node:worker_threads';
import { W1_SIZES, maxErr, plan, randomMatrix, timeGemm } from '../lib/gemmplan.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { KERNELS } from './kernels.js';

/** Rows of C the naive kernel computes at size n (WORKLOADS: rows 0..127 at n = 2048). */
export function naiveRows(n: number): number {
  return n >= 2048 ? 128 : n;
}

/** Two workers running bench/purejs/worker.ts (loaded through tsx's loader, as this process is). */
class WorkerPair {
  private readonly ws: Worker[];

  constructor() {
    const api = import.meta.resolve('tsx/esm/api');
    const url = new URL('./worker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    this.ws = [new Worker(boot, { eval: true }), new Worker(boot, { eval: true })];
  }

  private send(msgs: unknown[]): Promise<void> {
    return Promise.all(this.ws.map((w, i) => new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      w.once('error', onError);
      w.once('message', () => { w.off('error', onError); resolve(); });
      w.postMessage(msgs[i]);
    }))).then(() => undefined);
  }

  /** Shares A, B, C with the workers; worker 0 gets rows [0, n/2), worker 1 [n/2, n). */
  setup(n: number, a: SharedArrayBuffer, b: SharedArrayBuffer, c: SharedArrayBuffer): Promise<void> {
    const h = n >> 1;
    return this.send([{ cmd: 'setup', n, a, b, c, r0: 0, r1: h }, { cmd: 'setup', n, a, b, c, r0: h, r1: n }]);
  }

  run(): Promise<void> {
    return this.send([{ cmd: 'run' }, { cmd: 'run' }]);
  }

  async close(): Promise<void> {
    for (const w of this.ws) await w.terminate();
  }
}

function shared(src: Float32Array): Float32Array<SharedArrayBuffer> {
  const s = new Float32Array(new SharedArrayBuffer(src.length * 4));
  s.set(src);
  return s;
}

export async function runPureJs(spec: CellSpec): Promise<CellResult[]> {
  const kernel = KERNELS[spec.backend];
  if (!kernel) throw new Error(`bench/purejs: unknown kernel '${spec.backend}' (use ${Object.keys(KERNELS).join(', ')})`);
  const twoWorkers = spec.threads === 2;
  if (twoWorkers && spec.backend !== 'blocked best') throw new Error(`bench/purejs: 2 workers run 'blocked best' only, not '${spec.backend}'`);
  const pair = twoWorkers ? new WorkerPair() : null;
  const out: CellResult[] = [];
  try {
    for (const n of spec.sizes ?? W1_SIZES) {
      const rows = spec.backend === 'naive' ? naiveRows(n) : n;
      let a: Float32Array<ArrayBufferLike> = randomMatrix(n, 1);
      let b: Float32Array<ArrayBufferLike> = randomMatrix(n, 2);
      let c: Float32Array<ArrayBufferLike> = new Float32Array(n * n);
      let call: () => void | Promise<void>;
      if (pair) {
        const sa = shared(a);
        const sb = shared(b);
        const sc = shared(c);
        await pair.setup(n, sa.buffer, sb.buffer, sc.buffer);
        [a, b, c] = [sa, sb, sc];
        call = () => pair.run();
      } else {
        call = () => kernel(a, b, c, n, 0, rows);
      }
      const p = plan(n, true);
      const r = await timeGemm(n, call, {
        warmup: spec.quick ? Math.min(1, p.warmup) : p.warmup,
        reps: spec.quick ? 3 : p.reps,
        capS: spec.quick ? 1 : 25,
        flops: 2 * rows * n * n,
      });
      out.push({
        workload: 'W1', lib: 'purejs', backend: spec.backend, threads: spec.threads, case: `n=${n}`,
        metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true, ...r.gflops, method: 'reps', cpuPar: r.cpuPar,
        maxErr: maxErr(a, b, c, n, rows),
        ...(rows !== n ? { note: `rows 0..${rows - 1} only` } : twoWorkers ? { note: '2 worker_threads, SharedArrayBuffer' } : {}),
      });
    }
  } finally {
    await pair?.close();
  }
  return out;
}
