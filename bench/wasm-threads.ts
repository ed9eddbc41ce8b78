/**
 * The WebAssembly backend on two threads against one, side by side in one process (interleaved
 * rounds, medians of each, the ratio of the medians), for the README's wasm section:
 *
 *   W1  C = A B, n x n float32 (n = 1024): GFLOP/s through the backend (copies included)
 *   W2  training steps of the W2 MLP (784-256-128-10, Adam, batch 64, random data): samples/s
 *
 *   W1 phases: per call, the copies in (commit) and out (finish) and the export itself (the
 *       kernel: packing, the product, the waits), timed inside the calls
 *
 *   npx tsx bench/wasm-threads.ts [--n 1024] [--rounds 7] [--steps 40]
 * The threads come from wasm/nabla-threads.wasm with workers (nb.setWasmThreads); on a shared
 * machine only the ratios measured here side by side mean anything.
 */
import * as nb from '../src/index.js';
import { mlp } from './nabla/classify.js';
import { summarise } from './lib/measure.js';
import { wasmRuntime } from '../src/backend/wasm/runtime.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const N = arg('--n', 1024);
const ROUNDS = arg('--rounds', 7);
const STEPS = arg('--steps', 40);
if (!nb.availableBackends().includes('wasm')) throw new Error('bench/wasm-threads.ts: the wasm backend did not load');
nb.setBackend('wasm');
if (nb.setWasmThreads(2) !== 2) throw new Error(`bench/wasm-threads.ts: no second thread (${nb.wasmThreadsError() ?? 'unknown'})`);
const info = nb.wasmInfo()!;
process.stdout.write(`wasm kernels: ${info.isa}, threaded module, 1 vs 2 threads, ${ROUNDS} interleaved rounds\n`);

const med = (xs: number[]): number => summarise(xs).median;
function timed(fn: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

// W1
nb.manualSeed(1);
const a = nb.randn([N, N]), b = nb.randn([N, N]);
const flops = 2 * N * N * N;
// W2: one model per thread count (same seed), the same batches
nb.manualSeed(2);
const xs = nb.randn([64, 784]), ys = nb.randint(0, 10, [64]);
function trainer(): () => void {
  nb.manualSeed(3);
  const model = mlp();
  const opt = new nb.optim.Adam(model.parameters(), { lr: 1e-3 });
  return () => {
    opt.zeroGrad();
    nb.nn.functional.crossEntropy(model.forward(xs), ys).backward();
    opt.step();
  };
}
const steps = { 1: trainer(), 2: trainer() } as Record<number, () => void>;

const gemm: Record<number, number[]> = { 1: [], 2: [] };
const w2: Record<number, number[]> = { 1: [], 2: [] };
for (const t of [1, 2]) {
  nb.setWasmThreads(t);
  nb.matmul(a, b);
  for (let i = 0; i < 5; i++) steps[t]!();
}
for (let r = 0; r < ROUNDS; r++) {
  for (const t of r % 2 ? [2, 1] : [1, 2]) {
    nb.setWasmThreads(t);
    gemm[t]!.push(flops / timed(() => nb.matmul(a, b), 2) / 1e6);
    w2[t]!.push((64 * 1000) / timed(steps[t]!, STEPS));
  }
}
const line = (what: string, unit: string, rows: Record<number, number[]>) => {
  const one = med(rows[1]!), two = med(rows[2]!);
  process.stdout.write(`${what}: 1 thread ${one.toFixed(1)} ${unit}, 2 threads ${two.toFixed(1)} ${unit}, 2T/1T ${(two / one).toFixed(2)}x\n`);
};
line(`W1 GEMM n=${N}`, 'GFLOP/s', gemm);
line('W2 MLP train step, batch 64', 'samples/s', w2);

// W1 phases: the runtime's copy in (commit) and out (finish) timed inside the calls; the rest of
// the call is the export (and the JavaScript glue around it, a few microseconds)
const rt = wasmRuntime()!;
const proto = Object.getPrototypeOf(rt) as { commit(): void; finish(): void };
const commit = proto.commit, finish = proto.finish;
const phase = { in: 0, out: 0 };
proto.commit = function (this: unknown) { const t = performance.now(); commit.call(this); phase.in += performance.now() - t; };
proto.finish = function (this: unknown) { const t = performance.now(); finish.call(this); phase.out += performance.now() - t; };
const phases: Record<number, { in: number[]; out: number[]; total: number[] }> = { 1: { in: [], out: [], total: [] }, 2: { in: [], out: [], total: [] } };
for (let r = 0; r < ROUNDS; r++) {
  for (const t of r % 2 ? [2, 1] : [1, 2]) {
    nb.setWasmThreads(t);
    nb.matmul(a, b);
    phase.in = phase.out = 0;
    const ms = timed(() => nb.matmul(a, b), 2);
    phases[t]!.in.push(phase.in / 2);
    phases[t]!.out.push(phase.out / 2);
    phases[t]!.total.push(ms);
  }
}
proto.commit = commit;
proto.finish = finish;
for (const t of [1, 2]) {
  const p = phases[t]!;
  const total = med(p.total), cin = med(p.in), cout = med(p.out);
  process.stdout.write(`W1 phases, ${t} thread${t > 1 ? 's' : ''}: ${total.toFixed(2)} ms per call = copies in ${cin.toFixed(2)} + export ${(total - cin - cout).toFixed(2)} + copies out ${cout.toFixed(2)} ms\n`);
}
const e1 = med(phases[1]!.total) - med(phases[1]!.in) - med(phases[1]!.out);
const e2 = med(phases[2]!.total) - med(phases[2]!.in) - med(phases[2]!.out);
process.stdout.write(`W1 export alone 2T/1T ${(e1 / e2).toFixed(2)}x\n`);
