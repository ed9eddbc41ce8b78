/**
 * W1 (GEMM fp32, see shared WORKLOADS.md) at the kernel level: C = A·B, n x n row-major, A and
 * B uniform in [-1, 1), GFLOP/s = 2n^3/t per call, median/min/max over the W1 repetition plan.
 *
 * Runs, in one process and interleaved per size so the shared machine's noise hits all alike
 * (and, with numpy, in 3 rounds per size and thread count, nabla first then numpy first then
 * nabla first again, each round the W1 plan of warm-up and timed calls; the figures are over the
 * timed calls of all rounds: this machine's speed moves by 15 % from one second to the next, and
 * one round each, seconds apart, once put nabla in a slow second and numpy in a fast one):
 *   - nabla native (the addon's BLIS-style GEMM) on 1 and 2 threads;
 *   - nabla ts (the reference TypeScript kernel): full product up to n = 512, above that rows
 *     0..127 only (GFLOP/s = 2*128*n^2/t), as WORKLOADS does for naive JS;
 *   - numpy `A @ B` when /usr/bin/python3 has numpy, with OPENBLAS_NUM_THREADS=1 and 2 (and
 *     OMP_NUM_THREADS), run as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 ...`.
 * Prints a table with native/numpy ratios and writes bench/results/gemm.json.
 *
 *   npx tsx bench/gemm.ts [--sizes 256,512] [--quick] [--no-numpy] [--no-ts]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GemmArgs } from '../src/backend/types.js';
import { gemm as refGemm } from '../src/backend/reference/gemm.js';
import { getNumThreads, loadNativeBackend, nativeInfo, nativeLoadError, setNumThreads } from '../src/backend/native/index.js';
import { W1_SIZES, maxErr, plan, randomMatrix } from './lib/gemmplan.js';
import { Clock, summarise, type Summary } from './lib/measure.js';

export interface GemmBenchOptions {
  sizes?: number[];
  /** fewer repetitions (smoke test) */
  quick?: boolean;
  numpy?: boolean;
  ts?: boolean;
  /** stop adding repetitions after this many seconds once a cell has 3 (WORKLOADS: 25) */
  capS?: number;
  /** rounds of nabla and numpy alternating, per size and thread count (default 3 with numpy, 1 without or with quick) */
  rounds?: number;
  /** print the table (default true) */
  print?: boolean;
  /** write bench/results/gemm.json (default true) */
  write?: boolean;
}

export interface GemmBenchRow {
  n: number;
  impl: 'nabla-native' | 'nabla-ts' | 'numpy';
  threads: number;
  /** GFLOP/s per call */
  median: number;
  min: number;
  max: number;
  reps: number;
  /** process CPU seconds / wall seconds (JS rows; numpy rows measure it in Python) */
  cpuPar: number;
  /** rows of C computed (n, or 128 for the reference kernel at large n) */
  rows: number;
  /** max |C - C_f64| on 4 rows (JS rows) */
  maxErr?: number;
  /** native median / numpy median at the same n and thread count */
  vsNumpy?: number;
  note?: string;
}

const PY = `
import json, os, sys, time
import numpy as np
n, warm, reps = (int(a) for a in sys.argv[1:4])
cap = float(sys.argv[4])
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
for _ in range(warm): a @ b
g = []
t0 = time.perf_counter(); c0 = time.process_time(); wall = 0.0
for _ in range(reps):
    t = time.perf_counter(); a @ b; dt = time.perf_counter() - t
    wall += dt; g.append(2 * n**3 / dt / 1e9)
    if len(g) >= 3 and time.perf_counter() - t0 > cap: break
cpu = time.process_time() - c0
blas = 'unknown'
try:
    with open('/proc/self/maps') as f:
        libs = {l.split()[-1].rsplit('/', 1)[-1] for l in f if 'blas' in l or 'mkl' in l}
    blas = ','.join(sorted(libs)) or 'unknown'
except Exception: pass
print(json.dumps({'g': g, 'cpuPar': cpu / max(wall, 1e-9), 'blas': blas, 'numpy': np.__version__}))
`;

function hasNumpy(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function runNumpy(n: number, threads: number, warm: number, reps: number, capS: number): { s: Summary; cpuPar: number; blas: string; g: number[] } | null {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  // the AVX2 stand-in (bench/run.ts --isa avx2 on an AVX-512 CPU): OpenBLAS's AVX2 (Haswell) kernels
  const coretype = process.env['NABLA_BENCH_STANDIN'] === 'avx2' || process.env['NABLA_ISA'] === 'avx2' ? ['OPENBLAS_CORETYPE=Haswell'] : [];
  const r = spawnSync('env', ['-u', 'OPENBLAS_CORETYPE', '-u', 'OPENBLAS_L2_SIZE', ...coretype, '/usr/bin/python3', '-c', PY, String(n), String(warm), String(reps), String(capS)], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { g: number[]; cpuPar: number; blas: string };
  return { s: summarise(j.g), cpuPar: j.cpuPar, blas: j.blas, g: j.g };
}

/** The backend's GemmArgs for rows [0, rows) of C = A·B, all n x n row-major, no transposes. */
export function gemmArgs(n: number, rows: number, a: Float32Array, b: Float32Array, c: Float32Array): GemmArgs {
  return { batch: 1, m: rows, n, k: n, a, aOffset: 0, lda: n, transA: false, strideA: 0, b, bOffset: 0, ldb: n, transB: false, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, beta: 0 };
}

function timeCalls(call: () => void, warm: number, reps: number, capS: number, flops: number): { s: Summary; cpuPar: number; g: number[] } {
  for (let i = 0; i < warm; i++) call();
  const clock = new Clock();
  const g: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    clock.start();
    call();
    const ms = clock.stop();
    g.push(flops / (ms * 1e6));
    if (g.length >= 3 && (performance.now() - t0) / 1000 > capS) break;
  }
  return { s: summarise(g), cpuPar: clock.cpuPar, g };
}

export function runGemmBench(opts: GemmBenchOptions = {}): GemmBenchRow[] {
  const sizes = opts.sizes ?? W1_SIZES;
  const capS = opts.capS ?? (opts.quick ? 2 : 25);
  const native = loadNativeBackend();
  const withNumpy = (opts.numpy ?? true) && hasNumpy();
  const rounds = Math.max(1, opts.rounds ?? (withNumpy && !opts.quick ? 3 : 1));
  const rows: GemmBenchRow[] = [];
  const prevThreads = getNumThreads();
  let blas = '';
  try {
    for (const n of sizes) {
      const a = randomMatrix(n, 1);
      const b = randomMatrix(n, 2);
      const c = new Float32Array(n * n);
      const p = plan(n, false);
      const warm = opts.quick ? Math.min(1, p.warmup) : p.warmup;
      const reps = opts.quick ? 3 : p.reps;
      for (const threads of [1, 2]) {
        const nat: { g: number[]; cpu: number[] } = { g: [], cpu: [] };
        const np: { g: number[]; cpu: number[] } = { g: [], cpu: [] };
        const args = gemmArgs(n, n, a, b, c);
        const runNabla = (): void => {
          if (!native) return;
          setNumThreads(threads);
          const r = timeCalls(() => native.gemm!(args), warm, reps, capS / rounds, 2 * n ** 3);
          nat.g.push(...r.g);
          nat.cpu.push(r.cpuPar);
        };
        const runPy = (): void => {
          if (!withNumpy) return;
          const r = runNumpy(n, threads, p.warmup, reps, capS / rounds);
          if (!r) return;
          blas = r.blas;
          np.g.push(...r.g);
          np.cpu.push(r.cpuPar);
        };
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? [runNabla, runPy] : [runPy, runNabla];
          for (const run of order) run();
        }
        const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
        if (nat.g.length > 0) {
          const s = summarise(nat.g);
          rows.push({ n, impl: 'nabla-native', threads, median: s.median, min: s.min, max: s.max, reps: s.n, cpuPar: mean(nat.cpu), rows: n, maxErr: maxErr(a, b, c, n) });
        }
        if (np.g.length > 0) {
          const s = summarise(np.g);
          rows.push({ n, impl: 'numpy', threads, median: s.median, min: s.min, max: s.max, reps: s.n, cpuPar: mean(np.cpu), rows: n, note: blas });
        }
      }
      if (opts.ts ?? true) {
        // the reference kernel: all rows up to 512, rows 0..127 above (2*128*n^2 flops per call)
        const m = n <= 512 ? n : 128;
        const cr = new Float32Array(n * n);
        const args = gemmArgs(n, m, a, b, cr);
        const pt = plan(n, true);
        const r = timeCalls(() => refGemm(args), opts.quick ? 0 : Math.min(1, pt.warmup), opts.quick ? 1 : Math.min(pt.reps, 5), capS, 2 * m * n * n);
        rows.push({ n, impl: 'nabla-ts', threads: 1, median: r.s.median, min: r.s.min, max: r.s.max, reps: r.s.n, cpuPar: r.cpuPar, rows: m, maxErr: maxErr(a, b, cr, n, m) });
      }
    }
  } finally {
    if (native) setNumThreads(prevThreads);
  }
  for (const r of rows) {
    if (r.impl === 'numpy') continue;
    const np = rows.find((q) => q.impl === 'numpy' && q.n === r.n && q.threads === r.threads);
    if (np) r.vsNumpy = r.median / np.median;
  }
  const info = native ? nativeInfo() : null;
  if (opts.print ?? true) {
    console.log(`W1 GEMM fp32 (GFLOP/s per call, median [min-max])`);
    console.log(native ? `native: isa ${info!.isa}, tile ${info!.mr}x${info!.nr}, MC/KC/NC ${info!.mc}/${info!.kc}/${info!.nc}` : `native: not available (${nativeLoadError()})`);
    if (withNumpy) console.log(`numpy: ${blas || 'not run'}`);
    console.log('');
    console.log(['n', 'impl', 'thr', 'median', 'min-max', 'reps', 'cpu-par', 'vs numpy', 'maxErr'].map((h, i) => (i < 2 ? h.padEnd(i ? 13 : 5) : h.padStart(9))).join(' '));
    for (const r of rows) {
      console.log(
        [
          String(r.n).padEnd(5),
          (r.impl + (r.rows !== r.n ? '*' : '')).padEnd(13),
          String(r.threads).padStart(9),
          r.median.toFixed(1).padStart(9),
          `${r.min.toFixed(0)}-${r.max.toFixed(0)}`.padStart(9),
          String(r.reps).padStart(9),
          r.cpuPar.toFixed(2).padStart(9),
          (r.vsNumpy !== undefined ? `${r.vsNumpy.toFixed(2)}x` : '').padStart(9),
          (r.maxErr !== undefined ? r.maxErr.toExponential(1) : '').padStart(9),
        ].join(' '),
      );
    }
    if (rows.some((r) => r.rows !== r.n)) console.log('* reference kernel on rows 0..127 only (GFLOP/s = 2*128*n^2/t)');
  }
  if (opts.write ?? true) {
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'gemm.json'),
      JSON.stringify({ workload: 'W1', date: new Date().toISOString(), native: info, numpyBlas: blas || null, rows }, null, 2) + '\n',
    );
  }
  return rows;
}

// run as a script
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  runGemmBench({
    sizes: get('--sizes')?.split(',').map(Number),
    quick: argv.includes('--quick'),
    numpy: !argv.includes('--no-numpy'),
    ts: !argv.includes('--no-ts'),
  });
}
