/**
 * Where a nabla workload's time goes: runs W2 / W3 / W4 / W5 / W6 steps on one backend and reports
 * (1) the split of a step into phases (batch gather, forward + loss, backward, optimizer step)
 * and (2) wall time per backend kernel call, keyed by kernel and shape (e.g. gemm m x n x k with
 * the transposes), by wrapping the backend's kernels with timers. Everything outside kernels
 * (op dispatch, shape logic, allocation, GC) shows up as the phase time not covered by kernels.
 *
 *   npx tsx bench/profile.ts w2 [--backend native|wasm|ts] [--threads 1] [--steps 200]
 *
 * For a JS-level profile instead: node --cpu-prof --import tsx bench/profile.ts w3 --steps 50
 * On a shared machine, `--clock cpu` times with the process's CPU time (process.cpuUsage) instead
 * of the wall clock, so time the OS gives to other processes is not counted (with more than one
 * thread it adds the threads' times).
 */
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { initBackends } from '../src/backend/init.js';
import { B } from '../src/backend/registry.js';
import { setNumThreads } from '../src/backend/native/index.js';
import type { Backend, Conv2dGeom, GemmArgs, Pool2dGeom } from '../src/backend/types.js';
import { cnn, mlp } from './nabla/classify.js';
import { loadCorpus } from './corpus.js';
import { W4, charBatches } from './lib/charbatches.js';
import { W6, gptBatches } from './lib/gptbatches.js';

type Phase = 'gather' | 'forward' | 'backward' | 'optimizer';

const kernelMs = new Map<string, { ms: number; calls: number; min: number }>();
const phaseMs = new Map<Phase, number>();
let inKernel = false;
/** milliseconds: wall clock, or the process's CPU time with `--clock cpu` */
let now = (): number => performance.now();
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function shapeKey(name: string, args: unknown[]): string {
  if (name === 'gemm') {
    const g = args[0] as GemmArgs;
    return `gemm ${g.batch > 1 ? `${g.batch}x ` : ''}${g.m}x${g.n}x${g.k}${g.transA ? ' tA' : ''}${g.transB ? ' tB' : ''}${g.beta ? ' +C' : ''}`;
  }
  if (name.startsWith('conv2d')) {
    const g = args[2] as Conv2dGeom;
    return `${name} N${g.n} ${g.cIn}->${g.cOut} ${g.h}x${g.w} k${g.kh}`;
  }
  if (name.startsWith('maxPool2d') || name.startsWith('avgPool2d')) {
    const g = (name.endsWith('Backward') ? args[2] : args[1]) as Pool2dGeom & { n?: number; c?: number };
    return `${name} ${JSON.stringify(g).slice(0, 40)}`;
  }
  if (name === 'unary' || name === 'binary') return `${name} ${String(args[0])} [${(name === 'unary' ? args[2] : args[3]) as number[]}]`;
  if (name === 'reduce' || name === 'argReduce') return `${name} ${String(args[0])} ${args[2]}x${args[3]}x${args[4]}`;
  if (name === 'softmax' || name === 'softmaxBackward') return `${name} ${args[name === 'softmax' ? 1 : 2]}x${args[name === 'softmax' ? 2 : 3]}`;
  if (name === 'adamStep') return `adamStep (${(args[0] as ArrayLike<number>).length})`;
  if (name === 'copy') return `copy [${args[1] as number[]}]`;
  return name;
}

/** Replaces every kernel of the current backend object by a timed wrapper (outermost call only). */
function instrument(b: Backend): void {
  const rec = b as unknown as Record<string, unknown>;
  for (const name of Object.keys(rec)) {
    const f = rec[name];
    if (typeof f !== 'function') continue;
    rec[name] = (...args: unknown[]): unknown => {
      if (inKernel) return (f as (...a: unknown[]) => unknown)(...args);
      inKernel = true;
      const t0 = now();
      try {
        return (f as (...a: unknown[]) => unknown)(...args);
      } finally {
        const dt = now() - t0;
        inKernel = false;
        const k = shapeKey(name, args);
        const e = kernelMs.get(k) ?? { ms: 0, calls: 0, min: Infinity };
        e.ms += dt;
        e.calls++;
        e.min = Math.min(e.min, dt);
        kernelMs.set(k, e);
      }
    };
  }
}

function phase<T>(p: Phase, f: () => T): T {
  const t0 = now();
  try {
    return f();
  } finally {
    phaseMs.set(p, (phaseMs.get(p) ?? 0) + now() - t0);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (k: string, d: string): string => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1]! : d;
  };
  const w = (argv.find((a) => /^w[2-6]$/i.test(a)) ?? 'w2').toUpperCase();
  const backend = opt('--backend', 'native');
  const threads = Number(opt('--threads', '1'));
  const steps = Number(opt('--steps', w === 'W5' ? '5000' : w === 'W6' ? '10' : '200'));
  const clock = opt('--clock', 'wall');
  if (clock !== 'wall' && clock !== 'cpu') throw new Error(`profile: --clock must be wall or cpu, got '${clock}'`);
  if (clock === 'cpu') now = cpuNow;
  initBackends();
  if (backend === 'wasm') {
    await nb.initWasm();
    nb.setWasmThreads(threads);
  }
  nb.setBackend(backend);
  if (backend === 'native') setNumThreads(threads);
  nb.manualSeed(0);
  let step: () => void;
  let units = 0;
  let unitName = 'samples';
  if (w === 'W2' || w === 'W3') {
    const { train } = nb.data.fashionMNIST({ shape: w === 'W3' ? 'image' : 'flat' });
    const model = w === 'W3' ? cnn() : mlp();
    const lossFn = new nb.nn.CrossEntropyLoss();
    const o = new nb.optim.Adam(model.parameters(), { lr: 1e-3, eps: 1e-8 });
    const loader = new nb.data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
    let it = loader[Symbol.iterator]();
    units = 64;
    step = () => {
      let r = phase('gather', () => it.next());
      if (r.done) {
        it = loader[Symbol.iterator]();
        r = phase('gather', () => it.next());
      }
      const [x, y] = r.value as Tensor[];
      const loss = phase('forward', () => lossFn.forward(model.forward(x!) as Tensor, y!));
      phase('backward', () => { o.zeroGrad(); loss.backward(); });
      phase('optimizer', () => o.step());
    };
  } else if (w === 'W4') {
    const { batch, seq, vocab, hidden } = W4;
    const pool = charBatches(loadCorpus().ids).map((b) => ({ x: nb.tensor(b.x, { shape: [batch, seq, vocab] }), y: nb.tensor(b.y, { shape: [batch * seq] }) }));
    const lstm = new nb.nn.LSTM(vocab, hidden, { batchFirst: true });
    const fc = new nb.nn.Linear(hidden, vocab);
    const lossFn = new nb.nn.CrossEntropyLoss();
    const o = new nb.optim.Adam([...lstm.parameters(), ...fc.parameters()], { lr: 1e-3, eps: 1e-8 });
    let i = 0;
    units = batch * seq;
    unitName = 'tokens';
    step = () => {
      const b = pool[i++ % pool.length]!;
      const loss = phase('forward', () => lossFn.forward(fc.forward(lstm.forward(b.x)[0]).reshape([batch * seq, vocab]), b.y));
      phase('backward', () => { o.zeroGrad(); loss.backward(); });
      phase('optimizer', () => o.step());
    };
  } else if (w === 'W6') {
    const { batch, seq, vocab, dModel, heads, layers, ff } = W6;
    const pool = gptBatches(loadCorpus().ids).map((b) => ({ x: nb.tensor(b.x, { shape: [batch, seq], dtype: 'int32' }), y: nb.tensor(b.y, { shape: [batch * seq], dtype: 'int32' }) }));
    const model = new nb.text.CharGPT({ vocabSize: vocab, contextSize: seq, dModel, numHeads: heads, numLayers: layers, dimFeedforward: ff });
    const lossFn = new nb.nn.CrossEntropyLoss();
    const o = new nb.optim.AdamW(model.parameters(), { lr: 3e-4, eps: 1e-8, weightDecay: 0.01 });
    let i = 0;
    units = batch * seq;
    unitName = 'tokens';
    step = () => {
      const b = pool[i++ % pool.length]!;
      const loss = phase('forward', () => lossFn.forward(model.forward(b.x).reshape([batch * seq, vocab]), b.y));
      phase('backward', () => { o.zeroGrad(); loss.backward(); });
      phase('optimizer', () => o.step());
    };
  } else {
    const model = mlp();
    model.eval();
    const x = nb.rand([1, 784]);
    units = 1;
    unitName = 'calls';
    step = () => phase('forward', () => nb.noGrad(() => (model.forward(x) as Tensor).softmax(1).data()));
  }
  for (let i = 0; i < Math.min(w === 'W6' ? 3 : 20, steps); i++) step(); // warm-up (not reported)
  phaseMs.clear();
  instrument(B());
  const t0 = now();
  for (let i = 0; i < steps; i++) step();
  const wall = now() - t0;
  const kTotal = [...kernelMs.values()].reduce((s, e) => s + e.ms, 0);
  const per = (ms: number): string => `${((ms / steps) * 1000).toFixed(0).padStart(8)} us/step`;
  console.log(`${w} on '${backend}'${backend === 'native' || backend === 'wasm' ? ` (${threads} thread${threads > 1 ? 's' : ''})` : ''}${clock === 'cpu' ? ', CPU time' : ''}: ${steps} steps, ${(wall / steps).toFixed(3)} ms/step, ${((units * steps * 1000) / wall).toFixed(0)} ${unitName}/s (timers add some overhead)`);
  console.log('\nphases:');
  for (const [p, ms] of phaseMs) console.log(`  ${p.padEnd(10)} ${per(ms)} ${((100 * ms) / wall).toFixed(1).padStart(5)} %`);
  console.log(`  kernels   ${per(kTotal)} ${((100 * kTotal) / wall).toFixed(1).padStart(5)} %  (the rest: dispatch, views, allocation, GC in JS)`);
  // min us/call: the fastest call of each kind, what a quiet machine gives (on a shared one the
  // mean includes the time the OS ran other processes); their sum per step, for comparing builds
  const minPerStep = [...kernelMs.values()].reduce((s, e) => s + (e.min * e.calls) / steps, 0);
  console.log(`\nkernels by time (sum of the fastest calls: ${(minPerStep * 1000).toFixed(0)} us/step):`);
  const rows = [...kernelMs.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(opt('--top', '25')));
  for (const [k, e] of rows) {
    console.log(`  ${((100 * e.ms) / wall).toFixed(1).padStart(5)} %  ${per(e.ms)}  ${(e.calls / steps).toFixed(1).padStart(6)} calls/step  ${((e.ms * 1000) / e.calls).toFixed(1).padStart(8)} us/call  min ${(e.min * 1000).toFixed(1).padStart(8)}  ${k}`);
  }
}

await main();
