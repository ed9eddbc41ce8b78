/**
 * ONNX export of the attention layers, checked in ONNX Runtime (onnxruntime-web, WebAssembly, one
 * thread): a post-norm TransformerEncoderLayer with a float mask and key padding (LayerNormalization,
 * the fused attention as MatMul/Softmax/MatMul, ReLU), a pre-norm GELU encoder stack, and the
 * character GPT of examples/char-gpt (embeddings, causal attention, final LayerNorm, head), each
 * to 1e-5 of nabla's outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/index.js';

ort.env.wasm.numThreads = 1;
const { nn } = nb;

async function check(model: nb.Module<never[], unknown>, x: Tensor, atol: number): Promise<string[]> {
  model.eval();
  const r = nb.onnx.toOnnx(model, x, { dynamicBatch: false });
  const session = await ort.InferenceSession.create(r.bytes);
  const feed = x.dtype === 'int32' ? new ort.Tensor('int32', x.data() as Int32Array, [...x.shape]) : new ort.Tensor('float32', x.data() as Float32Array, [...x.shape]);
  const out = await session.run({ [r.inputNames[0]!]: feed });
  const got = out[r.outputNames[0]!]!;
  const want = nb.noGrad(() => (model.forward as (t: Tensor) => Tensor)(x));
  assert.deepEqual([...got.dims], [...want.shape]);
  const w = want.data();
  const g = got.data as Float32Array;
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(g[i]! - w[i]!) <= atol * (1 + Math.abs(w[i]!)), `element ${i}: onnx ${g[i]} vs nabla ${w[i]}`);
  }
  return r.nodeTypes;
}

test('a TransformerEncoderLayer (post-norm, ReLU, float mask, key padding) runs in ONNX Runtime with the same outputs', async () => {
  nb.manualSeed(21);
  const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true });
  const mask = nb.randn([6, 6]).mul(0.5);
  const kpm = nb.tensor([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0]], { dtype: 'bool' });
  class Wrapped extends nn.Module {
    layer = layer;
    forward(x: Tensor): Tensor {
      return this.layer.forward(x, { srcMask: mask, srcKeyPaddingMask: kpm });
    }
  }
  const types = await check(new Wrapped() as unknown as nb.Module<never[], unknown>, nb.randn([2, 6, 16]), 1e-5);
  assert.ok(types.includes('LayerNormalization') && types.includes('Softmax'));
});

test('a pre-norm GELU TransformerEncoder stack (causal) and the character GPT run in ONNX Runtime with the same outputs', async () => {
  nb.manualSeed(22);
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true }), 2, { norm: new nn.LayerNorm(16) });
  class Causal extends nn.Module {
    enc = enc;
    forward(x: Tensor): Tensor {
      return this.enc.forward(x, { isCausal: true });
    }
  }
  await check(new Causal() as unknown as nb.Module<never[], unknown>, nb.randn([2, 7, 16]), 1e-5);
  const gpt = new nb.text.CharGPT({ vocabSize: 20, contextSize: 16, dModel: 16, numHeads: 4, numLayers: 2 });
  const types = await check(gpt as unknown as nb.Module<never[], unknown>, nb.randint(0, 20, [2, 10], { dtype: 'int32' }), 1e-5);
  assert.ok(types.includes('Erf') && types.includes('MatMul'));
});
