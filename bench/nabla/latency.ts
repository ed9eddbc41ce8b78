/**
 * W5: batch-1 inference of the W2 MLP (untrained), forward + softmax under noGrad, the 10
 * outputs read into JS with `data()`: 500 warm-up calls, 9 rounds x 2000 calls, us per call.
 * OPS: `a.add(b)` of two 1-element float32 tensors, 9 rounds x 20,000, us per op.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { mlp } from './classify.js';
import { timedRoundsSync } from '../lib/rounds.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export function runLatency(spec: CellSpec): CellResult[] {
  nb.manualSeed(0);
  const model = mlp();
  model.eval();
  const x = nb.rand([1, 784]);
  let sink = 0;
  const r = timedRoundsSync(
    () => {
      nb.noGrad(() => {
        const y = (model.forward(x) as Tensor).softmax(1).data();
        sink += y[0]!;
      });
    },
    spec.quick ? { warmup: 500, rounds: 5, calls: 500 } : { warmup: 500, rounds: 9, calls: 2000 },
  );
  if (Number.isNaN(sink)) throw new Error('W5: NaN output');
  return [{
    workload: 'W5', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'forward',
    metric: 'us/call', unit: 'us', higherIsBetter: false, ...r.us, method: 'reps', cpuPar: r.cpuPar,
  }];
}

export function runOps(spec: CellSpec): CellResult[] {
  const a = nb.tensor([1]);
  const b = nb.tensor([2]);
  let sink: Tensor = a;
  const r = timedRoundsSync(() => { sink = a.add(b); }, spec.quick ? { warmup: 2000, rounds: 5, calls: 5000 } : { warmup: 20000, rounds: 9, calls: 20000 });
  if (sink.item() !== 3) throw new Error('OPS: wrong sum');
  return [{
    workload: 'OPS', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'add 1-element',
    metric: 'us/op', unit: 'us', higherIsBetter: false, ...r.us, method: 'reps', cpuPar: r.cpuPar,
  }];
}
