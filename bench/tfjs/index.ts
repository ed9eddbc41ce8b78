/**
 * The TensorFlow.js cells, behind one entry so that bench/cell.ts can load them by a computed
 * path: TensorFlow.js is a benchmark-only peer installed on demand into bench/node_modules by
 * scripts/peers.mjs (bench/package.json), so the repository's typecheck must not follow these imports (bench/tsconfig.peers.json
 * checks them once the peers are installed).
 */
import type { CellResult, CellSpec } from '../lib/types.js';
import { prepareTfjs } from './setup.js';

export async function runTfjs(spec: CellSpec): Promise<CellResult[]> {
  await prepareTfjs(spec);
  switch (spec.workload) {
    case 'W1': return (await import('./gemm.js')).runGemm(spec);
    case 'W2': case 'W3': return (await import('./classify.js')).runClassify(spec);
    case 'W4': return (await import('./charlstm.js')).runCharLstm(spec);
    case 'W5': return (await import('./latency.js')).runLatency(spec);
    case 'OPS': return (await import('./latency.js')).runOps(spec);
  }
  throw new Error(`bench/tfjs: no ${spec.workload} workload`);
}
