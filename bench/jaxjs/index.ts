/**
 * The jax-js cells (npm `@jax-js/jax`, its wasm device): W1 `np.matmul(a, b)` read out with
 * `dataSync()`; W2 the MLP epoch with the whole training step (forward, `valueAndGrad`, Adam)
 * in one `jit`, as jax-js's authors write a training loop; W5 the batch-1 forward + softmax,
 * eager ("raw ops") and jitted. Platform-neutral: the same functions run in a Node cell and in
 * the Chromium page (bench/browser). A benchmark-only peer installed on demand into
 * bench/node_modules, so the repository's typecheck does not follow this folder
 * (bench/tsconfig.peers.json checks it once the peers are installed).
 *
 * jax-js owns its arrays by reference counting: every function consumes its arguments, `.ref`
 * keeps one for a second use. Threads: jax-js starts a pool of Web Workers when
 * SharedArrayBuffer and a global `Worker` exist (a cross-origin-isolated page; never in Node,
 * which has no global `Worker`), with `navigator.hardwareConcurrency` workers.
 */
import { blockUntilReady, defaultDevice, init, jit, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import type { Array as JArray } from '@jax-js/jax';
import { maxErr, plan, randomMatrix, timeGemm, W1_SIZES } from '../lib/gemmplan.js';
import { runEpochLoop } from '../lib/epochs.js';
import { timedRoundsSync } from '../lib/rounds.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { batchesOf, gatherBatch, type Fashion } from '../web/fashion.js';
import { mlpWeights, type MlpWeights } from '../web/weights.js';

export async function prepareJaxjs(): Promise<string[]> {
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: the wasm device did not initialise (devices: ${devices.join(', ') || 'none'})`);
  defaultDevice('wasm');
  return devices;
}

/** How many workers jax-js's wasm pool uses here: 1 (no pool) unless SharedArrayBuffer and Worker exist. */
export function jaxjsThreads(): number {
  const g = globalThis as { SharedArrayBuffer?: unknown; Worker?: unknown; navigator?: { hardwareConcurrency?: number } };
  if (g.SharedArrayBuffer === undefined || g.Worker === undefined) return 1;
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 4);
}

const arr = (a: Float32Array, shape: number[]): JArray => np.array(a as Float32Array<ArrayBuffer>, { shape });

export async function jaxW1(spec: CellSpec): Promise<CellResult[]> {
  const out: CellResult[] = [];
  for (const n of spec.sizes ?? W1_SIZES) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = arr(a, [n, n]);
    const B = arr(b, [n, n]);
    let c: ArrayLike<number> = new Float32Array(0);
    const call = (): void => {
      c = np.matmul(A.ref, B.ref).dataSync() as Float32Array;
    };
    const p = plan(n, true);
    const r = await timeGemm(n, call, { warmup: spec.quick ? 1 : p.warmup, reps: spec.quick ? 3 : p.reps, capS: spec.quick ? 1 : Math.min(25, spec.budgetS) });
    out.push({
      workload: 'W1', lib: 'jaxjs', backend: 'wasm', threads: jaxjsThreads(), case: `n=${n}`, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true,
      ...r.gflops, method: 'reps', cpuPar: r.cpuPar, maxErr: maxErr(a, b, c, n),
    });
    A.dispose();
    B.dispose();
  }
  return out;
}

type Params = { w1: JArray; b1: JArray; w2: JArray; b2: JArray; w3: JArray; b3: JArray };
const KEYS = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;

/** The W2 MLP's weights as jax-js arrays, laid out [in, out] (x @ w + b). */
export function jaxParams(w: MlpWeights): Params {
  const t = (m: Float32Array, rows: number, cols: number): JArray => {
    // MlpWeights are [out, in] (PyTorch / nabla layout); jax-js multiplies x @ w with w [in, out]
    const o = new Float32Array(m.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) o[j * rows + i] = m[i * cols + j]!;
    return arr(o, [cols, rows]);
  };
  return {
    w1: t(w.w1, 256, 784), b1: arr(w.b1, [256]),
    w2: t(w.w2, 128, 256), b2: arr(w.b2, [128]),
    w3: t(w.w3, 10, 128), b3: arr(w.b3, [10]),
  };
}

function logits(p: Params, x: JArray): JArray {
  const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
  return np.matmul(h2, p.w3).add(p.b3);
}

/** mean softmax cross-entropy of the batch (y one-hot) */
function loss(p: Params, x: JArray, y: JArray): JArray {
  const n = x.shape[0]!;
  return nn.logSoftmax(logits(p, x), -1).mul(y).sum().mul(-1 / n);
}

/**
 * One Adam step (PyTorch's form: p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)) with the loss and
 * its gradient, all inside one jit; bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come in as scalars.
 */
export const adamStep = jit((p: Params, m: Params, v: Params, x: JArray, y: JArray, bc1: JArray, bc2: JArray): [Params, Params, Params, JArray] => {
  const [l, g] = valueAndGrad(loss)(refs(p), x, y);
  const p2 = {} as Params;
  const m2 = {} as Params;
  const v2 = {} as Params;
  for (const k of KEYS) {
    const gk = g[k];
    const mk = m[k].mul(0.9).add(gk.ref.mul(0.1));
    const vk = v[k].mul(0.999).add(gk.ref.mul(gk).mul(0.001));
    const denom = np.sqrt(vk.ref.div(bc2.ref)).add(1e-8);
    p2[k] = p[k].sub(mk.ref.div(bc1.ref).mul(1e-3).div(denom));
    m2[k] = mk;
    v2[k] = vk;
  }
  bc1.dispose();
  bc2.dispose();
  return [p2, m2, v2, l];
});

/** a second reference to every parameter (jax-js functions consume their arguments) */
const refs = (p: Params): Params => Object.fromEntries(KEYS.map((k) => [k, p[k].ref])) as Params;

const zerosLike = (p: Params): Params => Object.fromEntries(KEYS.map((k) => [k, np.zeros(p[k].shape)])) as Params;

/** W2 trainer: `steps` Adam steps over the batches given; returns the loss after each (for the parity test). */
export function jaxTrainer(w: MlpWeights): { step(x: Float32Array, y: Int32Array, n: number): JArray; params(): Params } {
  let p = jaxParams(w);
  let m = zerosLike(p);
  let v = zerosLike(p);
  let t = 0;
  return {
    step(x, y, n) {
      t++;
      const oh = new Float32Array(n * 10);
      for (let i = 0; i < n; i++) oh[i * 10 + y[i]!] = 1;
      const [p2, m2, v2, l] = adamStep(p, m, v, arr(x.subarray(0, n * 784), [n, 784]), arr(oh, [n, 10]), np.array(1 - 0.9 ** t), np.array(1 - 0.999 ** t));
      p = p2;
      m = m2;
      v = v2;
      return l;
    },
    params: () => p,
  };
}

/** W2 epoch (or time-bounded windows) with the jitted step; the loss is read at each window's end. */
export async function jaxW2(spec: CellSpec, train: Fashion, test?: Fashion): Promise<CellResult[]> {
  const tr = jaxTrainer(mlpWeights(0));
  const xb = new Float32Array(64 * 784);
  const yb = new Int32Array(64);
  let last: JArray | null = null;
  let batches = 0;
  const accs: number[] = [];
  const r = await runEpochLoop<Int32Array>({
    epoch: (e) => batchesOf(train.n, e, 64),
    size: (b) => b.length,
    step: async (b) => {
      gatherBatch(train, b, xb, yb);
      last?.dispose();
      last = tr.step(xb, yb, b.length);
      // the loss of every 100th step is read (its value depends on the whole chain of steps)
      if (++batches % 100 === 0) await last.ref.data();
    },
    afterEpoch: async () => {
      if (last) await last.ref.data();
      if (test) accs.push(jaxAccuracy(tr.params(), test));
    },
    samplesPerEpoch: train.n,
    maxEpochs: 1,
    budgetS: spec.budgetS,
    maxEpochS: spec.quick ? 0 : spec.maxEpochS ?? spec.budgetS,
    windowBudgetS: spec.budgetS,
    windowBatches: spec.quick ? 20 : 100,
  });
  const res: CellResult = {
    workload: 'W2', lib: 'jaxjs', backend: 'wasm', threads: jaxjsThreads(), case: 'epoch', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
    ...r.rate, method: r.method, cpuPar: r.cpuPar, epochS: r.epochS, epochs: r.epochs, note: 'whole step (forward, valueAndGrad, Adam) in one jit',
  };
  if (accs.length > 0) res.acc = accs[0]!;
  return [res];
}

function jaxAccuracy(p: Params, test: Fashion): number {
  let correct = 0;
  for (let s = 0; s < test.n; s += 1000) {
    const e = Math.min(test.n, s + 1000);
    const pred = np.argmax(logits(refs(p), arr(test.x.subarray(s * 784, e * 784), [e - s, 784])), -1).dataSync();
    for (let i = 0; i < e - s; i++) if (pred[i] === test.y[s + i]) correct++;
  }
  return correct / test.n;
}

/** W5: batch-1 forward + softmax, the 10 outputs read with dataSync(); eager ('raw ops') and jitted ('jit'). */
export async function jaxW5(spec: CellSpec): Promise<CellResult[]> {
  const p = jaxParams(mlpWeights(0));
  const xData = randomMatrix(28, 5).subarray(0, 784);
  const x = arr(xData, [1, 784]);
  const fwd = (q: Params, xx: JArray): JArray => nn.softmax(logits(q, xx), -1);
  const jitted = jit(fwd);
  const o = spec.quick ? { warmup: 200, rounds: 5, calls: 200 } : { warmup: 500, rounds: 9, calls: 2000 };
  const out: CellResult[] = [];
  let sink = 0;
  for (const [kase, f] of [['raw ops', fwd], ['jit', jitted]] as const) {
    const r = timedRoundsSync(() => {
      sink += (f(refs(p), x.ref).dataSync() as Float32Array)[0]!;
    }, o);
    out.push({
      workload: 'W5', lib: 'jaxjs', backend: 'wasm', threads: jaxjsThreads(), case: kase, metric: 'us/call', unit: 'us', higherIsBetter: false,
      ...r.us, method: 'reps', cpuPar: r.cpuPar,
    });
  }
  if (Number.isNaN(sink)) throw new Error('jax-js W5: NaN output');
  await blockUntilReady(p);
  return out;
}

/** The forward of the W2 MLP on given weights (for the parity test). */
export function jaxForward(w: MlpWeights, x: Float32Array, n: number): Float32Array {
  return logits(jaxParams(w), arr(x, [n, 784])).dataSync() as Float32Array;
}
