/**
 * The WebAssembly tables of issue 13: W1-W5 in Node (nabla wasm 1 and 2 threads beside TF.js
 * wasm, jax-js's wasm device and, for W3, ConvNetJS), and the browser run (W1, W2, W5 in
 * Chromium, with nabla wasm's Node figure for the same page code). A cell that was skipped or
 * cannot run says so ('skipped', 'cannot train'); the reasons are listed under the table.
 */
import { Results, fmt, fmtRatio, speedRatio, table } from './report.js';
import { SKIPPED, type CellResult, type WorkloadId } from './lib/types.js';

/** The failed or skipped result of a cell, if any (in the view's engine). */
function failure(res: Results, w: WorkloadId, lib: string, backend: string, threads: number | null): CellResult | undefined {
  return res.all.find((r) => r.engine === res.engine && r.workload === w && r.lib === lib && r.backend === backend && (threads === null || r.threads === threads) && r.error !== undefined);
}

function text(res: Results, w: WorkloadId, lib: string, backend: string, threads: number | null, kase: string | undefined, notes: Set<string>): string {
  const r = threads === null ? res.best(w, lib, backend, kase) : res.find(w, lib, backend, threads, kase);
  if (r) return fmt(r.median);
  const f = failure(res, w, lib, backend, threads);
  if (!f?.error) return '–';
  const label = `${lib} ${backend}${threads !== null ? ` ${threads}T` : ''}`;
  if (f.error.startsWith(SKIPPED)) {
    notes.add(`${label}: ${f.error.slice(SKIPPED.length)}`);
    return 'skipped';
  }
  notes.add(`${label} (${w}): ${f.error}`);
  return /cannot train/.test(f.error) ? 'cannot train' : 'error';
}

/** the W1 cases measured by any of the given libs, in increasing n */
function w1Cases(res: Results, libs: string[]): string[] {
  const cs = new Set(res.ok().filter((r) => r.workload === 'W1' && libs.includes(r.lib) && r.case.startsWith('n=') && (r.lib !== 'nabla' || r.backend === 'wasm')).map((r) => r.case));
  return [...cs].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

/** the per-workload case each library's W5 figure is read from (TF.js: raw ops; jax-js: jit) */
const W5_CASE: Record<string, string> = { nabla: 'forward', tfjs: 'raw ops', jaxjs: 'jit' };

function rowsFor(res: Results): { w: WorkloadId; kase: string | undefined; label: string }[] {
  const out: { w: WorkloadId; kase: string | undefined; label: string }[] = [];
  for (const c of w1Cases(res, ['nabla', 'tfjs', 'jaxjs'])) out.push({ w: 'W1', kase: c, label: `W1 GEMM ${c}` });
  const labels: Partial<Record<WorkloadId, string>> = { W2: 'W2 MLP epoch', W3: 'W3 CNN epoch', W4: 'W4 char-LSTM', W5: 'W5 batch-1 MLP' };
  for (const w of ['W2', 'W3', 'W4', 'W5'] as WorkloadId[]) {
    if (res.all.some((r) => r.engine === res.engine && r.workload === w && (r.backend === 'wasm' || r.lib === 'convnetjs' || r.lib === 'jaxjs'))) out.push({ w, kase: undefined, label: labels[w]! });
  }
  return out;
}

/** Node: nabla wasm beside the wasm peers, with nabla native 1T for reference. */
export function wasmTable(res: Results): string {
  const notes = new Set<string>();
  const rows = rowsFor(res).map(({ w, kase, label }) => {
    const k = (lib: string): string | undefined => (w === 'W5' ? W5_CASE[lib] : kase);
    const get = (lib: string, backend: string, t: number | null): CellResult | undefined => (t === null ? res.best(w, lib, backend, k(lib)) : res.find(w, lib, backend, t, k(lib)));
    const n1 = get('nabla', 'wasm', 1);
    const unit = (n1 ?? get('tfjs', 'wasm', 1) ?? get('jaxjs', 'wasm', null) ?? get('convnetjs', 'js', 1))?.unit ?? '';
    return [
      label, unit,
      text(res, w, 'nabla', 'wasm', 1, k('nabla'), notes), text(res, w, 'nabla', 'wasm', 2, k('nabla'), notes),
      fmt(get('nabla', 'native', 1)?.median),
      text(res, w, 'tfjs', 'wasm', 1, k('tfjs'), notes), w === 'W3' || w === 'W4' ? '' : text(res, w, 'tfjs', 'wasm', 2, k('tfjs'), notes),
      w === 'W1' || w === 'W2' || w === 'W5' ? text(res, w, 'jaxjs', 'wasm', null, k('jaxjs'), notes) : '',
      w === 'W3' ? text(res, w, 'convnetjs', 'js', 1, undefined, notes) : '',
      fmtRatio(speedRatio(n1, get('tfjs', 'wasm', 1))), fmtRatio(speedRatio(n1, get('jaxjs', 'wasm', null))), fmtRatio(speedRatio(n1, get('convnetjs', 'js', 1))),
    ];
  });
  if (rows.length === 0) return '';
  const t = table(['workload', 'unit', 'nabla wasm 1T', 'nabla wasm 2T', '(nabla native 1T)', 'TF.js wasm 1T', 'TF.js wasm 2T', 'jax-js wasm', 'ConvNetJS', 'nabla wasm 1T ÷ TF.js wasm', '÷ jax-js', '÷ ConvNetJS'], rows);
  return t + '\n\nRatios are speed ratios (> 1: nabla faster; W5 compares us/call, TF.js by its raw ops, jax-js by its jit).' + notesText(notes);
}

function notesText(notes: Set<string>): string {
  return notes.size ? '\n\n' + [...notes].map((n) => `- ${n}`).join('\n') : '';
}

/** Chromium: nabla wasm (and its Node figure for the same page code) beside TF.js wasm and jax-js, 1 and 2 threads. */
export function browserTable(all: Results): string {
  const ch = all.onEngine('chromium');
  const nd = all.onEngine('node-page');
  const notes = new Set<string>();
  const cases: { w: WorkloadId; kase: string | undefined; label: string }[] = [];
  for (const c of w1Cases(ch, ['nabla', 'tfjs', 'jaxjs'])) cases.push({ w: 'W1', kase: c, label: `W1 GEMM ${c}` });
  if (ch.all.some((r) => r.engine === 'chromium' && r.workload === 'W2')) cases.push({ w: 'W2', kase: undefined, label: 'W2 MLP epoch' });
  if (ch.all.some((r) => r.engine === 'chromium' && r.workload === 'W5')) cases.push({ w: 'W5', kase: undefined, label: 'W5 batch-1 MLP' });
  const rows = cases.map(({ w, kase, label }) => {
    const k = (lib: string): string | undefined => (w === 'W5' ? W5_CASE[lib] : kase);
    const node = nd.find(w, 'nabla', 'wasm', 1, k('nabla'));
    const chr = ch.find(w, 'nabla', 'wasm', 1, k('nabla'));
    const unit = (chr ?? node ?? ch.find(w, 'tfjs', 'wasm', 1, k('tfjs')))?.unit ?? '';
    return [
      label, unit, text(nd, w, 'nabla', 'wasm', 1, k('nabla'), notes),
      text(ch, w, 'nabla', 'wasm', 1, k('nabla'), notes), text(ch, w, 'nabla', 'wasm', 2, k('nabla'), notes),
      text(ch, w, 'tfjs', 'wasm', 1, k('tfjs'), notes), text(ch, w, 'tfjs', 'wasm', 2, k('tfjs'), notes),
      text(ch, w, 'jaxjs', 'wasm', 1, k('jaxjs'), notes), text(ch, w, 'jaxjs', 'wasm', 2, k('jaxjs'), notes),
      fmtRatio(speedRatio(node, chr)), fmtRatio(speedRatio(chr, ch.find(w, 'tfjs', 'wasm', 1, k('tfjs')))), fmtRatio(speedRatio(chr, ch.find(w, 'jaxjs', 'wasm', 1, k('jaxjs')))),
    ];
  });
  if (rows.length === 0) return '';
  const t = table(['workload', 'unit', 'nabla wasm, Node (same page code) 1T', 'nabla wasm Chromium 1T', 'nabla wasm Chromium 2T', 'TF.js wasm Chromium 1T', 'TF.js wasm Chromium 2T', 'jax-js Chromium 1T', 'jax-js Chromium 2T', 'Chromium ÷ Node time', 'nabla ÷ TF.js wasm (Chromium 1T)', 'nabla ÷ jax-js (Chromium 1T)'], rows);
  return t + '\n\n"Chromium ÷ Node time": how much longer the same nabla code takes in the page than in Node (<= 1.2x is the floor). W5: TF.js raw ops, jax-js jit.' + notesText(notes);
}
