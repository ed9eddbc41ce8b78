/** `nabla bench`: runs the benchmark suite of the source repository (bench/run.ts). */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export async function benchCommand(argv: readonly string[]): Promise<number> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const script = path.join(root, 'bench', 'run.ts');
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: nabla bench [workload ...] [--quick]\n\nRuns the workloads of bench/WORKLOADS.md (W1 GEMM, W2 MLP, W3 CNN, W4 char-LSTM, W5 latency) on each backend and the installed peers, and prints a table of figures and ratios (same as `npm run bench`).\n');
    return 0;
  }
  if (!fs.existsSync(script)) {
    process.stderr.write('nabla bench: the benchmarks ship with the source repository (bench/run.ts); run `npm run bench` in a clone\n');
    return 1;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...argv], { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}
