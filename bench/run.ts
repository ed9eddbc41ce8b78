/**
 * `npm run bench`: the workloads of WORKLOADS.md (W1 GEMM, W2 MLP epoch, W3 CNN epoch, W4
 * char-LSTM, W5 batch-1 latency, OPS per-op overhead, W6 char-GPT) on nabla's backends (native with 1 and 2
 * threads, ts) and, in the same run, the installed peers (PyTorch and numpy/OpenBLAS through
 * /usr/bin/python3, TensorFlow.js cpu and wasm, W1's pure-JS loops), plus W1 PEAK (n=2048 back to
 * back, nabla native beside OpenBLAS). Each measurement runs in its own process.
 * Prints the summary, the issue-6 targets with pass/fail (ratios from this run) and every
 * measurement; writes bench/results/latest.json.
 *
 *   npm run bench                      # everything (~25 min on the 2-core machine; W1 alone ~5 min)
 *   npm run bench -- --quick           # smoke run, seconds per cell (< 2 min)
 *   npm run bench -- w2 w3 --no-peers  # some workloads, nabla only
 *   npm run bench -- browser           # W1, W2, W5 in headless Chromium (nabla wasm, TF.js wasm, jax-js) + nabla wasm in Node
 *   npm run bench -- --floors wasm     # the WebAssembly floors of issue 13 (Node and Chromium), pass/FAIL each
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RESULT_TAG, SKIPPED, type CellResult } from './lib/types.js';
import { parseArgs, type Args } from './args.js';
import { planBrowser, planCells, type Availability, type PlannedCell } from './plan.js';
import { Results, detailTable, peakTable, pureJsTable, summaryTable, targets, w1Summary } from './report.js';
import { probeParallelism, type ProbeResult } from './lib/probe.js';
import { loadCorpus } from './corpus.js';
import { ensurePeers } from '../scripts/peers.mjs';
import { w6Table } from './lib/w6report.js';
import { floors, floorsTable, rssTable, wasmFloors } from './floors.js';
import { browserTable, wasmTable } from './wasmreport.js';
import { CHROMIUM, runBrowserCells } from './browser/run.js';
import { INSTALL_HINT, optionalVersion } from './lib/optional.js';
import { gcTuning, tuneGc } from '../src/node/gc-tune.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const PYTHON = '/usr/bin/python3';
/** NABLA_BENCH_LIB=src: the cells run the library's TypeScript source through tsx instead of dist/ */
const libFromSource = process.env['NABLA_BENCH_LIB'] === 'src';

/**
 * Compiles src/ into dist/ (scripts/build-ts.mjs, as `npm start` does) so the cells measure the
 * code in the working tree, as users load it (compiled JavaScript, not tsx's on-the-fly transform:
 * that one cost W3 a third more CPU time per step, 13-14 vs 9.7-10 ms, on 2026-12-07).
 */
function buildDist(): void {
  if (libFromSource) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-ts.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: building dist/ failed (node scripts/build-ts.mjs, exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
}

/**
 * Snapshots build/Release/nabla_native.node into a temp dir and points every cell at it
 * (NABLA_NATIVE_PATH), so one addon version serves the whole run even if it is rebuilt meanwhile.
 * If the addon is missing but a build seems to be in progress, waits up to a minute for it.
 */
async function snapshotAddon(): Promise<string | null> {
  if (process.env['NABLA_NATIVE_PATH'] || process.env['NABLA_NATIVE'] === '0') return null;
  const built = join(ROOT, 'build', 'Release', 'nabla_native.node');
  for (let i = 0; i < 60 && !existsSync(built) && existsSync(join(ROOT, 'build', 'Release', 'obj.target')); i++) {
    if (i === 0) process.stdout.write('waiting for the native addon build to finish...\n');
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!existsSync(built)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'nabla-bench-'));
  const copy = join(dir, 'nabla_native.node');
  copyFileSync(built, copy);
  process.env['NABLA_NATIVE_PATH'] = copy;
  return dir;
}

interface NativeInfoLite { isa: string; isaBest?: string; isaForced?: boolean; mr: number; nr: number; mc: number; kc: number; nc: number; caches?: { l1d: number; l2: number; l3: number; source: string } }

async function availability(): Promise<Availability & { nativeInfo: NativeInfoLite | null; nativeError: string | null; torchVersion: string | null; tfjsVersion: string | null; ortVersion: string | null; jaxjsVersion: string | null; convnetjsVersion: string | null; wasm: string | null }> {
  const native = await import('../src/backend/native/index.js');
  const ok = native.loadNativeBackend() !== null;
  const py = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__, numpy.__version__)'], { encoding: 'utf8' });
  // the JS peers live in bench/node_modules (scripts/peers.mjs), resolved from this directory
  const req = createRequire(join(HERE, 'package.json'));
  const version = (name: string): string | null => {
    try {
      return (req(`${name}/package.json`) as { version: string }).version;
    } catch {
      // a package whose "exports" hide package.json (jax-js): read it from bench/node_modules
      const file = join(HERE, 'node_modules', ...name.split('/'), 'package.json');
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null;
    }
  };
  const tfjsVersion = version('@tensorflow/tfjs');
  return {
    native: ok,
    nativeInfo: ok ? (native.nativeInfo() as NativeInfoLite) : null,
    nativeError: ok ? null : native.nativeLoadError(),
    python: py.status === 0,
    torchVersion: py.status === 0 ? py.stdout.trim() : null,
    tfjs: tfjsVersion !== null,
    tfjsWasm: version('@tensorflow/tfjs-backend-wasm') !== null,
    tfjsVersion,
    ort: optionalVersion('onnxruntime-node') !== null,
    ortVersion: optionalVersion('onnxruntime-node'),
    jaxjs: version('@jax-js/jax') !== null,
    jaxjsVersion: version('@jax-js/jax'),
    convnetjs: version('convnetjs') !== null,
    convnetjsVersion: version('convnetjs'),
    wasm: await wasmState(),
  };
}

/** what the wasm backend reports about itself (nb.wasmInfo(): kernels, GEMM tile, threads), for the header */
let wasmInfoLine = 'null';

/** null when nabla's wasm backend registers in Node, else why not (its cells then skip with that reason). */
async function wasmState(): Promise<string | null> {
  const { useBackend } = await import('./web/backend.js');
  const nb = await import('../src/index.js');
  const before = nb.getBackend();
  try {
    await useBackend('wasm', 0);
    wasmInfoLine = JSON.stringify(nb.wasmInfo());
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    nb.setBackend(before);
  }
}

/**
 * The AVX2 stand-in: nabla forced to its AVX2 kernels on a CPU with AVX-512 (`--isa avx2` or
 * NABLA_ISA=avx2). The peers are then held to AVX2 too: OpenBLAS's Haswell kernels
 * (OPENBLAS_CORETYPE=Haswell) and PyTorch's AVX2 kernels: ATEN_CPU_CAPABILITY=avx2 for ATen's own,
 * ONEDNN_MAX_CPU_ISA=AVX2 for oneDNN (its convolutions), which ATEN_CPU_CAPABILITY does not reach:
 * without it PyTorch's W3 ran its convolutions with AVX-512 while nabla was held to AVX2.
 */
const STANDIN_ENV: Record<string, string> = { OPENBLAS_CORETYPE: 'Haswell', ATEN_CPU_CAPABILITY: 'avx2', ONEDNN_MAX_CPU_ISA: 'AVX2', DNNL_MAX_CPU_ISA: 'AVX2' };
let standin = false;

interface BlasProbe { numpy: string | null; torch: string | null; libs: string[]; openblas: string | null; reference: boolean; torchCpu: string | null; onednn?: string | null; error?: string }

/** Which BLAS and CPU kernels the Python peers load, with the environment their cells get. */
function probePythonBlas(): BlasProbe {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  if (standin) Object.assign(env, STANDIN_ENV);
  const r = spawnSync(PYTHON, [join(HERE, 'peers', 'blas_probe.py')], { env, encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as BlasProbe;
  } catch {
    return { numpy: null, torch: null, libs: [], openblas: null, reference: false, torchCpu: null, error: (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}` };
  }
}

const kib = (b: number): string => (b >= 1 << 20 ? `${b / (1 << 20)} MiB` : `${b / 1024} KiB`);

function cellName(c: PlannedCell): string {
  const s = c.spec;
  if (s.workload === 'W1' && s.peak) return `W1 PEAK n=2048 ${s.lib} ${s.backend} ${s.threads}T`;
  if (s.workload === 'W1' && s.pair) return `W1 ${s.lib} ${s.backend} 1T and 2T, paired rounds`;
  if (s.workload === 'W1' && s.lib === 'nabla' && s.backend === 'native') return `W1 bench/gemm.ts (nabla native 1T/2T, ts${s.peers ? ', numpy 1T/2T' : ''})`;
  return `${s.workload} ${s.lib} ${s.backend} ${s.label ?? `${s.threads}T`}`;
}

function runCell(c: PlannedCell): Promise<CellResult[]> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let cmd: string;
  let args: string[];
  if (c.runner === 'python') {
    delete env['OPENBLAS_CORETYPE'];
    delete env['OPENBLAS_L2_SIZE'];
    // the AVX2 stand-in holds the peers to AVX2 kernels too (W1 PEAK keeps its own OpenBLAS variants)
    if (standin) Object.assign(env, c.spec.peak ? { ATEN_CPU_CAPABILITY: 'avx2' } : STANDIN_ENV);
    env['OMP_NUM_THREADS'] = String(c.spec.threads);
    env['OPENBLAS_NUM_THREADS'] = String(c.spec.blasThreads ?? c.spec.threads);
    Object.assign(env, c.spec.blasEnv ?? {});
    cmd = PYTHON;
    args = [join(HERE, 'peers', 'torch_bench.py'), JSON.stringify(c.spec)];
  } else {
    delete env['NABLA_BACKEND'];
    delete env['NABLA_NUM_THREADS'];
    env['NABLA_NO_NATIVE_WARNING'] = '1';
    // bench/gemm.ts runs numpy with the stand-in's OpenBLAS kernels
    if (standin) env['NABLA_BENCH_STANDIN'] = 'avx2';
    cmd = process.execPath;
    // nabla from dist/ (compiled, what users import), unless NABLA_BENCH_LIB=src: see bench/lib/dist-hooks.mjs
    args = ['--import', 'tsx', ...(libFromSource ? [] : ['--import', join(HERE, 'lib', 'use-dist.mjs')]), join(HERE, 'cell.ts'), JSON.stringify(c.spec)];
  }
  const timeoutMs = (c.spec.quick ? 60 : 240 + 6 * c.spec.budgetS) * 1000;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const results = out.split('\n').filter((l) => l.startsWith(RESULT_TAG)).map((l) => JSON.parse(l.slice(RESULT_TAG.length)) as CellResult);
      if (results.length > 0 && code === 0) return resolve(results);
      const why = signal ? `killed (${signal}) after ${timeoutMs / 1000} s` : `exit ${code}`;
      const lastErr = err.split('\n').map((l) => l.trim()).filter((l) => /Error|error:/.test(l)).pop() ?? err.trim().split('\n').pop() ?? '';
      const s = c.spec;
      resolve([...results, {
        workload: s.workload, lib: s.lib, backend: s.backend, threads: s.label ?? s.threads, case: '', metric: '', unit: '',
        higherIsBetter: true, median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error: `${why}: ${lastErr.slice(0, 200)}`,
      }]);
    });
  });
}

function short(r: CellResult): string {
  if (r.error) return r.error.startsWith(SKIPPED) ? `SKIPPED ${r.error.slice(SKIPPED.length)}` : `ERROR ${r.error}`;
  const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const acc = r.acc !== undefined ? `, acc ${r.acc.toFixed(4)}` : '';
  const who = r.workload === 'W1' ? `${r.lib} ${r.backend} ${r.threads}T ` : '';
  return `${who}${r.case} ${f(r.median)} ${r.unit} [${f(r.min)}-${f(r.max)}] n=${r.n} ${r.method}${Number.isFinite(r.cpuPar) ? `, cpu-par ${r.cpuPar.toFixed(2)}` : ''}${acc}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.isa) process.env['NABLA_ISA'] = args.isa;
  const t0 = Date.now();
  buildDist();
  const snapshot = await snapshotAddon();
  try {
    await measure(args, t0);
  } finally {
    if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  }
}

async function measure(args: Args, t0: number): Promise<void> {
  // TensorFlow.js is a benchmark-only peer, installed on first use (bench/package.json)
  if (args.peers) ensurePeers(HERE, { what: 'benchmark peers', size: '~290 MB; `npm run bench -- --no-peers` skips them' });
  const av = await availability();
  const lines: string[] = [];
  const log = (s: string): void => { process.stdout.write(s + '\n'); };
  const ni = av.nativeInfo;
  standin = !!ni && ni.isa === 'avx2' && ni.isaForced === true;
  log(`nabla bench ${args.quick ? '(--quick) ' : ''}— ${new Date().toISOString()}, node ${process.version}`);
  log(`CPU: ${cpus()[0]?.model ?? '?'}, ${cpus().length} logical CPUs${ni?.caches ? `; caches L1d ${kib(ni.caches.l1d)}, L2 ${kib(ni.caches.l2)}, L3 ${kib(ni.caches.l3)} (${ni.caches.source})` : ''}`);
  if (av.native && ni) {
    const forced = ni.isaForced ? `FORCED by NABLA_ISA=${process.env['NABLA_ISA']} (this CPU's best: ${ni.isaBest})` : `this CPU's best${process.env['NABLA_ISA'] ? ` (NABLA_ISA=${process.env['NABLA_ISA']})` : ''}`;
    log(`nabla native kernels: ${ni.isa}, ${forced}; GEMM tile ${ni.mr}x${ni.nr}, blocks MC ${ni.mc} KC ${ni.kc} NC ${ni.nc}`);
    if (args.isa && ni.isa !== args.isa) log(`WARNING: --isa ${args.isa} was not honoured (not supported by this CPU): nabla runs ${ni.isa}`);
    if (standin) log(`AVX2 stand-in: peers held to AVX2 as well (${Object.entries(STANDIN_ENV).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  } else {
    log(`native backend: NOT BUILT (${av.nativeError}); nabla runs on 'ts' only — build it with \`npm run build:native\``);
  }
  // the cells' Node entry applies the same setting (same environment): say which
  tuneGc();
  log(`V8 garbage collector in nabla's cells: ${gcTuning()}`);
  log(`nabla library: ${libFromSource ? 'src/ through tsx (NABLA_BENCH_LIB=src)' : 'dist/ (compiled by scripts/build-ts.mjs at the start of this run; NABLA_BENCH_LIB=src measures the source through tsx)'}`);
  log(`peers: ${args.peers ? `PyTorch/numpy ${av.torchVersion ?? 'not installed'} (${PYTHON}), tfjs ${av.tfjsVersion ?? 'not installed'}${av.tfjsWasm ? ' (+wasm)' : ''}, onnxruntime-node ${av.ortVersion ?? 'not installed'}, jax-js ${av.jaxjsVersion ?? 'not installed'}, convnetjs ${av.convnetjsVersion ?? 'not installed'}` : 'off (--no-peers)'}`);
  log(`nabla wasm backend: ${av.wasm === null ? `registered; wasmInfo ${wasmInfoLine}` : `NOT AVAILABLE, its cells skip: ${av.wasm}`}`);
  if (args.peers && !av.ort && args.workloads.includes('W5')) log(`  (W5's ONNX Runtime peer skipped: install it with ${INSTALL_HINT['onnxruntime-node']})`);
  let blas: BlasProbe | null = null;
  let peersRefused: string | null = null;
  if (args.peers && av.python) {
    blas = probePythonBlas();
    log(`Python peers' BLAS: ${blas.libs.join(', ') || 'none found'}${blas.openblas ? `; ${blas.openblas}` : ''}; PyTorch ${blas.torchCpu ?? '?'}; oneDNN ${blas.onednn ?? '?'}`);
    if (standin && blas.onednn && /512/.test(blas.onednn)) log(`WARNING: the AVX2 stand-in could not hold oneDNN to AVX2 (it reports ${blas.onednn}): PyTorch's convolutions use AVX-512 here`);
    if (blas.reference) {
      peersRefused = 'the Python peers run on the reference BLAS';
      log(`REFUSING to compare with the Python peers: numpy/PyTorch loaded the reference BLAS (${blas.libs.join(', ')}), ~15x slower than OpenBLAS, so every ratio would flatter nabla. Install OpenBLAS (bench/setup.sh, or apt-get install libopenblas0-pthread) and run again.`);
      av.python = false;
    }
  }
  if (args.workloads.includes('W4') || args.workloads.includes('W6')) loadCorpus();
  const probeN = args.quick ? 30_000_000 : 100_000_000;
  const before: ProbeResult = await probeParallelism(probeN);
  log(`machine check before: 2-worker speed-up on scalar JS ${before.speedup2.toFixed(2)} (2.00 = second vCPU available), load average ${before.loadavg.join(' ')}, round trip between two threads ${before.roundTripNs.toFixed(0)} ns`);
  if (args.floors === 'native') log('--floors: only the cells the floors compare (nabla native, PyTorch/numpy, ONNX Runtime; no ts backend, TF.js, pure JS or W1 PEAK)');
  if (args.floors === 'wasm') log('--floors wasm: only the cells the WebAssembly floors compare (nabla wasm, TF.js wasm, jax-js, ConvNetJS in Node; nabla wasm in Chromium and the same page code in Node)');
  // `browser` without --floors: the browser run alone (W1, W2, W5), with nabla wasm's Node figure for the same code
  const browserOnly = args.browser && args.floors !== 'wasm';
  const bplan = args.browser ? planBrowser(args.workloads, args.quick, args.peers, args.floors === 'wasm') : { browser: [], node: [] };
  const cells = [
    ...(browserOnly ? [] : planCells(args.workloads, args.quick, args.peers, { ...av, floorsOnly: args.floors === 'native', wasmFloors: args.floors === 'wasm' })),
    ...bplan.node,
  ];
  const all: CellResult[] = [];
  for (const [i, c] of cells.entries()) {
    const t = Date.now();
    const rs = await runCell(c);
    all.push(...rs);
    for (const r of rs) log(`[${i + 1}/${cells.length}] ${cellName(c)}: ${short(r)}  (${((Date.now() - t) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)})`);
  }
  let browserInfo: { isolated: boolean | null; userAgent: string | null } | null = null;
  if (bplan.browser.length > 0) {
    log(`browser run: ${bplan.browser.length} cells in ${CHROMIUM} (headless, cross-origin isolated by COOP/COEP headers), a fresh page each`);
    const t = Date.now();
    const b = await runBrowserCells(bplan.browser, (_l, r, c) => log(`[chromium ${bplan.browser.indexOf(c) + 1}/${bplan.browser.length}] ${r.workload} ${r.lib} ${r.backend} ${r.threads}T: ${short(r)}  (${((Date.now() - t) / 1000).toFixed(0)} s)`));
    all.push(...b.results);
    browserInfo = { isolated: b.isolated, userAgent: b.userAgent };
    log(`browser: ${b.userAgent ?? 'not run'}; crossOriginIsolated ${b.isolated}`);
  }
  const after = await probeParallelism(probeN);
  log(`machine check after: 2-worker speed-up ${after.speedup2.toFixed(2)}, load average ${after.loadavg.join(' ')}`);
  const res = new Results(all);
  const tg = targets(res);
  const wall = (Date.now() - t0) / 1000;
  // the native summary, unless the run measured only the WebAssembly/browser cells
  if (!browserOnly && args.floors !== 'wasm') lines.push(`## Summary (medians; ratios = nabla speed ÷ peer speed, nabla = best native thread setting)\n`, summaryTable(res), '');
  const wt = wasmTable(res);
  if (wt) lines.push(`## WebAssembly in Node (issue 13; same run, side by side)\n`, wt, '');
  const bt = browserTable(res);
  if (bt) lines.push(`## In Chromium (${browserInfo?.userAgent?.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, headless, crossOriginIsolated ${browserInfo?.isolated}; same run)\n`, bt, '');
  const fl = args.floors === 'wasm' || browserOnly ? [] : floors(res, peersRefused);
  if (fl.length) lines.push(`## Floors of issue 16 (ratios from this run; nabla kernels ${ni ? `${ni.isa}${standin ? ', AVX2 stand-in: OpenBLAS Haswell, PyTorch AVX2' : ''}` : 'ts only'})\n`, floorsTable(fl), '');
  // `browser` alone: only the Chromium-vs-Node floors (the others need the Node cells it does not run)
  const wfl = args.floors === 'native' ? [] : wasmFloors(res).filter((f) => !browserOnly || f.floor.includes('Chromium'));
  if (args.floors === 'wasm' || wfl.some((f) => f.pass !== null)) lines.push(`## WebAssembly floors of issue 13 (one thread unless stated; ratios from this run)\n`, floorsTable(wfl, 'issue 13'), '');
  const rss = browserOnly || args.floors === 'wasm' ? '' : rssTable(res);
  if (rss) lines.push(`## Peak RSS of the training workloads\n`, rss, '');
  const pj = pureJsTable(res);
  if (pj) lines.push(`## W1 pure-JS GEMM peers (bench/purejs; WORKLOADS: the reference backend's ballpark)\n`, pj, '');
  const pk = peakTable(res);
  if (pk) lines.push(`## W1 PEAK: n=2048 back to back for ${args.quick ? '1 s after 1 warm-up call (--quick)' : '4 s after 3 warm-up calls'} (ratios: nabla native median ÷ the row)\n`, pk, '');
  const w6 = w6Table(res);
  if (w6) lines.push(`## W6 char-GPT (same run, side by side; tokens/s and peak RSS per process)\n`, w6, '');
  lines.push(`## Every measurement\n`, detailTable(res), '');
  lines.push(`CPU: ${cpus()[0]?.model ?? '?'}; nabla kernels ${ni ? `${ni.isa}${ni.isaForced ? ` (forced; CPU best ${ni.isaBest})` : ''}` : 'ts'}; Python peers' BLAS ${blas?.openblas ?? blas?.libs.join(', ') ?? '–'}, PyTorch ${blas?.torchCpu?.replace(/^- /, '') ?? '–'}, oneDNN ${blas?.onednn ?? '–'}.`);
  lines.push(`Machine: 2-worker speed-up ${before.speedup2.toFixed(2)} before / ${after.speedup2.toFixed(2)} after, load average ${before.loadavg[0]} / ${after.loadavg[0]}, round trip between two threads ${before.roundTripNs.toFixed(0)} ns; native: ${av.native ? 'built' : 'not built (ts only)'}; run took ${(wall / 60).toFixed(1)} min.`);
  log('\n' + lines.join('\n'));
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const json = {
    date: new Date().toISOString(), quick: args.quick, workloads: args.workloads, peers: args.peers, wallSeconds: wall,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, gc: gcTuning(), probeBefore: before, probeAfter: after },
    native: { available: av.native, info: av.nativeInfo, error: av.nativeError },
    peerVersions: { torch: av.torchVersion, tfjs: av.tfjsVersion, tfjsWasm: av.tfjsWasm, onnxruntimeNode: av.ortVersion },
    isa: ni ? { used: ni.isa, best: ni.isaBest, forced: ni.isaForced, standin } : null, pythonBlas: blas, peersRefused, floors: fl, wasmFloors: wfl,
    wasm: { available: av.wasm === null, reason: av.wasm }, browser: browserInfo,
    targets: tg, w1: args.workloads.includes('W1') ? w1Summary(res) : undefined, results: all,
  };
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(json, null, 1) + '\n');
  log(`\nwrote ${join('bench', 'results', 'latest.json')}`);
}

await main();
