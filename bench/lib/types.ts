/** The records every benchmark cell emits, and the spec the runner passes to a cell. */

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'OPS' | 'W6';

export interface CellSpec {
  workload: WorkloadId;
  /** 'nabla' | 'tfjs' | 'purejs' in JS cells; 'torch' | 'numpy' in Python cells */
  lib: string;
  /**
   * nabla: 'native' | 'ts'; tfjs: 'cpu' | 'wasm'; purejs: 'naive' | 'blocked simple' | 'blocked best';
   * torch/numpy: 'openblas' (OPENBLAS_CORETYPE/L2_SIZE unset), 'openblas Haswell' (override), 'openblas as found'
   */
  backend: string;
  threads: number;
  quick: boolean;
  /** wall-clock budget in seconds for the time-bounded parts of this cell */
  budgetS: number;
  /** W1 sizes to run (default the workload's {256, 512, 1024, 2048}) */
  sizes?: number[];
  /** W2/W3: run a full epoch if it is projected to take at most this many seconds (default budgetS) */
  maxEpochS?: number;
  /** W1: also run numpy in the nabla cell (bench/gemm.ts interleaves it per size) */
  peers?: boolean;
  /** W1 PEAK: n = 2048 back-to-back calls for budgetS seconds after 3 warm-up calls, instead of the size sweep */
  peak?: boolean;
  /**
   * W1 on nabla wasm in Node: 1 and 2 threads in alternating rounds in one process (both on the
   * threaded module), for the two-threads-vs-one floor (case `n=<n> paired`)
   */
  pair?: boolean;
  /** run the platform-neutral cell of bench/web (the code the browser page runs), for the Chromium-vs-Node comparison */
  web?: boolean;
}

export interface CellResult {
  workload: WorkloadId;
  lib: string;
  backend: string;
  threads: number | string;
  /** sub-case, e.g. 'n=1024' for W1, 'predict' / 'raw ops' for tfjs W5 */
  case: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  median: number;
  min: number;
  max: number;
  /** number of repetitions / windows / epochs summarised */
  n: number;
  /** how the figure was taken: 'reps', 'epochs', 'windows' (time-bounded, extrapolated) */
  method: string;
  /** process CPU seconds / wall seconds over the timed work */
  cpuPar: number;
  /** W2/W3: test accuracy after 1 epoch (absent if no full epoch ran) */
  acc?: number;
  /** W2: test accuracy after the last full epoch, and how many epochs ran */
  accLast?: number;
  epochs?: number;
  /** W2/W3: epoch seconds (measured, or extrapolated from windows) */
  epochS?: number;
  /** W1: max |C - C_f64| on 4 rows */
  maxErr?: number;
  /** W1 PEAK: the best call's GFLOP/s (= max) */
  best?: number;
  note?: string;
  /** W6: peak resident set size of the cell's process, MB */
  peakRssMB?: number;
  error?: string;
  /** peak resident set size of the cell's process (MB), read when the cell ended */
  rssMB?: number;
  /**
   * where the cell ran when not in its own Node process with the library's usual code: 'chromium'
   * (the browser run) or 'node-page' (the page's code, bench/web, run in Node for the
   * Chromium-vs-Node comparison); such results stay out of the Node tables and floors
   */
  engine?: 'chromium' | 'node-page';
}

/** The line prefix a cell prints its results with (one JSON object per line). */
export const RESULT_TAG = '@@RESULT ';

/** How a skipped cell's `error` starts (a backend or peer that is not available here, with the reason). */
export const SKIPPED = 'skipped: ';
