/**
 * The floors of issue 16 ("faster than PyTorch on every CPU"), checked on the figures of one run:
 * W1 GEMM >= 0.9x OpenBLAS (numpy, same bench/gemm.ts run) on 1 and 2 threads at n = 1024 and
 * 2048; W2 >= 1.5x, W3 >= 1.3x, W4 >= 1.2x PyTorch's best thread setting, and W4 on 2 threads not
 * slower than on 1; W5 beside PyTorch and ONNX Runtime; the per-op overhead <= 1 us; the peak RSS
 * of each training workload beside PyTorch's. On an AVX-512 CPU run with `--isa avx2` (nabla's
 * AVX2 kernels, OpenBLAS's Haswell kernels, PyTorch's AVX2 kernels) they stand for an AVX2-only CPU.
 */
import { Results, fmt, fmtRatio, speedRatio, table } from './report.js';
import type { CellResult, WorkloadId } from './lib/types.js';

export interface Floor {
  floor: string;
  nabla: string;
  peer: string;
  ratio: number;
  goal: string;
  /** null: not measured or informational */
  pass: boolean | null;
}

const who = (r: CellResult | undefined): string =>
  r ? `${fmt(r.median)} ${r.unit} (${r.lib} ${r.backend} ${typeof r.threads === 'number' ? `${r.threads}T` : r.threads})` : 'not measured';

export function floors(res: Results, peersRefused: string | null): Floor[] {
  const out: Floor[] = [];
  const push = (floor: string, a: CellResult | undefined, b: CellResult | undefined, ratio: number, goal: string, pass: boolean | null): void => {
    out.push({ floor, nabla: who(a), peer: peersRefused && b === undefined ? `not compared: ${peersRefused}` : who(b), ratio, goal, pass: Number.isFinite(ratio) ? pass : null });
  };
  for (const n of [1024, 2048]) {
    for (const t of [1, 2]) {
      const a = res.find('W1', 'nabla', 'native', t, `n=${n}`);
      const b = res.find('W1', 'numpy', 'openblas', t, `n=${n}`);
      const r = speedRatio(a, b);
      push(`W1 GEMM n=${n}, ${t} thread${t > 1 ? 's' : ''} vs OpenBLAS`, a, b, r, '>= 0.9x', r >= 0.9);
    }
  }
  for (const [w, name, min] of [['W2', 'W2 MLP samples/s', 1.5], ['W3', 'W3 CNN samples/s', 1.3], ['W4', 'W4 char-LSTM tokens/s', 1.2]] as const) {
    const a = res.nablaBest(w as WorkloadId);
    const b = res.best(w as WorkloadId, 'torch', null);
    const r = speedRatio(a, b);
    push(`${name} vs PyTorch best`, a, b, r, `>= ${min}x`, r >= min);
  }
  {
    const a = res.find('W4', 'nabla', 'native', 2);
    const b = res.find('W4', 'nabla', 'native', 1);
    const r = speedRatio(a, b);
    push('W4 nabla 2 threads vs 1 thread', a, b, r, '>= 1x (does not lose)', r >= 0.98);
  }
  const l = res.nablaBest('W5');
  for (const [lib, label] of [['torch', 'PyTorch'], ['onnxruntime', 'ONNX Runtime best']] as const) {
    const b = res.best('W5', lib, null);
    const r = l && b ? l.median / b.median : NaN;
    push(`W5 batch-1 us/call vs ${label} (time ratio)`, l, b, r, 'info; floor: no slower than before', null);
  }
  const o = res.nablaBest('OPS');
  out.push({ floor: 'OPS per-op overhead', nabla: who(o), peer: who(res.best('OPS', 'torch', null)), ratio: o ? o.median : NaN, goal: '<= 1 us', pass: o ? o.median <= 1 : null });
  return out;
}

export function floorsTable(fs: Floor[]): string {
  return table(['floor (issue 16)', 'nabla', 'peer', 'ratio', 'goal', 'result'], fs.map((f) => [
    f.floor, f.nabla, f.peer, f.floor.startsWith('OPS') ? `${fmt(f.ratio)} us` : fmtRatio(f.ratio), f.goal,
    f.pass === null ? (Number.isFinite(f.ratio) ? 'info' : 'n/a') : f.pass ? 'PASS' : 'FAIL',
  ]));
}

/** Peak RSS (MB) of the training workloads' processes: nabla native (best thread setting) beside PyTorch's best. */
export function rssTable(res: Results): string {
  const rows: string[][] = [];
  for (const w of ['W2', 'W3', 'W4'] as WorkloadId[]) {
    const cells = res.ok().filter((r) => r.workload === w && r.rssMB !== undefined);
    if (cells.length === 0) continue;
    const a = res.nablaBest(w);
    const b = res.best(w, 'torch', null);
    const mb = (r: CellResult | undefined): string => (r?.rssMB !== undefined ? `${fmt(r.rssMB)} (${r.lib} ${r.backend} ${typeof r.threads === 'number' ? `${r.threads}T` : r.threads})` : '–');
    const others = cells.filter((r) => r !== a && r !== b).map((r) => `${r.lib} ${r.backend} ${typeof r.threads === 'number' ? `${r.threads}T` : r.threads}: ${fmt(r.rssMB)}`).join(', ');
    rows.push([w, mb(a), mb(b), a?.rssMB && b?.rssMB ? fmtRatio(a.rssMB / b.rssMB) : '–', others]);
  }
  if (rows.length === 0) return '';
  return table(['workload', 'nabla peak RSS, MB', 'PyTorch peak RSS, MB', 'nabla ÷ PyTorch', 'other cells'], rows) +
    '\n\nPeak resident set size of each cell\'s whole process (Node + nabla + data, or Python + PyTorch + data), read when the cell ended.';
}
