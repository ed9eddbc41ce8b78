/**
 * Turns the cells' results into the printed tables (markdown): a summary of medians per workload
 * and implementation, the issue-6 targets with pass/fail (ratios from this run), and the detail
 * of every measurement (median, min-max, n, method, cpu-par, accuracy).
 */
import type { CellResult, WorkloadId } from './lib/types.js';

export interface Target {
  target: string;
  nabla: string;
  peer: string;
  ratio: number;
  goal: string;
  pass: boolean | null;
}

const W_LABEL: Record<WorkloadId, string> = {
  W1: 'W1 GEMM', W2: 'W2 MLP epoch', W3: 'W3 CNN epoch', W4: 'W4 char-LSTM', W5: 'W5 batch-1 MLP', OPS: 'OPS add 1-elem',
};

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

function table(head: string[], rows: string[][]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export class Results {
  constructor(readonly all: CellResult[]) {}

  ok(): CellResult[] {
    return this.all.filter((r) => r.error === undefined && Number.isFinite(r.median));
  }

  find(w: WorkloadId, lib: string, backend: string, threads: number | string | null, kase?: string): CellResult | undefined {
    return this.ok().find((r) => r.workload === w && r.lib === lib && r.backend === backend && (threads === null || r.threads === threads) && (kase === undefined || r.case === kase));
  }

  /** best (fastest) among matches */
  best(w: WorkloadId, lib: string, backend: string | null, kase?: string): CellResult | undefined {
    const c = this.ok().filter((r) => r.workload === w && r.lib === lib && (backend === null || r.backend === backend) && (kase === undefined || r.case === kase));
    if (c.length === 0) return undefined;
    return c.reduce((a, b) => (speed(b) > speed(a) ? b : a));
  }

  /** nabla's best figure: native (any thread count) if measured, else ts */
  nablaBest(w: WorkloadId, kase?: string): CellResult | undefined {
    return this.best(w, 'nabla', 'native', kase) ?? this.best(w, 'nabla', 'ts', kase);
  }
}

/** A "speed": the figure itself when higher is better, 1/figure for times. */
function speed(r: CellResult): number {
  return r.higherIsBetter ? r.median : 1 / r.median;
}

/** how many times faster a is than b (>1: a faster) */
function speedRatio(a: CellResult | undefined, b: CellResult | undefined): number {
  return a && b ? speed(a) / speed(b) : NaN;
}

function w1Cases(res: Results): string[] {
  const ns = [...new Set(res.ok().filter((r) => r.workload === 'W1').map((r) => r.case))];
  return ns.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

export function summaryTable(res: Results): string {
  const head = ['workload', 'unit', 'nabla native 1T', 'nabla native 2T', 'nabla ts', 'PyTorch (best)', 'OpenBLAS numpy 1T / 2T', 'tfjs cpu', 'tfjs wasm', 'nabla ÷ PyTorch', 'nabla ÷ tfjs cpu'];
  const rows: string[][] = [];
  const row = (w: WorkloadId, kase: string | undefined, label: string): void => {
    const get = (lib: string, backend: string, t: number): CellResult | undefined => res.find(w, lib, backend, t, kase);
    const n1 = get('nabla', 'native', 1);
    const n2 = get('nabla', 'native', 2);
    const ts = res.find(w, 'nabla', 'ts', null, kase);
    const torch = res.best(w, 'torch', null, kase);
    const np1 = kase ? res.find(w, 'numpy', 'openblas', 1, kase) : undefined;
    const np2 = kase ? res.find(w, 'numpy', 'openblas', 2, kase) : undefined;
    const tcpu = res.best(w, 'tfjs', 'cpu', kase);
    const twasm = res.best(w, 'tfjs', 'wasm', kase);
    const nb = res.nablaBest(w, kase);
    const unit = (n1 ?? ts ?? torch ?? tcpu)?.unit ?? '';
    let vsTorch: string;
    if (w === 'W1') {
      vsTorch = `1T ${fmtRatio(speedRatio(n1, np1))} / 2T ${fmtRatio(speedRatio(n2, np2))} (vs numpy)`;
    } else {
      vsTorch = fmtRatio(speedRatio(nb, torch));
    }
    const tfErr = res.all.find((r) => r.workload === w && r.lib === 'tfjs' && r.backend === 'wasm' && r.error !== undefined);
    rows.push([
      label, unit, fmt(n1?.median), fmt(n2?.median), fmt(ts?.median),
      torch ? `${fmt(torch.median)} (${torch.threads}T)`.replace('omp2/blas1T', 'omp2/blas1') : '–',
      w === 'W1' ? `${fmt(np1?.median)} / ${fmt(np2?.median)}` : '',
      fmt(tcpu?.median), twasm ? fmt(twasm.median) : tfErr ? 'cannot train' : '–',
      vsTorch, fmtRatio(speedRatio(nb, tcpu)),
    ]);
  };
  for (const w of ['W1', 'W2', 'W3', 'W4', 'W5', 'OPS'] as WorkloadId[]) {
    if (!res.all.some((r) => r.workload === w)) continue;
    if (w === 'W1') for (const c of w1Cases(res)) row(w, c, `W1 GEMM ${c}`);
    else row(w, undefined, W_LABEL[w]);
  }
  return table(head, rows);
}

export function targets(res: Results): Target[] {
  const out: Target[] = [];
  const push = (target: string, a: CellResult | undefined, b: CellResult | undefined, ratio: number, goal: string, pass: boolean | null): void => {
    const d = (r: CellResult | undefined): string => (r ? `${fmt(r.median)} ${r.unit} (${r.lib} ${r.backend} ${r.threads}T)`.replace('omp2/blas1T', 'omp2/blas1') : 'not measured');
    out.push({ target, nabla: d(a), peer: d(b), ratio, goal, pass: Number.isFinite(ratio) ? pass : null });
  };
  const n1 = res.find('W1', 'nabla', 'native', 1, 'n=1024');
  const n2 = res.find('W1', 'nabla', 'native', 2, 'n=1024');
  const np1 = res.find('W1', 'numpy', 'openblas', 1, 'n=1024');
  const np2 = res.find('W1', 'numpy', 'openblas', 2, 'n=1024');
  let r = speedRatio(n1, np1);
  push('W1 GEMM n=1024, 1 thread vs OpenBLAS', n1, np1, r, '>= 0.9x', r >= 0.9);
  r = speedRatio(n2, np2);
  push('W1 GEMM n=1024, 2 threads vs OpenBLAS', n2, np2, r, '>= 0.85x', r >= 0.85);
  for (const [w, name, goal] of [['W2', 'W2 MLP samples/s vs PyTorch best', '>= 1x (goal 1.5x)'], ['W3', 'W3 CNN samples/s vs PyTorch best', '>= 1x'], ['W4', 'W4 char-LSTM tokens/s vs PyTorch best', '>= 1x (goal 1.5x)']] as const) {
    const a = res.nablaBest(w);
    const b = res.best(w, 'torch', null);
    r = speedRatio(a, b);
    push(name, a, b, r, goal, r >= 1);
  }
  const l = res.nablaBest('W5');
  const lt = res.best('W5', 'torch', null);
  r = l && lt ? l.median / lt.median : NaN;
  push('W5 batch-1 us/call vs PyTorch (time ratio)', l, lt, r, '<= 0.5x', r <= 0.5);
  const o = res.nablaBest('OPS');
  push('OPS per-op overhead (WORKLOADS; PyTorch for reference)', o, res.best('OPS', 'torch', null), o ? o.median : NaN, '<= 1 us', o ? o.median <= 1 : false);
  for (const w of ['W1', 'W2', 'W3', 'W4', 'W5'] as WorkloadId[]) {
    const kase = w === 'W1' ? 'n=1024' : undefined;
    const a = res.nablaBest(w, kase);
    const b = res.best(w, 'tfjs', 'cpu', kase);
    r = speedRatio(a, b);
    push(`${W_LABEL[w]}${kase ? ' ' + kase : ''} vs tfjs cpu (speed)`, a, b, r, '>= 30x', r >= 30);
  }
  return out;
}

export function targetsTable(ts: Target[]): string {
  return table(['target (issue 6)', 'nabla', 'peer', 'ratio', 'goal', 'result'], ts.map((t) => [
    t.target, t.nabla, t.peer, t.target.startsWith('OPS') ? `${fmt(t.ratio)} us` : fmtRatio(t.ratio), t.goal, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL',
  ]));
}

export function detailTable(res: Results): string {
  const rows = res.all.map((r) => {
    const extra: string[] = [];
    if (r.acc !== undefined) extra.push(`acc@1 ${r.acc.toFixed(4)}`);
    if (r.accLast !== undefined) extra.push(`acc@${r.epochs} ${r.accLast.toFixed(4)}`);
    if (r.epochS !== undefined && Number.isFinite(r.epochS)) extra.push(`${r.method === 'windows' ? '~' : ''}${r.epochS.toFixed(1)} s/epoch`);
    if (r.maxErr !== undefined) extra.push(`err ${r.maxErr.toExponential(1)}`);
    if (r.note) extra.push(r.note);
    if (r.error) extra.push(`ERROR: ${r.error}`);
    return [
      `${r.workload} ${r.case}`, `${r.lib} ${r.backend}`, String(r.threads), r.error ? '–' : fmt(r.median),
      r.error ? '–' : `${fmt(r.min)}–${fmt(r.max)}`, r.unit, r.error ? '' : `${r.n} ${r.method}`, r.error ? '' : r.cpuPar.toFixed(2), extra.join('; '),
    ];
  });
  return table(['workload', 'implementation', 'threads', 'median', 'min–max', 'unit', 'n', 'cpu-par', 'notes'], rows);
}
