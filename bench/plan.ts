/**
 * Which cells a run measures, in order, with their wall-clock budgets (seconds of timed work).
 * Full run: ~21-26 min on the 2-core machine (W1 alone ~5 min); --quick: seconds per cell.
 */
import type { CellSpec, WorkloadId } from './lib/types.js';

export interface Availability {
  native: boolean;
  python: boolean;
  tfjs: boolean;
  tfjsWasm: boolean;
  /** onnxruntime-node installed (an optional peer of W5, bench/lib/optional.ts) */
  ort?: boolean;
  /** `--floors`: only the cells the floors of issue 16 compare (nabla native, PyTorch/numpy, ONNX Runtime) */
  floorsOnly?: boolean;
  /** jax-js and ConvNetJS installed in bench/node_modules (the wasm peers of issue 13) */
  jaxjs?: boolean;
  convnetjs?: boolean;
  /** `--floors wasm`: only the cells the WebAssembly floors of issue 13 compare (nabla wasm, TF.js wasm, jax-js, ConvNetJS) */
  wasmFloors?: boolean;
}

export interface PlannedCell {
  /** blasEnv: variables a Python cell sets after OPENBLAS_CORETYPE/L2_SIZE are unset (the W1 PEAK override) */
  spec: CellSpec & { label?: string; blasThreads?: number; epochs?: number; blasEnv?: Record<string, string> };
  /** 'js' (bench/cell.ts) or 'python' (bench/peers/torch_bench.py) */
  runner: 'js' | 'python';
}

const BLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/**
 * The OpenBLAS settings W1 PEAK measures (WORKLOADS.md): the variables unset, the override
 * OPENBLAS_CORETYPE=Haswell (AVX2 kernels), and the host's own values when it sets any.
 */
export function blasVariants(env: NodeJS.ProcessEnv = process.env): { backend: string; env: Record<string, string> }[] {
  const out: { backend: string; env: Record<string, string> }[] = [
    { backend: 'openblas', env: {} },
    { backend: 'openblas Haswell', env: { OPENBLAS_CORETYPE: 'Haswell' } },
  ];
  const found: Record<string, string> = {};
  for (const k of BLAS_VARS) if (env[k] !== undefined) found[k] = env[k]!;
  const keys = Object.keys(found);
  if (keys.length > 0 && !(keys.length === 1 && found['OPENBLAS_CORETYPE'] === 'Haswell')) out.push({ backend: 'openblas as found', env: found });
  return out;
}

/**
 * The WebAssembly cells of one workload (issue 13): nabla wasm on 1 and 2 threads (a cell skips
 * with the reason when the backend or its threads are not in this build), TF.js wasm on 2
 * threads (skipped in Node, where tfjs-backend-wasm has no threads; its 1-thread cell is planned
 * with the other TF.js cells), jax-js's wasm device (W1, W2, W5) and ConvNetJS (W3).
 */
export function wasmCells(w: WorkloadId, quick: boolean, peers: boolean, av: Availability): PlannedCell[] {
  const cells: PlannedCell[] = [];
  const b = (full: number, q = 3): number => (quick ? q : full);
  const js = (lib: string, backend: string, threads: number, budgetS: number, extra: Partial<CellSpec> = {}): void => {
    cells.push({ runner: 'js', spec: { workload: w, lib, backend, threads, quick, budgetS, ...extra } });
  };
  const sizes = quick || av.wasmFloors ? { sizes: [256, 1024] } : {};
  const budget: Partial<Record<WorkloadId, number>> = { W1: 25, W2: 30, W3: 45, W4: 30, W5: 0 };
  if (!(w in budget)) return cells;
  const nb = budget[w]!;
  js('nabla', 'wasm', 1, b(nb), w === 'W1' ? sizes : {});
  // W3 and W4 train one small batch at a time: the floors ask 2 threads only of W1 and W2
  if (w !== 'W5' && !(av.wasmFloors && (w === 'W3' || w === 'W4'))) js('nabla', 'wasm', 2, b(nb), w === 'W1' ? sizes : {});
  // the two-threads-vs-one floors of W1 and W2: both thread counts in alternating rounds (W1) or
  // windows of one epoch (W2), one process
  if (w === 'W1') js('nabla', 'wasm', 2, b(nb), { sizes: [1024], pair: true });
  if (w === 'W2') js('nabla', 'wasm', 2, b(40), { pair: true });
  if (!peers) return cells;
  if (av.tfjsWasm && w !== 'W3' && w !== 'W4') js('tfjs', 'wasm', 2, b(nb), w === 'W1' ? sizes : {});
  if (av.jaxjs && (w === 'W1' || w === 'W2' || w === 'W5')) js('jaxjs', 'wasm', 1, b(w === 'W2' ? 45 : nb), w === 'W1' ? sizes : {});
  if (av.convnetjs && w === 'W3') js('convnetjs', 'js', 1, b(45, 6));
  return cells;
}

export function planCells(workloads: readonly WorkloadId[], quick: boolean, peers: boolean, av: Availability): PlannedCell[] {
  if (av.wasmFloors) return planWasmFloors(workloads, quick, peers, av);
  const cells: PlannedCell[] = [];
  const b = (full: number, q = 3): number => (quick ? q : full);
  const js = (workload: WorkloadId, lib: string, backend: string, threads: number, budgetS: number, extra: Partial<CellSpec> = {}): void => {
    if (av.floorsOnly && (lib === 'tfjs' || lib === 'purejs' || (lib === 'nabla' && backend === 'ts' && workload !== 'W1') || extra.peak)) return;
    cells.push({ runner: 'js', spec: { workload, lib, backend, threads, quick, budgetS, ...extra } });
  };
  const py = (workload: WorkloadId, lib: string, threads: number, budgetS: number, extra: Partial<PlannedCell['spec']> = {}): void => {
    if (av.floorsOnly && (extra.peak || workload === 'W1')) return; // W1's floor compares numpy, run inside bench/gemm.ts
    cells.push({ runner: 'python', spec: { workload, lib, backend: 'openblas', threads, quick, budgetS, ...extra } });
  };
  const nabla = (w: WorkloadId, budgetNative: number, budgetTs: number, extra: Partial<CellSpec> = {}, tsExtra: Partial<CellSpec> = {}): void => {
    if (av.native) {
      js(w, 'nabla', 'native', 1, budgetNative, extra);
      js(w, 'nabla', 'native', 2, budgetNative, extra);
    }
    js(w, 'nabla', 'ts', 1, budgetTs, { ...extra, ...tsExtra });
  };
  const torch = (w: WorkloadId, budget: number, extra: Partial<PlannedCell['spec']> = {}): void => {
    if (!peers || !av.python) return;
    py(w, 'torch', 1, budget, extra);
    if (!quick) py(w, 'torch', 2, budget, extra); // 2 threads: slow on this machine (see WORKLOADS), skipped in the smoke run
  };
  const tfjs = (w: WorkloadId, budgetCpu: number, budgetWasm: number, extra: Partial<CellSpec> = {}, cpuExtra: Partial<CellSpec> = {}): void => {
    if (!peers || !av.tfjs) return;
    // tfjs cpu needs 3-20 s per W3/W4 step: too slow for the smoke run; tfjs wasm cannot train a conv net
    if (!(quick && (w === 'W3' || w === 'W4'))) js(w, 'tfjs', 'cpu', 1, budgetCpu, { ...extra, ...cpuExtra });
    if (av.tfjsWasm) js(w, 'tfjs', 'wasm', 1, budgetWasm, extra);
  };
  const quickSizes = { sizes: [256, 1024] };
  for (const w of workloads) {
    const before = cells.length;
    switch (w) {
      case 'W1':
        // one cell: bench/gemm.ts runs native 1T/2T, ts and numpy 1T/2T interleaved per size
        js('W1', 'nabla', av.native ? 'native' : 'ts', 0, b(25), { peers: peers && av.python, ...(quick ? quickSizes : {}) });
        if (peers && av.python) {
          if (!quick) {
            py('W1', 'torch', 1, 25);
            py('W1', 'torch', 2, 25);
          }
        }
        tfjs('W1', b(25), b(25), quick ? quickSizes : {}, quick ? { sizes: [256] } : { sizes: [256, 512, 1024] });
        if (peers) {
          // the pure-JS peers (bench/purejs): one process per kernel, sizes in increasing order
          const small = quick ? { sizes: [256, 512] } : {};
          js('W1', 'purejs', 'naive', 1, b(25), small);
          js('W1', 'purejs', 'blocked simple', 1, b(25), small);
          js('W1', 'purejs', 'blocked best', 1, b(25), quick ? quickSizes : {});
          js('W1', 'purejs', 'blocked best', 2, b(25), quick ? quickSizes : {});
        }
        // PEAK: n=2048 back to back for 4 s; per thread count nabla native beside OpenBLAS (numpy, torch.mm)
        // with OPENBLAS_CORETYPE/L2_SIZE unset and with the override
        for (const t of [1, 2]) {
          if (av.native) js('W1', 'nabla', 'native', t, b(4, 1), { peak: true });
          if (!peers || !av.python) continue;
          for (const lib of quick ? ['numpy'] : ['numpy', 'torch']) {
            for (const v of blasVariants()) py('W1', lib, t, b(4, 1), { peak: true, backend: v.backend, blasEnv: v.env });
          }
        }
        break;
      case 'W2':
        nabla('W2', b(30), b(30));
        torch('W2', b(30), { epochs: 5 });
        tfjs('W2', b(45), b(60));
        break;
      case 'W3':
        // one full epoch (for the test accuracy) if it takes at most 150 s, else 60-s windows
        if (av.native) {
          js('W3', 'nabla', 'native', 1, b(60), quick ? {} : { maxEpochS: 150 });
          js('W3', 'nabla', 'native', 2, b(60));
        }
        js('W3', 'nabla', 'ts', 1, b(45), quick ? {} : { maxEpochS: 0 });
        if (peers && av.python) py('W3', 'torch', 1, b(60), { epochs: 1, maxEpochS: 150 });
        if (peers && av.python && !quick) py('W3', 'torch', 2, 60, { epochs: 1 });
        if (peers && av.python && !quick) py('W3', 'torch', 2, 60, { epochs: 1, blasThreads: 1, label: 'omp2/blas1' });
        tfjs('W3', b(45), b(10));
        break;
      case 'W4':
        nabla('W4', b(20), b(30));
        torch('W4', b(20));
        tfjs('W4', b(30), b(30));
        break;
      case 'W5':
        if (av.native) js('W5', 'nabla', 'native', 1, 0);
        js('W5', 'nabla', 'ts', 1, 0);
        if (peers && av.python) py('W5', 'torch', 1, 0);
        // ONNX Runtime on the model nb.onnx.export writes: 1 intra-op thread and its default (0 = one per core)
        if (peers && av.ort) {
          js('W5', 'onnxruntime', 'cpu', 1, 0);
          if (!quick) js('W5', 'onnxruntime', 'cpu', 0, 0);
        }
        tfjs('W5', 0, 0);
        break;
      case 'W6':
        // no ts cell: the reference backend needs minutes per 20-GFLOP step
        if (av.native) {
          js('W6', 'nabla', 'native', 1, b(20, 6));
          js('W6', 'nabla', 'native', 2, b(20, 6));
        }
        if (peers && av.python) {
          py('W6', 'torch', 1, b(20, 6));
          py('W6', 'torch', 2, b(20, 6));
        }
        // js-pytorch: batch 1 under a 60-s cap (bench/jspytorch/chargpt.ts); a missing install is reported, not fatal
        if (peers) js('W6', 'jspytorch', 'cpu', 1, quick ? 15 : 60);
        break;
      case 'OPS':
        if (av.native) js('OPS', 'nabla', 'native', 1, 0);
        js('OPS', 'nabla', 'ts', 1, 0);
        if (peers && av.python) py('OPS', 'torch', 1, 0);
        tfjs('OPS', 0, 0);
        break;
    }
    // the WebAssembly columns (issue 13) after the workload's other cells (before W1's PEAK cells)
    if (!av.floorsOnly) {
      const at = w === 'W1' ? cells.findIndex((c, i) => i >= before && c.spec.peak === true) : -1;
      cells.splice(at < 0 ? cells.length : at, 0, ...wasmCells(w, quick, peers, av));
    }
  }
  return cells;
}

/**
 * `--floors wasm`: only what the floors of issue 13 compare, in Node (the browser cells are
 * planned by bench/browser): per workload nabla wasm, TF.js wasm (1 thread; W3 only says why it
 * cannot train), jax-js (W1, W2, W5) and ConvNetJS (W3).
 */
function planWasmFloors(workloads: readonly WorkloadId[], quick: boolean, peers: boolean, av: Availability): PlannedCell[] {
  const cells: PlannedCell[] = [];
  for (const w of workloads) {
    if (!['W1', 'W2', 'W3', 'W4', 'W5'].includes(w)) continue;
    const own = wasmCells(w, quick, peers, av);
    cells.push(...own.filter((c) => c.spec.lib === 'nabla'));
    if (peers && av.tfjsWasm) {
      const b = quick ? 3 : w === 'W2' ? 60 : w === 'W4' ? 30 : w === 'W1' ? 25 : w === 'W3' ? 10 : 0;
      cells.push({ runner: 'js', spec: { workload: w, lib: 'tfjs', backend: 'wasm', threads: 1, quick, budgetS: b, ...(w === 'W1' ? { sizes: [256, 1024] } : {}) } });
    }
    cells.push(...own.filter((c) => c.spec.lib !== 'nabla'));
  }
  return cells;
}

/** A cell of the browser run (bench/browser/run.ts): which page bundle runs it, and its spec. */
export interface PlannedBrowserCell { page: 'nabla' | 'tfjs' | 'jaxjs'; spec: CellSpec }

/**
 * `npm run bench -- browser`: W1, W2 and W5 in Chromium — nabla wasm, TF.js wasm and jax-js on 1
 * and 2 threads — plus, in Node, nabla wasm running the same page code (engine 'node-page') so the
 * "Chromium no more than 20 % slower than Node" floor compares one code path. `--floors wasm`
 * keeps only nabla wasm on 1 thread in Chromium and its Node figure.
 */
export function planBrowser(workloads: readonly WorkloadId[], quick: boolean, peers: boolean, wasmFloors: boolean): { browser: PlannedBrowserCell[]; node: PlannedCell[] } {
  const browser: PlannedBrowserCell[] = [];
  const node: PlannedCell[] = [];
  const budget: Partial<Record<WorkloadId, number>> = { W1: 25, W2: 30, W5: 0 };
  for (const w of ['W1', 'W2', 'W5'] as const) {
    if (!workloads.includes(w)) continue;
    const base = { workload: w, backend: 'wasm', quick, budgetS: quick ? 3 : budget[w]!, ...(w === 'W1' ? { sizes: quick || wasmFloors ? [256, 1024] : [256, 512, 1024] } : {}) };
    node.push({ runner: 'js', spec: { ...base, lib: 'nabla', threads: 1, web: true } });
    for (const t of wasmFloors ? [1] : [1, 2]) {
      if (!(w === 'W5' && t === 2)) browser.push({ page: 'nabla', spec: { ...base, lib: 'nabla', threads: t } });
    }
    if (!peers || wasmFloors) continue;
    for (const t of [1, 2]) browser.push({ page: 'tfjs', spec: { ...base, lib: 'tfjs', threads: t } });
    for (const t of [1, 2]) browser.push({ page: 'jaxjs', spec: { ...base, lib: 'jaxjs', threads: t } });
  }
  return { browser, node };
}
