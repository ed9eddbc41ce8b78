/**
 * W5 on ONNX Runtime (npm onnxruntime-node, an optional peer: bench/lib/optional.ts): the W2 MLP
 * built and initialised by nabla as in bench/nabla/latency.ts, plus its softmax, exported by
 * `nb.onnx.export` (toOnnx: the same bytes, in memory) and run by ONNX Runtime's CPU provider.
 * One call = a [1, 784] input tensor, `session.run` (asynchronous in the Node binding, as users
 * call it), the 10 outputs read into JS. 500 warm-up calls, 9 rounds x 2000 calls, us per call.
 * Threads: intra-op threads = spec.threads (1, or 0 = ONNX Runtime's default, one per core).
 */
import * as nb from '../../src/index.js';
import { mlp } from '../nabla/classify.js';
import { importOptional, optionalVersion } from '../lib/optional.js';
import { timedRounds } from '../lib/rounds.js';
import type { CellResult, CellSpec } from '../lib/types.js';

interface OrtTensor { data: Float32Array }
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(bytes: Uint8Array, opts: Record<string, unknown>): Promise<OrtSession>;
  };
}

export async function runLatency(spec: CellSpec): Promise<CellResult[]> {
  const ort = await importOptional<Ort>('onnxruntime-node');
  nb.manualSeed(0);
  const model = new nb.nn.Sequential(...(mlp().children() as Iterable<nb.nn.Module>), new nb.nn.Softmax(1));
  model.eval();
  const x = nb.rand([1, 784]);
  const onnx = nb.onnx.toOnnx(model, x);
  const session = await ort.InferenceSession.create(onnx.bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
  });
  const input = x.data() as Float32Array;
  const inName = onnx.inputNames[0]!;
  const outName = onnx.outputNames[0]!;
  // same outputs as nabla's forward (a check that both run the same model)
  const want = nb.noGrad(() => (model.forward(x) as nb.Tensor).data());
  const got = (await session.run({ [inName]: new ort.Tensor('float32', input, [1, 784]) }))[outName]!.data;
  let err = 0;
  for (let i = 0; i < 10; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  if (!(err < 1e-4)) throw new Error(`W5 onnxruntime: outputs differ from nabla's by ${err}`);
  let sink = 0;
  const r = await timedRounds(
    async () => {
      const out = await session.run({ [inName]: new ort.Tensor('float32', input, [1, 784]) });
      sink += out[outName]!.data[0]!;
    },
    spec.quick ? { warmup: 500, rounds: 5, calls: 500 } : { warmup: 500, rounds: 9, calls: 2000 },
  );
  if (Number.isNaN(sink)) throw new Error('W5 onnxruntime: NaN output');
  return [{
    workload: 'W5', lib: 'onnxruntime', backend: 'cpu', threads: spec.threads === 0 ? 'default' : spec.threads, case: 'forward',
    metric: 'us/call', unit: 'us', higherIsBetter: false, ...r.us, method: 'reps', cpuPar: r.cpuPar,
    note: `onnxruntime-node ${optionalVersion('onnxruntime-node')}, model from nb.onnx.export (max |diff| vs nabla ${err.toExponential(1)})`,
  }];
}
