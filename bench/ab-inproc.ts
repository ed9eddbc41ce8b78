/**
 * A/B of the per-call cost of two checkouts in ONE process, interleaved in short blocks, so both
 * see the same machine load (on a shared machine, separate processes minutes apart differ by
 * more than the effect measured). Each checkout's own src/index.ts and addon are loaded (two
 * copies of nabla side by side); W5 is bench/nabla/latency.ts's batch-1 MLP call (forward +
 * softmax under noGrad, `data()` read) and OPS its `a.add(b)` of 1-element tensors, both on the
 * native backend with one thread; and two kernels alone through the native backend (gemm 1x8x8
 * with bias, relu of 10 elements), which show the glue's own cost.
 *
 *   npx tsx bench/ab-inproc.ts <checkout A> <checkout B> [blocks = 60]
 *
 * Blocks are timed in process CPU time (NABLA_AB_WALL=1: wall-clock). Prints, per workload, each checkout's median and best block (us per call) and the median over
 * blocks of the ratio B / A of adjacent blocks (the figure least moved by other processes).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

interface Side {
  w5: () => void;
  ops: () => void;
  /** the kernels alone, through the native backend: gemm 1x8x8 with bias, relu of 10 elements */
  gemm: () => void;
  unary: () => void;
}

let sink = 0;
const wall = process.env['NABLA_AB_WALL'] === '1';

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function load(root: string): Promise<Side> {
  const nb = (await import(pathToFileURL(join(root, 'src', 'index.ts')).href)) as typeof import('../src/index.js');
  const { mlp } = (await import(pathToFileURL(join(root, 'bench', 'nabla', 'classify.ts')).href)) as typeof import('./nabla/classify.js');
  nb.setBackend('native');
  nb.setNumThreads(1);
  nb.manualSeed(0);
  const model = mlp();
  model.eval();
  const x = nb.rand([1, 784]);
  const a = nb.tensor([1]);
  const b = nb.tensor([2]);
  const nat = (await import(pathToFileURL(join(root, 'src', 'backend', 'native', 'index.ts')).href)) as typeof import('../src/backend/native/index.js');
  const kernels = nat.loadNativeBackend()!;
  const f = (n: number): Float32Array => new Float32Array(n).fill(0.5);
  const g = {
    batch: 1, m: 1, n: 8, k: 8, a: f(8), aOffset: 0, lda: 8, transA: false, strideA: 0, b: f(64), bOffset: 0, ldb: 8, transB: false, strideB: 0,
    c: f(8), cOffset: 0, ldc: 8, strideC: 0, beta: 0 as const, bias: f(8), biasOffset: 0,
  };
  const xs = { data: f(10), offset: 0, strides: [1] };
  const out = f(10);
  return {
    gemm: () => kernels.gemm!(g),
    unary: () => kernels.unary!('relu', xs, [10], out),
    w5: () => {
      nb.noGrad(() => {
        const y = (model.forward(x) as import('../src/index.js').Tensor).softmax(1).data();
        sink += y[0]!;
      });
    },
    ops: () => {
      sink += a.add(b).size;
    },
  };
}

const WORKLOADS = [['W5', 500], ['OPS', 5000], ['gemm', 20000], ['unary', 20000]] as const;
const pickOf = (name: string) => (s: Side): (() => void) => (name === 'W5' ? s.w5 : name === 'OPS' ? s.ops : name === 'gemm' ? s.gemm : s.unary);

// --one <checkout> <blocks>: one checkout alone in this process; prints its median block per workload
if (process.argv[2] === '--one') {
  const side = await load(resolve(process.argv[3]!));
  const n = Number(process.argv[4] ?? 20);
  const res: Record<string, number> = {};
  for (const [name, calls] of WORKLOADS) {
    const fn = pickOf(name)(side);
    block(fn, calls * 4);
    const t: number[] = [];
    for (let i = 0; i < n; i++) t.push(block(fn, calls));
    res[name] = median(t);
  }
  console.log('@@AB ' + JSON.stringify(res));
  process.exit(0);
}

// --procs <A> <B> <rounds>: each checkout alone in its own process, A and B alternating
if (process.argv[2] === '--procs') {
  const [a, b] = [resolve(process.argv[3]!), resolve(process.argv[4]!)];
  const rounds = Number(process.argv[5] ?? 10);
  const { spawnSync } = await import('node:child_process');
  const run = (root: string): Record<string, number> => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', root, '20'], { encoding: 'utf8', env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' } });
    const line = r.stdout.split('\n').find((l) => l.startsWith('@@AB '));
    if (!line) throw new Error(`${root}: ${r.stderr}`);
    return JSON.parse(line.slice(5)) as Record<string, number>;
  };
  const ratios: Record<string, number[]> = {};
  const abs: Record<string, [number[], number[]]> = {};
  console.log(`A = ${a}\nB = ${b}\n${rounds} rounds of one process per checkout (alternating which goes first), process CPU time`);
  for (let i = 0; i < rounds; i++) {
    const ra = i % 2 === 0 ? run(a) : undefined;
    const rb = run(b);
    const ra2 = ra ?? run(a);
    console.log(`round ${i + 1}: ${WORKLOADS.map(([name]) => `${name} A ${ra2[name]!.toFixed(3)} B ${rb[name]!.toFixed(3)}`).join('  ')}`);
    for (const [name] of WORKLOADS) {
      (ratios[name] ??= []).push(rb[name]! / ra2[name]!);
      (abs[name] ??= [[], []])[0].push(ra2[name]!);
      abs[name]![1].push(rb[name]!);
    }
  }
  for (const [name] of WORKLOADS) {
    console.log(`${name}: A median ${median(abs[name]![0]).toFixed(3)} us, B median ${median(abs[name]![1]).toFixed(3)} us; B/A median of per-round ratios ${median(ratios[name]!).toFixed(3)}`);
  }
  process.exit(0);
}

const roots = [process.argv[2], process.argv[3]].map((p) => resolve(p ?? '.'));
if (!process.argv[3]) {
  console.error('usage: npx tsx bench/ab-inproc.ts <checkout A> <checkout B> [blocks] | --procs <A> <B> [rounds]');
  process.exit(1);
}
const blocks = Number(process.argv[4] ?? 60);
const sides = [await load(roots[0]!), await load(roots[1]!)] as const;

// CPU time of this process (one kernel thread: the caller's), less moved than wall time when
// other processes take the cores away; NABLA_AB_WALL=1 times wall-clock instead
function block(fn: () => void, calls: number): number {
  if (wall) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    return ((performance.now() - t0) * 1000) / calls;
  }
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
}

console.log(`A = ${roots[0]}\nB = ${roots[1]}\nnative backend, 1 thread, ${blocks} interleaved blocks per workload (W5: 500 calls, OPS: 5000, the gemm 1x8x8 + bias and relu kernels alone: 20,000), ${wall ? 'wall-clock' : 'process CPU'} time`);
for (const [name, calls] of WORKLOADS) {
  const pick = pickOf(name);
  for (const s of sides) block(pick(s), calls * 4); // warm-up
  const t: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let i = 0; i < blocks; i++) {
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    const got = [0, 0];
    for (const k of order) got[k] = block(pick(sides[k]!), calls);
    t[0].push(got[0]!);
    t[1].push(got[1]!);
    ratios.push(got[1]! / got[0]!);
  }
  console.log(
    `${name}: A median ${median(t[0]).toFixed(3)} us (best ${Math.min(...t[0]).toFixed(3)}), B median ${median(t[1]).toFixed(3)} us (best ${Math.min(...t[1]).toFixed(3)}); ` +
      `B/A median of adjacent-block ratios ${median(ratios).toFixed(3)}, of medians ${(median(t[1]) / median(t[0])).toFixed(3)}, of bests ${(Math.min(...t[1]) / Math.min(...t[0])).toFixed(3)}`,
  );
}
if (Number.isNaN(sink)) console.log('NaN');
