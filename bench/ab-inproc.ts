/**
 * A/B of the per-call cost of two checkouts in ONE process, interleaved in short blocks, so both
 * see the same machine load (on a shared machine, separate processes minutes apart differ by
 * more than the effect measured). Each checkout's own src/index.ts and addon are loaded (two
 * copies of nabla side by side); W5 is bench/nabla/latency.ts's batch-1 MLP call (forward +
 * softmax under noGrad, `data()` read) and OPS its `a.add(b)` of 1-element tensors, both on the
 * native backend with one thread.
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
}

let sink = 0;

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
  return {
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

const roots = [process.argv[2], process.argv[3]].map((p) => resolve(p ?? '.'));
if (!process.argv[3]) {
  console.error('usage: npx tsx bench/ab-inproc.ts <checkout A> <checkout B> [blocks]');
  process.exit(1);
}
const blocks = Number(process.argv[4] ?? 60);
const sides = [await load(roots[0]!), await load(roots[1]!)] as const;

// CPU time of this process (one kernel thread: the caller's), less moved than wall time when
// other processes take the cores away; NABLA_AB_WALL=1 times wall-clock instead
const wall = process.env['NABLA_AB_WALL'] === '1';
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
const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`A = ${roots[0]}\nB = ${roots[1]}\nnative backend, 1 thread, ${blocks} interleaved blocks per workload (W5: 500 calls, OPS: 5000 calls per block), ${wall ? 'wall-clock' : 'process CPU'} time`);
for (const [name, calls] of [['W5', 500], ['OPS', 5000]] as const) {
  const pick = (s: Side): (() => void) => (name === 'W5' ? s.w5 : s.ops);
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
