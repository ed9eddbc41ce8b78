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
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RESULT_TAG, type CellResult, type WorkloadId } from './lib/types.js';
import { planCells, type Availability, type PlannedCell } from './plan.js';
import { Results, detailTable, peakTable, pureJsTable, summaryTable, targets, targetsTable, w1Summary } from './report.js';
import { probeParallelism, type ProbeResult } from './lib/probe.js';
import { loadCorpus } from './corpus.js';
import { ensurePeers } from '../scripts/peers.mjs';
import { w6Table } from './lib/w6report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const PYTHON = '/usr/bin/python3';
const ALL: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'OPS', 'W6'];

interface Args { quick: boolean; peers: boolean; workloads: WorkloadId[]; ts: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, peers: true, workloads: [], ts: true };
  for (const x of argv) {
    const l = x.toLowerCase();
    if (l === '--quick') a.quick = true;
    else if (l === '--no-peers') a.peers = false;
    else if (l === '--help' || l === '-h') {
      process.stdout.write('Usage: npm run bench -- [w1 w2 w3 w4 w5 w6 ops] [--quick] [--no-peers]\n');
      process.exit(0);
    } else {
      const w = ALL.find((id) => id.toLowerCase() === l);
      if (!w) {
        process.stderr.write(`bench: unknown argument ${x}; use workloads w1..w6, ops, --quick, --no-peers\n`);
        process.exit(2);
      }
      a.workloads.push(w);
    }
  }
  if (a.workloads.length === 0) a.workloads = [...ALL];
  return a;
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

async function availability(): Promise<Availability & { nativeInfo: unknown; nativeError: string | null; torchVersion: string | null; tfjsVersion: string | null }> {
  const native = await import('../src/backend/native/index.js');
  const ok = native.loadNativeBackend() !== null;
  const py = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__, numpy.__version__)'], { encoding: 'utf8' });
  // the JS peers live in bench/node_modules (scripts/peers.mjs), resolved from this directory
  const req = createRequire(join(HERE, 'package.json'));
  const version = (name: string): string | null => {
    try {
      return (req(`${name}/package.json`) as { version: string }).version;
    } catch {
      return null;
    }
  };
  const tfjsVersion = version('@tensorflow/tfjs');
  return {
    native: ok,
    nativeInfo: ok ? native.nativeInfo() : null,
    nativeError: ok ? null : native.nativeLoadError(),
    python: py.status === 0,
    torchVersion: py.status === 0 ? py.stdout.trim() : null,
    tfjs: tfjsVersion !== null,
    tfjsWasm: version('@tensorflow/tfjs-backend-wasm') !== null,
    tfjsVersion,
  };
}

function cellName(c: PlannedCell): string {
  const s = c.spec;
  if (s.workload === 'W1' && s.peak) return `W1 PEAK n=2048 ${s.lib} ${s.backend} ${s.threads}T`;
  if (s.workload === 'W1' && s.lib === 'nabla') return `W1 bench/gemm.ts (nabla native 1T/2T, ts${s.peers ? ', numpy 1T/2T' : ''})`;
  return `${s.workload} ${s.lib} ${s.backend} ${s.label ?? `${s.threads}T`}`;
}

function runCell(c: PlannedCell): Promise<CellResult[]> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let cmd: string;
  let args: string[];
  if (c.runner === 'python') {
    delete env['OPENBLAS_CORETYPE'];
    delete env['OPENBLAS_L2_SIZE'];
    env['OMP_NUM_THREADS'] = String(c.spec.threads);
    env['OPENBLAS_NUM_THREADS'] = String(c.spec.blasThreads ?? c.spec.threads);
    Object.assign(env, c.spec.blasEnv ?? {});
    cmd = PYTHON;
    args = [join(HERE, 'peers', 'torch_bench.py'), JSON.stringify(c.spec)];
  } else {
    delete env['NABLA_BACKEND'];
    delete env['NABLA_NUM_THREADS'];
    env['NABLA_NO_NATIVE_WARNING'] = '1';
    cmd = process.execPath;
    args = ['--import', 'tsx', join(HERE, 'cell.ts'), JSON.stringify(c.spec)];
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
  if (r.error) return `ERROR ${r.error}`;
  const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const acc = r.acc !== undefined ? `, acc ${r.acc.toFixed(4)}` : '';
  const who = r.workload === 'W1' ? `${r.lib} ${r.backend} ${r.threads}T ` : '';
  return `${who}${r.case} ${f(r.median)} ${r.unit} [${f(r.min)}-${f(r.max)}] n=${r.n} ${r.method}, cpu-par ${r.cpuPar.toFixed(2)}${acc}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
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
  log(`nabla bench ${args.quick ? '(--quick) ' : ''}— ${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  log(`native backend: ${av.native ? JSON.stringify(av.nativeInfo) : `NOT BUILT (${av.nativeError}); nabla runs on 'ts' only — build it with \`npm run build:native\``}`);
  log(`peers: ${args.peers ? `PyTorch/numpy ${av.torchVersion ?? 'not installed'} (${PYTHON}), tfjs ${av.tfjsVersion ?? 'not installed'}${av.tfjsWasm ? ' (+wasm)' : ''}` : 'off (--no-peers)'}`);
  if (args.workloads.includes('W4') || args.workloads.includes('W6')) loadCorpus();
  const probeN = args.quick ? 30_000_000 : 100_000_000;
  const before: ProbeResult = await probeParallelism(probeN);
  log(`machine check before: 2-worker speed-up on scalar JS ${before.speedup2.toFixed(2)} (2.00 = second vCPU available), load average ${before.loadavg.join(' ')}`);
  const cells = planCells(args.workloads, args.quick, args.peers, av);
  const all: CellResult[] = [];
  for (const [i, c] of cells.entries()) {
    const t = Date.now();
    const rs = await runCell(c);
    all.push(...rs);
    for (const r of rs) log(`[${i + 1}/${cells.length}] ${cellName(c)}: ${short(r)}  (${((Date.now() - t) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)})`);
  }
  const after = await probeParallelism(probeN);
  log(`machine check after: 2-worker speed-up ${after.speedup2.toFixed(2)}, load average ${after.loadavg.join(' ')}`);
  const res = new Results(all);
  const tg = targets(res);
  const wall = (Date.now() - t0) / 1000;
  lines.push(`## Summary (medians; ratios = nabla speed ÷ peer speed, nabla = best native thread setting)\n`, summaryTable(res), '');
  lines.push(`## Targets of issue 6 (ratios from this run)\n`, targetsTable(tg), '');
  const pj = pureJsTable(res);
  if (pj) lines.push(`## W1 pure-JS GEMM peers (bench/purejs; WORKLOADS: the reference backend's ballpark)\n`, pj, '');
  const pk = peakTable(res);
  if (pk) lines.push(`## W1 PEAK: n=2048 back to back for ${args.quick ? '1 s after 1 warm-up call (--quick)' : '4 s after 3 warm-up calls'} (ratios: nabla native median ÷ the row)\n`, pk, '');
  const w6 = w6Table(res);
  if (w6) lines.push(`## W6 char-GPT (same run, side by side; tokens/s and peak RSS per process)\n`, w6, '');
  lines.push(`## Every measurement\n`, detailTable(res), '');
  lines.push(`Machine: 2-worker speed-up ${before.speedup2.toFixed(2)} before / ${after.speedup2.toFixed(2)} after, load average ${before.loadavg[0]} / ${after.loadavg[0]}; native: ${av.native ? 'built' : 'not built (ts only)'}; run took ${(wall / 60).toFixed(1)} min.`);
  log('\n' + lines.join('\n'));
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const json = {
    date: new Date().toISOString(), quick: args.quick, workloads: args.workloads, peers: args.peers, wallSeconds: wall,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, probeBefore: before, probeAfter: after },
    native: { available: av.native, info: av.nativeInfo, error: av.nativeError },
    peerVersions: { torch: av.torchVersion, tfjs: av.tfjsVersion, tfjsWasm: av.tfjsWasm },
    targets: tg, w1: args.workloads.includes('W1') ? w1Summary(res) : undefined, results: all,
  };
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(json, null, 1) + '\n');
  log(`\nwrote ${join('bench', 'results', 'latest.json')}`);
}

await main();
