/** The command line of `npm run bench` (bench/run.ts). */
import type { WorkloadId } from './lib/types.js';

export const ALL: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'OPS', 'W6'];

/** floors: false, or which floors `--floors [native|wasm]` checks (native: issue 16, the default; wasm: issue 13) */
export interface Args { quick: boolean; peers: boolean; workloads: WorkloadId[]; ts: boolean; isa: string | null; floors: false | 'native' | 'wasm'; browser: boolean }

/** Parses `npm run bench -- ...`; prints usage or the error and exits on --help or a bad argument. */
export function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, peers: true, workloads: [], ts: true, isa: null, floors: false, browser: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const l = x.toLowerCase();
    if (l === '--quick') a.quick = true;
    else if (l === 'browser') a.browser = true;
    else if (l === '--floors' || l.startsWith('--floors=')) {
      const v = l === '--floors' ? (argv[i + 1] === 'wasm' || argv[i + 1] === 'native' ? argv[++i]! : 'native') : l.slice('--floors='.length);
      if (v !== 'wasm' && v !== 'native') {
        process.stderr.write(`bench: --floors takes native or wasm, not ${v}\n`);
        process.exit(2);
      }
      a.floors = v;
    }
    else if (l === '--isa' || l.startsWith('--isa=')) a.isa = l === '--isa' ? (argv[++i] ?? '').toLowerCase() : l.slice(6);
    else if (l === '--no-peers') a.peers = false;
    else if (l === '--help' || l === '-h') {
      process.stdout.write('Usage: npm run bench -- [w1 w2 w3 w4 w5 w6 ops] [browser] [--quick] [--no-peers] [--isa avx2|avx512|generic] [--floors [native|wasm]]\n');
      process.exit(0);
    } else {
      const w = ALL.find((id) => id.toLowerCase() === l);
      if (!w) {
        process.stderr.write(`bench: unknown argument ${x}; use workloads w1..w6, ops, browser, --quick, --no-peers, --isa avx2, --floors [native|wasm]\n`);
        process.exit(2);
      }
      a.workloads.push(w);
    }
  }
  if (a.workloads.length === 0) a.workloads = a.floors === 'wasm' ? ['W1', 'W2', 'W3', 'W4', 'W5'] : a.browser ? ['W1', 'W2', 'W5'] : [...ALL];
  // the WebAssembly floors include Chromium's; `browser` alone is the browser run only
  if (a.floors === 'wasm') a.browser = true;
  return a;
}
