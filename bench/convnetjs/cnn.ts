/**
 * W3 with ConvNetJS 0.3.0 (the JavaScript peer that trains a CNN; TF.js's wasm backend cannot, as
 * its W3 cell shows): conv 3x3 1->16 pad 1, ReLU, maxpool 2, conv 3x3 16->32 pad 1, ReLU, maxpool 2,
 * Dense 1568->128 ReLU, Dense 10, softmax cross-entropy (ConvNetJS's own layers and init).
 * ConvNetJS trains one sample at a time (forward, backward accumulate the gradients); it has no
 * Adam, so the harness applies Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, bias-corrected) to the
 * batch-mean gradient every 64 samples, as WORKLOADS.md says. Time-bounded: windows of 320
 * samples, first dropped, median samples/s and the extrapolated epoch time. Single-threaded.
 */
import { createRequire } from 'node:module';
import { runEpochLoop } from '../lib/epochs.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { batchesOf } from '../web/fashion.js';
import { fashionNode } from '../web/nodedata.js';

interface Vol { w: Float64Array }
interface ParamGrad { params: Float64Array; grads: Float64Array }
interface Net {
  makeLayers(defs: object[]): void;
  forward(v: Vol, training: boolean): Vol;
  backward(y: number): number;
  getParamsAndGrads(): ParamGrad[];
}
interface ConvNetJs { Net: new () => Net; Vol: new (sx: number, sy: number, depth: number, c: number) => Vol }

export function convnetjsNet(cn: ConvNetJs): Net {
  const net = new cn.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 16, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 128, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  return net;
}

/** Adam on ConvNetJS's parameter arrays, applied to the gradients summed over `n` samples (then zeroed). */
export function adamUpdater(pg: ParamGrad[]): (n: number) => void {
  const m = pg.map((p) => new Float64Array(p.params.length));
  const v = pg.map((p) => new Float64Array(p.params.length));
  let t = 0;
  return (n) => {
    t++;
    const bc1 = 1 - 0.9 ** t;
    const bc2 = 1 - 0.999 ** t;
    for (let j = 0; j < pg.length; j++) {
      const { params, grads } = pg[j]!;
      const mj = m[j]!;
      const vj = v[j]!;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i]! / n;
        mj[i] = 0.9 * mj[i]! + 0.1 * g;
        vj[i] = 0.999 * vj[i]! + 0.001 * g * g;
        params[i] = params[i]! - (1e-3 / bc1) * mj[i]! / (Math.sqrt(vj[i]! / bc2) + 1e-8);
        grads[i] = 0;
      }
    }
  };
}

export async function runConvnetjs(spec: CellSpec): Promise<CellResult[]> {
  const cn = createRequire(import.meta.url)('convnetjs') as ConvNetJs;
  const { train } = fashionNode();
  const net = convnetjsNet(cn);
  const pg = net.getParamsAndGrads();
  const adam = adamUpdater(pg);
  const vol = new cn.Vol(28, 28, 1, 0);
  const r = await runEpochLoop<Int32Array>({
    epoch: (e) => batchesOf(train.n, e, 64),
    size: (b) => b.length,
    step: (b) => {
      for (let i = 0; i < b.length; i++) {
        const s = b[i]!;
        for (let k = 0; k < 784; k++) vol.w[k] = train.x[s * 784 + k]!;
        net.forward(vol, true);
        net.backward(train.y[s]!);
      }
      adam(b.length);
    },
    samplesPerEpoch: train.n,
    maxEpochs: 1,
    budgetS: spec.budgetS,
    maxEpochS: 0,
    windowBudgetS: spec.budgetS,
    windowBatches: 5,
  });
  return [{
    workload: 'W3', lib: 'convnetjs', backend: 'js', threads: 1, case: 'epoch', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
    ...r.rate, method: r.method, cpuPar: r.cpuPar, epochS: r.epochS, epochs: r.epochs, note: 'per-sample forward/backward, harness Adam every 64 samples',
  }];
}
