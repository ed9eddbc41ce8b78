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
  r ? `${fmt(r.median)} ${r.unit} (${r.lib} ${r.backend} ${typeof r.threads === 'number' ? `${r.threads}T` : r.threads}${r.engine ? `, ${r.engine}` : ''})` : 'not measured';

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

export function floorsTable(fs: Floor[], issue = 'issue 16'): string {
  return table([`floor (${issue})`, 'nabla', 'peer', 'ratio', 'goal', 'result'], fs.map((f) => [
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

/**
 * The WebAssembly floors of issue 13, one thread unless stated, ratios from one run: W1 (n=1024)
 * >= 1.0x TF.js wasm; W2 >= 3x TF.js wasm and >= 1.0x jax-js (whole step in one jit); W4 >= 3x
 * TF.js wasm; W3 trains (TF.js wasm cannot) at >= 10x ConvNetJS; W5 <= 0.7x TF.js wasm's raw-ops
 * latency and below jax-js's jit; two threads >= 1.7x one on W1 and >= 1.3x on W2; in Chromium no
 * more than 20 % slower than in Node (the same page code, W1 n=1024, W2, W5).
 */
export function wasmFloors(res: Results): Floor[] {
  const out: Floor[] = [];
  const push = (floor: string, a: CellResult | undefined, b: CellResult | undefined, ratio: number, goal: string, pass: boolean): void => {
    out.push({ floor, nabla: who(a), peer: who(b), ratio, goal, pass: Number.isFinite(ratio) ? pass : null });
  };
  const nw = (w: WorkloadId, t: number, kase?: string): CellResult | undefined => res.find(w, 'nabla', 'wasm', t, kase);
  const speedFloor = (floor: string, a: CellResult | undefined, b: CellResult | undefined, min: number): void => {
    const r = speedRatio(a, b);
    push(floor, a, b, r, `>= ${min}x`, r >= min);
  };
  speedFloor('W1 GEMM n=1024 vs TF.js wasm', nw('W1', 1, 'n=1024'), res.find('W1', 'tfjs', 'wasm', 1, 'n=1024'), 1.0);
  speedFloor('W2 MLP vs TF.js wasm', nw('W2', 1), res.find('W2', 'tfjs', 'wasm', 1), 3);
  speedFloor('W2 MLP vs jax-js (step in one jit)', nw('W2', 1), res.best('W2', 'jaxjs', 'wasm'), 1.0);
  speedFloor('W4 char-LSTM vs TF.js wasm', nw('W4', 1), res.find('W4', 'tfjs', 'wasm', 1), 3);
  speedFloor('W3 CNN vs ConvNetJS', nw('W3', 1), res.find('W3', 'convnetjs', 'js', 1), 10);
  const tfW3 = res.all.find((r) => r.engine === undefined && r.workload === 'W3' && r.lib === 'tfjs' && r.backend === 'wasm');
  out.push({
    floor: 'W3: TF.js wasm cannot train a CNN', nabla: who(nw('W3', 1)), peer: tfW3?.error ?? (tfW3 ? `it trained: ${fmt(tfW3.median)} ${tfW3.unit}` : 'not measured'),
    ratio: NaN, goal: 'info', pass: null,
  });
  const w5 = nw('W5', 1);
  const timeFloor = (floor: string, b: CellResult | undefined, max: number, strict: boolean): void => {
    const r = w5 && b ? w5.median / b.median : NaN;
    push(floor, w5, b, r, strict ? `< ${max}x` : `<= ${max}x`, strict ? r < max : r <= max);
  };
  timeFloor('W5 batch-1 us/call vs TF.js wasm raw ops (time ratio)', res.find('W5', 'tfjs', 'wasm', 1, 'raw ops'), 0.7, false);
  timeFloor('W5 batch-1 us/call vs jax-js jit (time ratio)', res.best('W5', 'jaxjs', 'wasm', 'jit'), 1.0, true);
  // two threads vs one: from the paired cell when it ran (both thread counts alternating in one
  // process), else from the separate cells
  const threadsFloor = (label: string, w: WorkloadId, kase: string | undefined, pairedCase: string, how: string, min: number): void => {
    const k = nw(w, 2, pairedCase) !== undefined ? pairedCase : kase;
    speedFloor(`${label}: nabla wasm 2 threads vs 1${k === pairedCase ? ` (${how})` : ''}`, nw(w, 2, k), nw(w, 1, k), min);
  };
  threadsFloor('W1 GEMM n=1024', 'W1', 'n=1024', 'n=1024 paired', 'paired rounds', 1.7);
  threadsFloor('W2 MLP', 'W2', undefined, 'epoch paired', 'paired windows', 1.3);
  const ch = res.onEngine('chromium');
  const nd = res.onEngine('node-page');
  for (const [w, kase, label] of [['W1', 'n=1024', 'W1 GEMM n=1024'], ['W2', undefined, 'W2 MLP'], ['W5', 'forward', 'W5 batch-1']] as const) {
    const a = ch.find(w, 'nabla', 'wasm', 1, kase);
    const b = nd.find(w, 'nabla', 'wasm', 1, kase);
    // time in Chromium / time in Node = Node speed / Chromium speed
    const r = speedRatio(b, a);
    out.push({ floor: `${label}: Chromium time vs Node (same code)`, nabla: who(a), peer: who(b), ratio: r, goal: '<= 1.2x', pass: Number.isFinite(r) ? r <= 1.2 : null });
  }
  return out;
}
