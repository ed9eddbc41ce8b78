/**
 * ONNX export, checked against ONNX Runtime (onnxruntime-web's WebAssembly backend, single
 * thread, in Node): every exported model must run there and give nabla's forward output
 * (float32, atol 1e-5; 1e-4 for conv and recurrent models), at the example's batch size and,
 * when the export is dynamic, at another. The file structure is decoded with an independent
 * protobuf reader (proto-reader.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { result } from '../../src/ops/result.js';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { ProtoWriter } from '../../src/onnx/protobuf.js';
import { decodeModel, fields, floats } from './proto-reader.js';

ort.env.wasm.numThreads = 1;
const { nn } = nb;

type AnyModule = nb.Module<never[], unknown>;

async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) {
    inputs[k] = t.dtype === 'int32' ? new ort.Tensor('int32', t.data() as Int32Array, [...t.shape]) : new ort.Tensor('float32', t.data() as Float32Array, [...t.shape]);
  }
  const out = await session.run(inputs);
  const res: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries(out)) res[k] = { dims: v.dims, data: v.data as Float32Array };
  return res;
}

/** |onnx - nabla| <= atol + atol |nabla| elementwise (float32 rounding grows with the magnitude). */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values vs ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) / (atol * (1 + Math.abs(expected[i]!)));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  assert.ok(worst <= 1, `${what}: at ${at} onnx ${actual[at]} vs nabla ${expected[at]} differ by more than atol ${atol} (x ${worst.toFixed(2)})`);
}

function flatOutputs(o: unknown): Tensor[] {
  if (o instanceof Tensor) return [o];
  return (o as unknown[]).flatMap(flatOutputs);
}

/** Exports, runs in ONNX Runtime on `inputs` (and `more` batches), and compares with nabla. */
async function roundTrip(model: AnyModule, example: Tensor, atol: number, more: Tensor[] = []): Promise<nb.onnx.OnnxExportResult> {
  const r = nb.onnx.toOnnx(model, example);
  model.eval();
  for (const x of [example, ...more]) {
    if (x !== example && !r.dynamicBatch) continue;
    const got = await runOrt(r.bytes, { [r.inputNames[0]!]: x });
    const want = flatOutputs(nb.noGrad(() => (model.forward as (x: Tensor) => unknown)(x)));
    assert.equal(want.length, r.outputNames.length);
    want.forEach((w, i) => {
      const g = got[r.outputNames[i]!]!;
      assert.deepEqual([...g.dims], [...w.shape], `output ${i} shape`);
      assertClose(g.data, w.data(), atol, `${model.constructor.name} output ${i} at batch ${x.shape[0]}`);
    });
  }
  return r;
}

/** A few training-mode passes so batch-norm running statistics are not the trivial 0 / 1. */
function warmBatchNorm(model: AnyModule, shape: number[]): void {
  model.train();
  nb.noGrad(() => {
    for (let i = 0; i < 3; i++) (model.forward as (x: Tensor) => unknown)(nb.randn(shape).mul(2).add(0.5));
  });
  model.eval();
}

// ---------------------------------------------------------------- the protobuf writer

test('protobuf writer: varints, negative int64, floats, strings, packed fields', () => {
  const w = new ProtoWriter();
  w.int(1, 300);
  w.int(2, -1);
  w.float(3, 1.5);
  w.string(4, 'héllo');
  w.packedInts(5, [1, 2 ** 40, -2]);
  w.packedFloats(6, [0.25, -2]);
  const b = w.finish();
  assert.deepEqual([...b.subarray(0, 3)], [0x08, 0xac, 0x02]); // key 1<<3|0, 300 = 0b10_0101100
  const f = fields(b);
  assert.equal(f.get(1)![0], 300n);
  assert.equal(BigInt.asIntN(64, f.get(2)![0] as bigint), -1n);
  assert.equal(f.get(3)![0], 1.5);
  assert.equal(new TextDecoder().decode(f.get(4)![0] as Uint8Array), 'héllo');
  const packed = f.get(5)![0] as Uint8Array;
  assert.equal(packed.length, 1 + 6 + 10); // 1, 2^40 (41 bits: 6 bytes), -2 (10 bytes)
  const fl = f.get(6)![0] as Uint8Array;
  assert.deepEqual([...new Float32Array(fl.slice().buffer)], [0.25, -2]);
});

// ---------------------------------------------------------------- MLPs

test('MLP (Linear, ReLU, Sigmoid, Tanh, Softmax, BatchNorm1d and Dropout in eval): same outputs in ONNX Runtime, dynamic batch', async () => {
  nb.manualSeed(1);
  const net = new nn.Sequential(
    new nn.Linear(6, 16),
    new nn.BatchNorm1d(16),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(16, 12),
    new nn.Tanh(),
    new nn.Linear(12, 8),
    new nn.Sigmoid(),
    new nn.Linear(8, 4),
    new nn.Softmax(1),
  );
  warmBatchNorm(net, [32, 6]);
  const r = await roundTrip(net, nb.randn([3, 6]), 1e-5, [nb.randn([7, 6]), nb.randn([1, 6])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  assert.ok(!r.nodeTypes.includes('Dropout'));
  for (const n of ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '8.weight']) {
    assert.ok(r.initializers.includes(n), `initializer ${n} in ${r.initializers.join(', ')}`);
  }
  // num_batches_tracked is not read by the forward, so it is not written
  assert.ok(!r.initializers.some((n) => n.includes('num_batches')));
  const m = decodeModel(r.bytes);
  assert.equal(m.irVersion, 8);
  assert.equal(m.producer, 'nabla');
  assert.deepEqual(m.opsets, [{ domain: '', version: 17 }]);
  assert.deepEqual(m.graph.inputs, [{ name: 'input', elemType: 1, dims: ['batch', 6] }]);
  assert.deepEqual(m.graph.outputs, [{ name: 'output', elemType: 1, dims: ['batch', 4] }]);
  const w = m.graph.initializers.find((t) => t.name === '0.weight')!;
  assert.deepEqual(w.dims, [16, 6]);
  assert.deepEqual([...floats(w)], [...(net.stateDict()['0.weight']!.data() as Float32Array)]);
  const softmax = m.graph.nodes.find((n) => n.opType === 'Softmax')!;
  assert.equal(softmax.attrs['axis']!.i, 1);
  assert.ok(softmax.name.startsWith('9/'), `node named after its layer: ${softmax.name}`);
});

test('MLP with logSoftmax, mean, pow, sqrt, clamp, exp/log composed in a custom forward', async () => {
  nb.manualSeed(2);
  class Net extends nn.Module {
    fc = new nn.Linear(5, 6);
    forward(x: Tensor): Tensor {
      const h = this.fc.forward(x);
      const centered = h.sub(h.mean(1, true));
      const scale = centered.pow(2).mean(1, true).add(1e-5).sqrt();
      const y = centered.div(scale).clamp(-1.5, 2).exp().log1p().mul(0.5).add(h.abs().rsqrt().neg().add(h.square()));
      return y.logSoftmax(-1).transpose(0, 1).reshape([-1]).unsqueeze(0);
    }
  }
  const r = await roundTrip(new Net(), nb.randn([4, 5]), 1e-5, [nb.randn([2, 5])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  for (const op of ['LogSoftmax', 'ReduceSum', 'Pow', 'Sqrt', 'Clip', 'Transpose', 'Reshape']) assert.ok(r.nodeTypes.includes(op), `${op} in ${r.nodeTypes.join(' ')}`);
});

// ---------------------------------------------------------------- CNNs

test('W3 CNN (Conv2d, ReLU, MaxPool2d, Flatten, Linear) exports and runs with the same outputs', async () => {
  nb.manualSeed(3);
  const net = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  const r = await roundTrip(net, nb.rand([2, 1, 28, 28]), 1e-4, [nb.rand([3, 1, 28, 28])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  const m = decodeModel(r.bytes);
  const conv = m.graph.nodes.find((n) => n.opType === 'Conv')!;
  assert.deepEqual(conv.attrs['pads']!.ints, [1, 1, 1, 1]);
  assert.equal(conv.inputs.length, 3, 'the bias is Conv\'s third input');
  assert.deepEqual(conv.attrs['kernel_shape']!.ints, [3, 3]);
  const pool = m.graph.nodes.find((n) => n.opType === 'MaxPool')!;
  assert.deepEqual(pool.attrs['strides']!.ints, [2, 2]);
  // Flatten's reshape keeps the batch symbolic: [-1, 1568]
  const targets = m.graph.nodes
    .filter((n) => n.opType === 'Reshape')
    .map((n) => [...new BigInt64Array(m.graph.initializers.find((t) => t.name === n.inputs[1])!.raw.slice().buffer)].map(Number));
  assert.deepEqual(targets[targets.length - 1], [-1, 1568]);
});

test('CNN with BatchNorm2d (eval), AvgPool2d (padding, countIncludePad false, ceil mode), stride, dilation, groups', async () => {
  nb.manualSeed(4);
  const net = new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }),
    new nn.BatchNorm2d(8),
    new nn.ReLU(),
    new nn.AvgPool2d(2, { padding: 1, countIncludePad: false }),
    new nn.Conv2d(8, 8, 3, { dilation: 2, padding: 2, groups: 4, bias: false }),
    new nn.BatchNorm2d(8),
    new nn.Tanh(),
    new nn.AvgPool2d(2, { ceilMode: true }),
    new nn.Flatten(),
    new nn.Linear(8 * 3 * 3, 5),
  );
  warmBatchNorm(net, [8, 3, 17, 17]);
  const r = await roundTrip(net, nb.randn([2, 3, 17, 17]), 1e-4, [nb.randn([5, 3, 17, 17])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  const m = decodeModel(r.bytes);
  const pools = m.graph.nodes.filter((n) => n.opType === 'AveragePool');
  assert.equal(pools[0]!.attrs['count_include_pad']!.i, 0);
  assert.equal(pools[1]!.attrs['ceil_mode']!.i, 1);
  assert.ok(r.initializers.includes('5.running_var'));
});

test('more layers: GELU, SiLU, Softplus, LogSoftmax, dilated and ceil-mode max pooling, adaptive pooling, Conv1d, RNN', async () => {
  nb.manualSeed(12);
  const act = new nn.Sequential(new nn.Linear(4, 6), new nn.GELU(), new nn.SiLU(), new nn.Softplus(), new nn.ELU(0.5), new nn.Linear(6, 3), new nn.LogSoftmax(1));
  assert.equal((await roundTrip(act, nb.randn([3, 4]).mul(2), 1e-5, [nb.randn([2, 4])])).dynamicBatch, true);
  const pools = new nn.Sequential(
    new nn.Conv2d(2, 3, 3),
    new nn.MaxPool2d(2, { dilation: 2, padding: 1 }),
    new nn.MaxPool2d(2, { ceilMode: true }),
    new nn.AdaptiveAvgPool2d(2),
  );
  const r = await roundTrip(pools, nb.randn([2, 2, 12, 12]), 1e-5, [nb.randn([3, 2, 12, 12])]);
  // dilated max pooling is one maxPool2d op: an ONNX MaxPool with dilations, any batch size
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  const maxPools = decodeModel(r.bytes).graph.nodes.filter((n) => n.opType === 'MaxPool');
  assert.deepEqual(maxPools[0]!.attrs['dilations']!.ints?.map(Number), [2, 2]);
  const conv1d = new nn.Sequential(new nn.Conv1d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 10, 2));
  assert.equal((await roundTrip(conv1d, nb.randn([2, 3, 10]), 1e-4, [nb.randn([3, 3, 10])])).dynamicBatch, true);
  await roundTrip(new nn.RNN(3, 4, { batchFirst: true }), nb.randn([2, 5, 3]), 1e-5);
});

// ---------------------------------------------------------------- recurrent

class SeqClassifier extends nn.Module {
  constructor(
    readonly rnn: nb.nn.LSTM | nb.nn.GRU,
    readonly fc: nb.nn.Linear,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    const [out] = this.rnn.forward(x);
    return this.fc.forward(out.select(1, -1));
  }
}

test('LSTM classifier (batchFirst, last step -> Linear) exports as an ONNX LSTM node', async () => {
  nb.manualSeed(5);
  const net = new SeqClassifier(new nn.LSTM(5, 8, { batchFirst: true }), new nn.Linear(8, 3));
  const r = await roundTrip(net, nb.randn([2, 7, 5]), 1e-4, [nb.randn([4, 7, 5])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  assert.ok(r.nodeTypes.includes('LSTM'));
  assert.ok(r.initializers.includes('rnn.weight_ih_l0') && r.initializers.includes('rnn.weight_hh_l0'));
  const m = decodeModel(r.bytes);
  const lstm = m.graph.nodes.find((n) => n.opType === 'LSTM')!;
  assert.equal(lstm.attrs['hidden_size']!.i, 8);
  assert.equal(lstm.attrs['direction']!.s, 'forward');
});

test('LSTM layer itself (2 layers, bidirectional, given initial state): output, h_n and c_n all match', async () => {
  nb.manualSeed(6);
  const lstm = new nn.LSTM(4, 6, { numLayers: 2, bidirectional: true });
  class WithState extends nn.Module<[Tensor], [Tensor, [Tensor, Tensor]]> {
    lstm = lstm;
    forward(x: Tensor): [Tensor, [Tensor, Tensor]] {
      const h0 = nb.full([4, x.shape[1]!, 6], 0.1);
      const c0 = nb.full([4, x.shape[1]!, 6], -0.2);
      return this.lstm.forward(x, [h0, c0]);
    }
  }
  const r = await roundTrip(lstm, nb.randn([5, 3, 4]), 1e-4);
  assert.deepEqual(r.outputNames, ['output_0', 'output_1', 'output_2']);
  assert.equal(r.nodeTypes.filter((t) => t === 'LSTM').length, 4);
  // a state that depends on the batch size: exported for the example's shapes
  const s = await roundTrip(new WithState(), nb.randn([5, 3, 4]), 1e-4);
  assert.equal(s.dynamicBatch, false);
  assert.match(String(s.staticReason), /batch/);
});

test('GRU classifier and a bidirectional GRU layer export as ONNX GRU nodes (linear_before_reset = 1)', async () => {
  nb.manualSeed(7);
  const net = new SeqClassifier(new nn.GRU(5, 8, { batchFirst: true }), new nn.Linear(8, 2));
  const r = await roundTrip(net, nb.randn([3, 6, 5]), 1e-4, [nb.randn([1, 6, 5])]);
  assert.equal(r.dynamicBatch, true, String(r.staticReason));
  const m = decodeModel(r.bytes);
  const gru = m.graph.nodes.find((n) => n.opType === 'GRU')!;
  assert.equal(gru.attrs['linear_before_reset']!.i, 1);
  const layer = new nn.GRU(3, 4, { bidirectional: true, numLayers: 2 });
  const r2 = await roundTrip(layer, nb.randn([4, 2, 3]), 1e-4);
  assert.equal(r2.nodeTypes.filter((t) => t === 'GRU').length, 4);
});

test('LSTM hidden state at an intermediate step, reversed direction, and the cell state c_n', async () => {
  nb.manualSeed(10);
  const lstm = new nn.LSTM(3, 4, { bidirectional: true });
  class Mid extends nn.Module {
    lstm = lstm;
    forward(x: Tensor): Tensor {
      const [out, [, c]] = this.lstm.forward(x);
      return nb.cat([out.select(0, 1), c.select(0, 1)], 1);
    }
  }
  const r = await roundTrip(new Mid(), nb.randn([4, 2, 3]), 1e-4);
  assert.ok(decodeModel(r.bytes).graph.nodes.some((n) => n.opType === 'LSTM' && n.attrs['direction']!.s === 'reverse'));
});

// ---------------------------------------------------------------- files, errors, edge cases

test('export writes the file atomically and ONNX Runtime loads it from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-onnx-'));
  try {
    nb.manualSeed(8);
    const net = new nn.Sequential(new nn.Linear(3, 2), new nn.Sigmoid());
    const path = join(dir, 'sub', 'model.onnx');
    const r = nb.onnx.export(net, nb.randn([2, 3]), path);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['model.onnx']);
    const bytes = new Uint8Array(readFileSync(path));
    assert.deepEqual(bytes, r.bytes);
    const x = nb.randn([2, 3]);
    const got = await runOrt(bytes, { input: x });
    assertClose(got['output']!.data, net.forward(x).data(), 1e-6, 'from disk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Embedding (gather) and LeakyReLU (where) export and run with the same outputs', async () => {
  nb.manualSeed(9);
  const emb = new nn.Sequential(new nn.Embedding(10, 4), new nn.Linear(4, 2));
  const r = await roundTrip(emb, nb.tensor([[1, 2, 3]], { dtype: 'int32' }), 1e-5);
  assert.ok(r.nodeTypes.includes('GatherElements') || r.nodeTypes.includes('Gather'));
  class Leaky extends nn.Module {
    fc = new nn.Linear(3, 3);
    forward(x: Tensor): Tensor {
      return nn.functional.leakyRelu(this.fc.forward(x), 0.1);
    }
  }
  const r2 = await roundTrip(new Leaky(), nb.randn([2, 3]), 1e-6);
  assert.ok(r2.nodeTypes.includes('Where'));
});

test('unsupported ops give a NablaError naming the op and the layer', () => {
  // an op of the user's own, recorded through the same plumbing as the built-in ones
  const myOp = (x: Tensor): Tensor => result('myCustomOp', x.detach().mul(2), [x], (g) => [g.mul(2)]);
  class Custom extends nn.Module {
    fc = new nn.Linear(3, 3);
    forward(x: Tensor): Tensor {
      return myOp(this.fc.forward(x));
    }
  }
  assert.throws(() => nb.onnx.toOnnx(new Custom(), nb.randn([2, 3])), (e: Error) => e instanceof nb.NablaError && /'myCustomOp'/.test(e.message) && /Custom/.test(e.message));
});

const myOpDead = (x: Tensor): Tensor => result('myCustomOp', x.detach().mul(2), [x], null);

test('an unsupported op the output does not depend on is dropped, not an error', async () => {
  class DeadBranch extends nn.Module {
    fc = new nn.Linear(3, 2);
    forward(x: Tensor): Tensor {
      myOpDead(x); // computed and thrown away
      return this.fc.forward(x).relu();
    }
  }
  const r = await roundTrip(new DeadBranch(), nb.randn([2, 3]), 1e-6);
  assert.ok(!r.nodeTypes.includes('Mul'));
});

test('values computed outside the traced ops (argmax, .data()) are reported, not baked in as constants', () => {
  class Smuggle extends nn.Module {
    fc = new nn.Linear(3, 3);
    forward(x: Tensor): Tensor {
      const h = this.fc.forward(x);
      const scale = nb.tensor(Array.from(h.data(), (v) => (v > 0 ? 1 : 0)), { shape: [...h.shape] });
      return h.mul(scale);
    }
  }
  assert.throws(() => nb.onnx.toOnnx(new Smuggle(), nb.randn([4, 3])), /changes with the input but was not computed by traced ops/);
});

test('data-dependent control flow is an error', () => {
  nb.manualSeed(11);
  class Branchy extends nn.Module {
    fc = new nn.Linear(2, 2);
    forward(x: Tensor): Tensor {
      const h = this.fc.forward(x);
      return h.sum().item() > 0 ? h.relu() : h.tanh();
    }
  }
  const net = new Branchy();
  // find an input for which the branch flips under the exporter's perturbation
  let x = nb.tensor([[1, -1]]);
  for (let i = 0; i < 50; i++) {
    x = nb.randn([1, 2]).mul(3);
    const y = nb.noGrad(() => net.fc.forward(x).sum().item());
    const d = x.data();
    const z = nb.noGrad(() => net.fc.forward(nb.tensor([[d[1]!, d[0]!]])).sum().item());
    if (y > 0 !== z > 0) break;
  }
  assert.throws(() => nb.onnx.toOnnx(net, x), /data-dependent control flow/);
});

test('a model tied to one batch size is exported with fixed shapes; dynamicBatch: false is honoured', async () => {
  class Fixed extends nn.Module {
    fc = new nn.Linear(4, 2);
    forward(x: Tensor): Tensor {
      return this.fc.forward(x).reshape([1, 6]);
    }
  }
  const r = await roundTrip(new Fixed(), nb.randn([3, 4]), 1e-6);
  assert.equal(r.dynamicBatch, false);
  assert.ok(r.staticReason !== null);
  const mlp = new nn.Sequential(new nn.Linear(2, 2));
  const s = nb.onnx.toOnnx(mlp, nb.randn([2, 2]), { dynamicBatch: false, inputNames: ['x'], outputNames: ['y'] });
  const m = decodeModel(s.bytes);
  assert.deepEqual(m.graph.inputs[0], { name: 'x', elemType: 1, dims: [2, 2] });
  assert.deepEqual(m.graph.outputs[0]!.dims, [2, 2]);
});

test('bad arguments are NablaErrors', () => {
  const mlp = new nn.Sequential(new nn.Linear(2, 2));
  assert.throws(() => nb.onnx.toOnnx(mlp, [] as unknown as Tensor), nb.NablaError);
  assert.throws(() => nb.onnx.toOnnx(mlp, [[1, 2]] as unknown as Tensor), nb.NablaError);
  assert.throws(() => nb.onnx.export(mlp, nb.randn([1, 2]), ''), nb.NablaError);
  assert.throws(() => nb.onnx.toOnnx({} as AnyModule, nb.randn([1, 2])), nb.NablaError);
  class Obj extends nn.Module {
    forward(x: Tensor): Tensor {
      return { y: x } as unknown as Tensor;
    }
  }
  assert.throws(() => nb.onnx.toOnnx(new Obj(), nb.randn([1, 2])), /forward returned object/);
});
