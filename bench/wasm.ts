/**
 * Quick measurements of the WebAssembly backend beside native and ts, side by side in one process
 * (interleaved rounds, medians), for the README's wasm section:
 *
 *   GEMM   C = A B, n x n float32 (W1's operation): GFLOP/s on wasm, native (1 thread) and ts
 *   copies what the wasm backend's copies in and out cost: the same call with the arrays already
 *          in the module's memory (the export alone) against the backend's call (copies + export)
 *   W5     batch-1 forward of the W2 MLP + softmax, us per call, wasm and native (1 thread), and
 *          wasm without resident inputs (every call copies the weights in, as before they were kept)
 *   OPS    a.add(b) of 1-element tensors, us per op
 *
 *   npx tsx bench/wasm.ts [--n 1024] [--rounds 5] [--no-ts]
 * (the full workloads W2-W5 run per backend through bench/cell.ts: see the README's wasm section)
 */
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { backendByName } from '../src/backend/registry.js';
import { setNumThreads } from '../src/backend/native/index.js';
import { wasmRuntime } from '../src/backend/wasm/runtime.js';
import { mlp } from './nabla/classify.js';
import { summarise } from './lib/measure.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const N = arg('--n', 1024);
const ROUNDS = arg('--rounds', 5);
const withTs = !argv.includes('--no-ts');
const backends = nb.availableBackends();
if (!backends.includes('wasm')) throw new Error('bench/wasm.ts: the wasm backend did not load');
const hasNative = backends.includes('native');
if (hasNative) setNumThreads(1);
const info = nb.wasmInfo()!;
process.stdout.write(`wasm kernels: ${info.isa}, GEMM tile ${info.mr}x${info.nr}, blocks mc ${info.mc} kc ${info.kc} nc ${info.nc}, ${info.threads} thread\n`);

function time(fn: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}
const med = (xs: number[]): number => summarise(xs).median;

// ---- GEMM ----
const a = new Float32Array(N * N).map(() => Math.random() * 2 - 1);
const b = new Float32Array(N * N).map(() => Math.random() * 2 - 1);
const c = new Float32Array(N * N);
const args = {
  batch: 1, m: N, n: N, k: N, a, aOffset: 0, lda: N, transA: false, strideA: 0, b, bOffset: 0, ldb: N, transB: false, strideB: 0,
  c, cOffset: 0, ldc: N, strideC: 0, beta: 0 as const,
};
const flops = 2 * N * N * N;
const gemmOn = (name: string) => backendByName(name).gemm;
const rt = wasmRuntime()!;
// the export alone: A, B, C placed in the module's memory once (the arena stays where it is as long
// as no call needs a bigger one; the backend's calls below use the same size)
function exportOnly(): () => void {
  rt.begin();
  const sa = rt.add(a, 0, a.length, 1), sb = rt.add(b, 0, b.length, 1), sc = rt.add(c, 0, c.length, 3);
  rt.commit();
  const pa = rt.ptr(sa), pb = rt.ptr(sb), pc = rt.ptr(sc);
  rt.finish();
  return () => {
    rt.begin();
    const S = rt.S;
    S[0] = 1; S[1] = N; S[2] = N; S[3] = N; S[4] = 0; S[5] = N; S[6] = 0; S[7] = 0; S[8] = 0; S[9] = N; S[10] = 0; S[11] = 0;
    S[12] = 0; S[13] = N; S[14] = 0; S[15] = 0; S[16] = 0;
    rt.x.nb_gemm(pa, 0, pb, 0, pc, 0, 0, -1, rt.scratchAddress());
  };
}
const gemmRows: Record<string, number[]> = { wasm: [], 'wasm export only': [] };
if (hasNative) gemmRows['native 1T'] = [];
const raw = exportOnly();
gemmOn('wasm')(args);
raw();
if (hasNative) gemmOn('native')(args);
for (let r = 0; r < ROUNDS; r++) {
  gemmRows['wasm']!.push(flops / time(() => gemmOn('wasm')(args), 2) / 1e6);
  gemmRows['wasm export only']!.push(flops / time(raw, 2) / 1e6);
  if (hasNative) gemmRows['native 1T']!.push(flops / time(() => gemmOn('native')(args), 2) / 1e6);
}
if (withTs) gemmRows['ts'] = [flops / time(() => gemmOn('ts')(args), 1) / 1e6];
process.stdout.write(`\nGEMM n=${N} (GFLOP/s, median of ${ROUNDS} rounds; ts: one call)\n`);
for (const [k, v] of Object.entries(gemmRows)) process.stdout.write(`  ${k.padEnd(18)} ${med(v).toFixed(2)}\n`);
// the copies alone: the same regions laid out, copied in (A, B) and out (C), no kernel
const copyMs = med(Array.from({ length: ROUNDS }, () => time(() => {
  rt.begin();
  rt.add(a, 0, a.length, 1);
  rt.add(b, 0, b.length, 1);
  rt.add(c, 0, c.length, 2);
  rt.commit();
  rt.finish();
}, 4)));
const wasmMs = flops / med(gemmRows['wasm']!) / 1e6;
process.stdout.write(`  copies alone: ${copyMs.toFixed(2)} ms per call (8 MB in, 4 MB out) = ${(100 * copyMs / wasmMs).toFixed(1)} % of the wasm call\n`);

// ---- W5 and OPS, and the copies inside them ----
nb.manualSeed(0);
const model = mlp();
model.eval();
const x = nb.rand([1, 784]);
let sink = 0;
const w5 = (): void => {
  nb.noGrad(() => {
    sink += (model.forward(x) as Tensor).softmax(1).data()[0]!;
  });
};
const p = nb.tensor([1]), q = nb.tensor([2]);
const ops = (): void => {
  sink += p.add(q).data()[0]!;
};
const names = hasNative ? ['wasm', 'wasm copying', 'native'] : ['wasm', 'wasm copying'];
const w5us: Record<string, number[]> = {}, opsUs: Record<string, number[]> = {};
const keepBytes = rt.residentInfo().max;
/** 'wasm copying': the wasm backend keeping no resident inputs */
const select = (n: string): void => {
  nb.setBackend(n === 'wasm copying' ? 'wasm' : n);
  rt.setMaxResidentBytes(n === 'wasm copying' ? 0 : keepBytes);
};
for (const n of names) {
  select(n);
  for (let i = 0; i < 500; i++) w5();
  for (let i = 0; i < 5000; i++) ops();
  w5us[n] = [];
  opsUs[n] = [];
}
for (let r = 0; r < ROUNDS; r++) {
  for (const n of names) {
    select(n);
    w5us[n]!.push(time(w5, 2000) * 1000);
    opsUs[n]!.push(time(ops, 20000) * 1000);
  }
}
// the share of W5 spent copying: commit (copy in) and finish (copy out) timed inside the calls
const proto = Object.getPrototypeOf(rt) as { commit(): void; finish(): void };
const commit = proto.commit, finish = proto.finish;
let inCopies = 0;
proto.commit = function (this: unknown) { const t = performance.now(); commit.call(this); inCopies += performance.now() - t; };
proto.finish = function (this: unknown) { const t = performance.now(); finish.call(this); inCopies += performance.now() - t; };
select('wasm');
const t0 = performance.now();
for (let i = 0; i < 2000; i++) w5();
const w5Total = performance.now() - t0;
proto.commit = commit;
proto.finish = finish;
if (Number.isNaN(sink)) throw new Error('NaN');
process.stdout.write(`\nW5 batch-1 MLP forward + softmax (us/call) and OPS 1-element add (us/op), medians of ${ROUNDS} rounds\n`);
for (const n of names) process.stdout.write(`  ${n.padEnd(13)} W5 ${med(w5us[n]!).toFixed(2)}   OPS ${med(opsUs[n]!).toFixed(3)}\n`);
process.stdout.write(`  wasm W5 (resident inputs): ${(1000 * inCopies / 2000).toFixed(1)} us of ${(1000 * w5Total / 2000).toFixed(1)} us per call in the copies (${(100 * inCopies / w5Total).toFixed(0)} %; timers included)\n`);
