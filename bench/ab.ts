/**
 * A/B of the per-call cost of two checkouts, side by side on the same machine: W5 (batch-1 MLP
 * latency) and OPS (the per-op overhead) of bench/nabla/latency.ts, run as `npm run bench` runs
 * them (bench/cell.ts in its own process, native backend), alternating A and B for several rounds
 * so that load from other processes falls on both alike.
 *
 *   npx tsx bench/ab.ts <checkout A> <checkout B> [rounds = 6] [threads = 1]
 *
 * Each checkout needs its own built addon (npm run build:native there). Prints each round's
 * medians, then per checkout the median of the rounds' medians and the ratio B / A.
 */
import { spawnSync } from 'node:child_process';
import { resolve, join } from 'node:path';
import { RESULT_TAG, type CellResult, type CellSpec } from './lib/types.js';

const [a, b] = [process.argv[2], process.argv[3]].map((p) => resolve(p ?? '.'));
const rounds = Number(process.argv[4] ?? 6);
const threads = Number(process.argv[5] ?? 1);
if (!process.argv[3]) {
  console.error('usage: npx tsx bench/ab.ts <checkout A> <checkout B> [rounds] [threads]');
  process.exit(1);
}

function cell(root: string, workload: 'W5' | 'OPS'): number {
  const spec: CellSpec = { workload, lib: 'nabla', backend: 'native', threads, quick: false, budgetS: 30 };
  const env: NodeJS.ProcessEnv = { ...process.env, NABLA_NO_NATIVE_WARNING: '1' };
  delete env['NABLA_BACKEND'];
  delete env['NABLA_NUM_THREADS'];
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'cell.ts'), JSON.stringify(spec)], { cwd: root, env, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (!line) throw new Error(`${root} ${workload}: no result (${r.stderr.trim().split('\n').pop()})`);
  return (JSON.parse(line.slice(RESULT_TAG.length)) as CellResult).median;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const got: Record<string, number[]> = { 'A W5': [], 'B W5': [], 'A OPS': [], 'B OPS': [] };
console.log(`A = ${a}\nB = ${b}\n${rounds} rounds, native backend, ${threads} thread(s); us per call (W5) and per op (OPS), medians of 9 x 2000 / 9 x 20,000 calls`);
for (let i = 0; i < rounds; i++) {
  // alternate which goes first, so neither always runs right after the other
  const order: ['A' | 'B', string][] = i % 2 === 0 ? [['A', a], ['B', b]] : [['B', b], ['A', a]];
  const line: string[] = [];
  for (const w of ['W5', 'OPS'] as const) {
    for (const [tag, root] of order) {
      const v = cell(root, w);
      got[`${tag} ${w}`]!.push(v);
      line.push(`${tag} ${w} ${v.toFixed(3)}`);
    }
  }
  console.log(`round ${i + 1}: ${line.join('  ')}`);
}
for (const w of ['W5', 'OPS']) {
  const ma = median(got[`A ${w}`]!);
  const mb = median(got[`B ${w}`]!);
  console.log(`${w}: A ${ma.toFixed(3)} us, B ${mb.toFixed(3)} us, B/A ${(mb / ma).toFixed(3)}`);
}
