/**
 * Turns the cells' results into the printed tables (markdown): a summary of medians per workload
 * and implementation, the issue-6 targets with pass/fail (ratios from this run), W1's pure-JS
 * peers and PEAK (n=2048 back to back) in detail, and every measurement (median, min-max, n,
 * method, cpu-par, accuracy).
 */
import { PEAK_CASE } from './lib/peak.js';
import { SKIPPED, type CellResult, type WorkloadId } from './lib/types.js';

export interface Target {
  target: string;
  nabla: string;
  peer: string;
  ratio: number;
  goal: string;
  pass: boolean | null;
  /** informational line (no goal to pass): printed as 'info' */
  info?: boolean;
}

const W_LABEL: Record<WorkloadId, string> = {
  W1: 'W1 GEMM', W2: 'W2 MLP epoch', W3: 'W3 CNN epoch', W4: 'W4 char-LSTM', W5: 'W5 batch-1 MLP', OPS: 'OPS add 1-elem', W6: 'W6 char-GPT',
};

export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

export function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

export function table(head: string[], rows: string[][]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export class Results {
  /** engine: which results this view sees (undefined: the Node cells; 'chromium' / 'node-page': the browser comparison) */
  constructor(readonly all: CellResult[], readonly engine?: CellResult['engine']) {}

  ok(): CellResult[] {
    return this.all.filter((r) => r.error === undefined && Number.isFinite(r.median) && r.engine === this.engine);
  }

  /** The same results seen from another engine's cells. */
  onEngine(engine: CellResult['engine']): Results {
    return new Results(this.all, engine);
  }

  /** The first match; with no case given, a paired row (a floor's alternating thread counts, case `... paired`) only when asked for by its case. */
  find(w: WorkloadId, lib: string, backend: string, threads: number | string | null, kase?: string): CellResult | undefined {
    return this.ok().find((r) => r.workload === w && r.lib === lib && r.backend === backend && (threads === null || r.threads === threads) && caseMatches(r, kase));
  }

  /** best (fastest) among matches */
  best(w: WorkloadId, lib: string, backend: string | null, kase?: string): CellResult | undefined {
    const c = this.ok().filter((r) => r.workload === w && r.lib === lib && (backend === null || r.backend === backend) && caseMatches(r, kase));
    if (c.length === 0) return undefined;
    return c.reduce((a, b) => (speed(b) > speed(a) ? b : a));
  }

  /** nabla's best figure: native (any thread count) if measured, else ts */
  nablaBest(w: WorkloadId, kase?: string): CellResult | undefined {
    return this.best(w, 'nabla', 'native', kase) ?? this.best(w, 'nabla', 'ts', kase);
  }
}

/** r has case `kase`, or, with none given, is not a paired row (those are read by their case only). */
function caseMatches(r: CellResult, kase: string | undefined): boolean {
  return kase === undefined ? !r.case.endsWith(' paired') : r.case === kase;
}

/** A "speed": the figure itself when higher is better, 1/figure for times. */
function speed(r: CellResult): number {
  return r.higherIsBetter ? r.median : 1 / r.median;
}

/** how many times faster a is than b (>1: a faster) */
export function speedRatio(a: CellResult | undefined, b: CellResult | undefined): number {
  return a && b ? speed(a) / speed(b) : NaN;
}

/** W1's size cases ('n=256' ...), in increasing n (PEAK is not one of them) */
function w1Cases(res: Results): string[] {
  const ns = [...new Set(res.ok().filter((r) => r.workload === 'W1' && r.case.startsWith('n=')).map((r) => r.case))];
  return ns.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

const OPENBLAS_LIBS = ['numpy', 'torch'];

/** W1 PEAK results at one thread count: nabla native, and every OpenBLAS (numpy/torch x env) cell */
export function peakAt(res: Results, threads: number): { nabla: CellResult | undefined; blas: CellResult[]; bestMedian: CellResult | undefined; bestCall: CellResult | undefined } {
  const at = res.ok().filter((r) => r.workload === 'W1' && r.case === PEAK_CASE && r.threads === threads);
  const blas = at.filter((r) => OPENBLAS_LIBS.includes(r.lib));
  const top = (k: (r: CellResult) => number): CellResult | undefined => (blas.length ? blas.reduce((a, b) => (k(b) > k(a) ? b : a)) : undefined);
  return { nabla: at.find((r) => r.lib === 'nabla' && r.backend === 'native'), blas, bestMedian: top((r) => r.median), bestCall: top((r) => r.max) };
}

/** 'numpy, Haswell' for a PEAK OpenBLAS cell */
function blasLabel(r: CellResult): string {
  const env = r.backend === 'openblas' ? 'env unset' : r.backend.replace(/^openblas /, '');
  return `${r.lib}, ${env}`;
}

export function summaryTable(res: Results): string {
  const head = ['workload', 'unit', 'nabla native 1T', 'nabla native 2T', 'nabla ts', 'PyTorch (best)', 'OpenBLAS numpy 1T / 2T', 'tfjs cpu', 'tfjs wasm', 'pure JS blocked 1T / 2 workers', 'nabla ÷ PyTorch', 'nabla ÷ tfjs cpu'];
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
    const js1 = w === 'W1' ? res.find(w, 'purejs', 'blocked best', 1, kase) : undefined;
    const js2 = w === 'W1' ? res.find(w, 'purejs', 'blocked best', 2, kase) : undefined;
    rows.push([
      label, unit, fmt(n1?.median), fmt(n2?.median), fmt(ts?.median),
      torch ? `${fmt(torch.median)} (${torch.threads}T)`.replace('omp2/blas1T', 'omp2/blas1') : '–',
      w === 'W1' ? `${fmt(np1?.median)} / ${fmt(np2?.median)}` : '',
      fmt(tcpu?.median), twasm ? fmt(twasm.median) : tfErr ? 'cannot train' : '–',
      js1 || js2 ? `${fmt(js1?.median)} / ${fmt(js2?.median)}` : '',
      vsTorch, fmtRatio(speedRatio(nb, tcpu)),
    ]);
  };
  // W1 PEAK: nabla native beside the best OpenBLAS setting (numpy or torch.mm, env unset or override)
  const peakRow = (label: string, k: (r: CellResult) => number): void => {
    const p = [peakAt(res, 1), peakAt(res, 2)];
    if (!p.some((x) => x.nabla || x.blas.length)) return;
    const blasTop = (x: ReturnType<typeof peakAt>, lib: string): CellResult | undefined =>
      x.blas.filter((r) => r.lib === lib).reduce<CellResult | undefined>((a, b) => (!a || k(b) > k(a) ? b : a), undefined);
    const f = (r: CellResult | undefined): string => (r ? fmt(k(r)) : '–');
    const torch = [blasTop(p[0]!, 'torch'), blasTop(p[1]!, 'torch')].reduce<CellResult | undefined>((a, b) => (!b ? a : !a || k(b) > k(a) ? b : a), undefined);
    const ratio = (x: ReturnType<typeof peakAt>): string => {
      const top = x.blas.reduce<CellResult | undefined>((a, b) => (!a || k(b) > k(a) ? b : a), undefined);
      return x.nabla && top ? fmtRatio(k(x.nabla) / k(top)) : '–';
    };
    rows.push([
      label, 'GFLOP/s', f(p[0]!.nabla), f(p[1]!.nabla), '',
      torch ? `${fmt(k(torch))} (${torch.threads}T${torch.backend === 'openblas' ? '' : ', ' + torch.backend.replace(/^openblas /, '')})` : '–',
      `${f(blasTop(p[0]!, 'numpy'))} / ${f(blasTop(p[1]!, 'numpy'))}`, '', '', '',
      `1T ${ratio(p[0]!)} / 2T ${ratio(p[1]!)} (vs best OpenBLAS)`, '',
    ]);
  };
  for (const w of ['W1', 'W2', 'W3', 'W4', 'W5', 'OPS', 'W6'] as WorkloadId[]) {
    if (!res.all.some((r) => r.workload === w)) continue;
    if (w === 'W1') {
      // sizes the pure-JS peers alone measured (the --quick run's n=512) have no summary row
      for (const c of w1Cases(res)) if (res.ok().some((r) => r.workload === 'W1' && r.case === c && r.lib !== 'purejs')) row(w, c, `W1 GEMM ${c}`);
      peakRow('W1 PEAK n=2048, median call', (r) => r.median);
      peakRow('W1 PEAK n=2048, best call', (r) => r.max);
    } else row(w, undefined, W_LABEL[w]);
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
  // W1 pure-JS ceiling (WORKLOADS: "the reference backend's ballpark"): nabla ts vs blocked JS, 1 thread and 2 workers
  const ts = res.find('W1', 'nabla', 'ts', null, 'n=1024');
  for (const t of [1, 2]) {
    const js = res.find('W1', 'purejs', 'blocked best', t, 'n=1024');
    if (!js) continue;
    r = speedRatio(ts, js);
    push(`W1 pure-JS ceiling n=1024: nabla ts vs blocked JS (best)${t === 2 ? ', 2 workers' : ''}`, ts, js, r, 'ballpark (info)', null);
    out[out.length - 1]!.info = true;
  }
  // W1 PEAK: nabla native's sustained n=2048 GFLOP/s vs OpenBLAS's (best setting) median and best call
  for (const t of [1, 2]) {
    const p = peakAt(res, t);
    if (!p.nabla && p.blas.length === 0) continue;
    const nab = p.nabla ? `${fmt(p.nabla.median)} GFLOP/s (native ${t}T, median)` : 'not measured';
    const lab = (b: CellResult | undefined, what: 'median' | 'best call'): string =>
      b ? `${fmt(what === 'median' ? b.median : b.max)} GFLOP/s (${blasLabel(b)}, ${what})` : 'not measured';
    for (const what of ['median', 'best call'] as const) {
      const b = what === 'median' ? p.bestMedian : p.bestCall;
      const ratio = p.nabla && b ? p.nabla.median / (what === 'median' ? b.median : b.max) : NaN;
      out.push({ target: `W1 PEAK n=2048, ${t} thread${t > 1 ? 's' : ''}: nabla sustained vs OpenBLAS ${what}`, nabla: nab, peer: lab(b, what), ratio, goal: 'physical limit (info)', pass: null, info: true });
    }
  }
  for (const [w, name, goal] of [['W2', 'W2 MLP samples/s vs PyTorch best', '>= 1x (goal 1.5x)'], ['W3', 'W3 CNN samples/s vs PyTorch best', '>= 1x'], ['W4', 'W4 char-LSTM tokens/s vs PyTorch best', '>= 1x (goal 1.5x)']] as const) {
    const a = res.nablaBest(w);
    const b = res.best(w, 'torch', null);
    r = speedRatio(a, b);
    push(name, a, b, r, goal, r >= 1);
  }
  if (res.all.some((x) => x.workload === 'W6')) {
    const a = res.nablaBest('W6');
    const b = res.best('W6', 'torch', null);
    r = speedRatio(a, b);
    push('W6 char-GPT tokens/s vs PyTorch best (issue 14)', a, b, r, '>= 1x', r >= 1);
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
    t.target, t.nabla, t.peer, t.target.startsWith('OPS') ? `${fmt(t.ratio)} us` : fmtRatio(t.ratio), t.goal, t.info && Number.isFinite(t.ratio) ? 'info' : t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL',
  ]));
}

const PUREJS: [string, number, string][] = [['naive', 1, 'naive'], ['blocked simple', 1, 'blocked simple'], ['blocked best', 1, 'blocked best'], ['blocked best', 2, 'blocked best, 2 workers']];

/** W1 pure-JS peers per n: median [min–max] GFLOP/s, the 2-worker speed-up, and nabla ts beside them */
export function pureJsTable(res: Results): string {
  const cell = (r: CellResult | undefined): string => (r ? `${fmt(r.median)} [${fmt(r.min)}–${fmt(r.max)}]${r.note?.startsWith('rows') ? '*' : ''}` : '–');
  const rows = w1Cases(res).flatMap((c) => {
    const js = PUREJS.map(([k, t]) => res.find('W1', 'purejs', k, t, c));
    if (!js.some((r) => r)) return [];
    const ts = res.find('W1', 'nabla', 'ts', null, c);
    return [[c, ...js.map(cell), fmtRatio(speedRatio(js[3], js[2])), cell(ts), fmtRatio(speedRatio(ts, js[2]))]];
  });
  if (rows.length === 0) return '';
  return table(['W1', ...PUREJS.map(([, , l]) => l), '2 workers ÷ 1', 'nabla ts', 'nabla ts ÷ blocked best'], rows) +
    '\n\nGFLOP/s per call, median [min–max]; * rows 0..127 only (GFLOP/s = 2·128·n²/t). Pure JS: doubles, stored to Float32Array.';
}

/** W1 PEAK: every n=2048 back-to-back cell, per thread count, with nabla's median over each */
export function peakTable(res: Results): string {
  const rows: string[][] = [];
  for (const t of [1, 2]) {
    const p = peakAt(res, t);
    const list = [...(p.nabla ? [p.nabla] : []), ...p.blas];
    for (const r of list) {
      const mine = r === p.nabla;
      rows.push([
        mine ? 'nabla native' : blasLabel(r), String(t), fmt(r.median), `${fmt(r.min)}–${fmt(r.max)}`, fmt(r.max), String(r.n),
        // a window whose threads did not get their cores measured the machine's load, not the library
        `${r.cpuPar.toFixed(2)}${r.cpuPar < 0.85 * t ? ' (busy)' : ''}`,
        mine || !p.nabla ? '' : fmtRatio(p.nabla.median / r.median), mine || !p.nabla ? '' : fmtRatio(p.nabla.median / r.max), r.note ?? '',
      ]);
    }
  }
  if (rows.length === 0) return '';
  return table(['PEAK n=2048', 'threads', 'median', 'min–max', 'best call', 'calls', 'cpu-par', 'nabla median ÷ median', 'nabla median ÷ best call', 'notes'], rows) +
    '\n\n(busy): cpu-par below 0.85 x threads, the window shared its cores with other processes; compare such rows with care.';
}

/** The W1 extras for latest.json: pure-JS peers per n and PEAK per thread count */
export function w1Summary(res: Results): unknown {
  const fig = (r: CellResult | undefined): unknown => (r ? { median: r.median, min: r.min, max: r.max, n: r.n, cpuPar: r.cpuPar, maxErr: r.maxErr } : null);
  const pureJs = w1Cases(res).map((c) => {
    const [naive, simple, best, best2] = PUREJS.map(([k, t]) => res.find('W1', 'purejs', k, t, c));
    const ts = res.find('W1', 'nabla', 'ts', null, c);
    return {
      n: Number(c.slice(2)), naive: fig(naive), naiveRows: naive?.note?.startsWith('rows') ? 128 : undefined, blockedSimple: fig(simple), blockedBest: fig(best),
      blockedBest2Workers: fig(best2), speedup2Workers: speedRatio(best2, best), nablaTs: fig(ts), nablaTsVsBlockedBest: speedRatio(ts, best),
    };
  }).filter((x) => x.naive || x.blockedSimple || x.blockedBest || x.blockedBest2Workers);
  const peak = [1, 2].map((t) => {
    const p = peakAt(res, t);
    const one = (r: CellResult | undefined): unknown => (r ? { lib: r.lib, backend: r.backend, median: r.median, min: r.min, max: r.max, best: r.max, calls: r.n, cpuPar: r.cpuPar, note: r.note } : null);
    return {
      threads: t, nablaNative: one(p.nabla), openblas: p.blas.map(one), openblasBestMedian: one(p.bestMedian), openblasBestCall: one(p.bestCall),
      nablaMedianVsOpenblasMedian: p.nabla && p.bestMedian ? p.nabla.median / p.bestMedian.median : null,
      nablaMedianVsOpenblasBestCall: p.nabla && p.bestCall ? p.nabla.median / p.bestCall.max : null,
      nablaBestCallVsOpenblasBestCall: p.nabla && p.bestCall ? p.nabla.max / p.bestCall.max : null,
    };
  }).filter((x) => x.nablaNative || x.openblas.length);
  return { pureJs, peak };
}

export function detailTable(res: Results): string {
  const rows = res.all.map((r) => {
    const extra: string[] = [];
    if (r.acc !== undefined) extra.push(`acc@1 ${r.acc.toFixed(4)}`);
    if (r.accLast !== undefined) extra.push(`acc@${r.epochs} ${r.accLast.toFixed(4)}`);
    if (r.epochS !== undefined && Number.isFinite(r.epochS)) extra.push(`${r.method === 'windows' ? '~' : ''}${r.epochS.toFixed(1)} s/epoch`);
    if (r.maxErr !== undefined) extra.push(`err ${r.maxErr.toExponential(1)}`);
    if (r.best !== undefined) extra.push(`best call ${fmt(r.best)}`);
    if (r.peakRssMB !== undefined) extra.push(`peak RSS ${fmt(r.peakRssMB)} MB`);
    if (r.note) extra.push(r.note);
    if (r.error) extra.push(r.error.startsWith(SKIPPED) ? `SKIPPED: ${r.error.slice(SKIPPED.length)}` : `ERROR: ${r.error}`);
    return [
      `${r.workload} ${r.case}`, `${r.lib} ${r.backend}${r.engine ? ` (${r.engine})` : ''}`, String(r.threads), r.error ? '–' : fmt(r.median),
      r.error ? '–' : `${fmt(r.min)}–${fmt(r.max)}`, r.unit, r.error ? '' : `${r.n} ${r.method}`, r.error || !Number.isFinite(r.cpuPar) ? '' : r.cpuPar.toFixed(2), extra.join('; '),
    ];
  });
  return table(['workload', 'implementation', 'threads', 'median', 'min–max', 'unit', 'n', 'cpu-par', 'notes'], rows);
}
