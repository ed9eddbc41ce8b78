/**
 * The fused LayerNorm and attention ops: gradchecks (float64 central differences), agreement with
 * the composed ops they replace (forward and every gradient, masks, causal, strided head views),
 * double backward through the recorded backward, the module plumbing (clones, dropout, keys) and
 * the errors. Runs on every backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/core/tensor.js';
import { attention, composedWeights } from '../../src/ops/attention.js';
import { attend } from '../../src/functional/attention.js';
import { assertNear } from '../helpers/fixtures.js';
import { onBackend } from '../helpers/backend.js';

const { nn } = nb;
const F = nn.functional;
const f64 = { dtype: 'float64' as const };

function grads(ts: Tensor[]): Tensor[] {
  const g = ts.map((t) => t.grad!.clone());
  for (const t of ts) t.grad = null;
  return g;
}

for (const be of nb.availableBackends()) {
  test(`[${be}] layerNorm gradcheck: one and two normalised axes, with and without affine`, () =>
    onBackend(be, () => {
      nb.manualSeed(3);
      const x = nb.randn([3, 2, 5], { ...f64, requiresGrad: true });
      const w = nb.randn([5], { ...f64, requiresGrad: true });
      const b = nb.randn([5], { ...f64, requiresGrad: true });
      assert.ok(nb.gradcheck((a, c, d) => F.layerNorm(a!, [5], c!, d!), [x, w, b]));
      const w2 = nb.randn([2, 5], { ...f64, requiresGrad: true });
      assert.ok(nb.gradcheck((a, c) => F.layerNorm(a!, [2, 5], c!, null, 1e-3), [x, w2]));
      assert.ok(nb.gradcheck((a) => F.layerNorm(a!, 5), [x]));
    }));

  test(`[${be}] layerNorm double backward (createGraph) equals the composition's`, () =>
    onBackend(be, () => {
      const second = (f: (a: Tensor, c: Tensor, d: Tensor) => Tensor): Tensor[] => {
        nb.manualSeed(4);
        const x = nb.randn([3, 4], { ...f64, requiresGrad: true });
        const w = nb.randn([4], { ...f64, requiresGrad: true });
        const b = nb.randn([4], { ...f64, requiresGrad: true });
        f(x, w, b).tanh().square().sum().backward(undefined, { createGraph: true });
        const [gx, gw] = [x.grad!, w.grad!];
        x.grad = w.grad = b.grad = null;
        gx.square().sum().add(gw.square().sum()).backward();
        return [x.grad!, w.grad!];
      };
      const fused = second((a, c, d) => F.layerNorm(a, 4, c, d));
      const comp = second((a, c, d) => {
        const mu = a.mean(-1, true);
        const xc = a.sub(mu);
        return xc.mul(xc.square().mean(-1, true).add(1e-5).rsqrt()).mul(c).add(d);
      });
      fused.forEach((g, i) => assertNear(g, comp[i]!, 1e-10, `second-order gradient ${i}`));
    }));

  test(`[${be}] fused attention gradcheck: plain, masked, causal, L != S`, () =>
    onBackend(be, () => {
      nb.manualSeed(5);
      const q = nb.randn([2, 2, 4, 3], { ...f64, requiresGrad: true });
      const k = nb.randn([2, 2, 5, 3], { ...f64, requiresGrad: true });
      const v = nb.randn([2, 2, 5, 2], { ...f64, requiresGrad: true });
      const mask = nb.randn([2, 1, 4, 5], f64).maskedFill(nb.rand([2, 1, 4, 5]).lt(0.2), -Infinity);
      nb.noGrad(() => mask.slice(null, null, null, [0, 1]).fill_(0)); // every query keeps key 0
      assert.ok(nb.gradcheck((a, b, c) => attention(a!, b!, c!), [q, k, v]));
      assert.ok(nb.gradcheck((a, b, c) => attention(a!, b!, c!, { mask, scale: 0.7 }), [q, k, v]));
      assert.ok(nb.gradcheck((a, b, c) => attention(a!, b!, c!, { causal: true }), [q, k, v]));
      const k2 = nb.randn([2, 2, 3, 3], { ...f64, requiresGrad: true });
      const v2 = nb.randn([2, 2, 3, 4], { ...f64, requiresGrad: true });
      assert.ok(nb.gradcheck((a, b, c) => attention(a!, b!, c!, { causal: true }), [q, k2, v2]));
    }));

  test(`[${be}] fused attention equals the composed ops, also on strided head views of a packed projection`, () =>
    onBackend(be, () => {
      nb.manualSeed(6);
      for (const dtype of ['float64', 'float32'] as const) {
        const tol = dtype === 'float64' ? 1e-12 : 2e-5;
        const packed = nb.randn([2, 7, 3, 2, 4], { dtype, requiresGrad: true }); // [N, L, 3, H, hd]
        const heads = packed.permute(2, 0, 3, 1, 4);
        const [q, k, v] = [0, 1, 2].map((i) => heads.select(0, i)) as [Tensor, Tensor, Tensor];
        const mask = nb.randn([7, 7], { dtype }).mul(0.5);
        for (const causal of [false, true]) {
          for (const m of [null, mask]) {
            const g = nb.randn([2, 2, 7, 4], { dtype });
            const fused = attention(q, k, v, { mask: m, causal });
            fused.backward(g);
            const [gf] = grads([packed]);
            const comp = composedWeights(q, k, m, causal, 0.5).matmul(v);
            comp.backward(g);
            const [gc] = grads([packed]);
            assertNear(fused, comp, tol, `${dtype} causal=${causal} mask=${m !== null} out`);
            assertNear(gf!, gc!, tol, `${dtype} causal=${causal} mask=${m !== null} grad`);
          }
        }
      }
    }));

  test(`[${be}] fused attention double backward (createGraph) equals the composition's`, () =>
    onBackend(be, () => {
      const second = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor): Tensor[] => {
        nb.manualSeed(7);
        const q = nb.randn([1, 2, 3, 2], { ...f64, requiresGrad: true });
        const k = nb.randn([1, 2, 4, 2], { ...f64, requiresGrad: true });
        const v = nb.randn([1, 2, 4, 3], { ...f64, requiresGrad: true });
        f(q, k, v).tanh().square().sum().backward(undefined, { createGraph: true });
        const g = [q.grad!, k.grad!, v.grad!];
        q.grad = k.grad = v.grad = null;
        g[0]!.square().sum().add(g[1]!.square().sum()).add(g[2]!.square().sum()).backward();
        return [q.grad!, k.grad!, v.grad!];
      };
      const fused = second((a, b, c) => attention(a, b, c, { causal: true }));
      const comp = second((a, b, c) => composedWeights(a, b, null, true, 1 / Math.sqrt(2)).matmul(c));
      fused.forEach((g, i) => assertNear(g, comp[i]!, 1e-10, `second-order gradient ${i}`));
    }));

  test(`[${be}] a fully masked query row gives NaN (as PyTorch), the other rows are unaffected`, () =>
    onBackend(be, () => {
      const q = nb.randn([1, 1, 3, 2]);
      const k = nb.randn([1, 1, 4, 2]);
      const v = nb.randn([1, 1, 4, 2]);
      const mask = nb.zeros([3, 4]);
      nb.noGrad(() => mask.select(0, 1).fill_(-Infinity));
      const o = attention(q, k, v, { mask }).data();
      assert.ok(Number.isNaN(o[2]!) && Number.isNaN(o[3]!));
      assert.ok([0, 1, 4, 5].every((i) => Number.isFinite(o[i]!)));
    }));

  test(`[${be}] MultiheadAttention: fused and composed paths agree, with every mask kind`, () =>
    onBackend(be, () => {
      nb.manualSeed(8);
      const m = new nn.MultiheadAttention(8, 2, { batchFirst: true }).double();
      const x = nb.randn([2, 5, 8], { ...f64, requiresGrad: true });
      const kpm = nb.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 1]], { dtype: 'bool' });
      const am = nb.rand([5, 5]).lt(0.2);
      nb.noGrad(() => am.select(1, 0).fill_(0));
      const run = (composed: boolean): Tensor[] => {
        const [y] = nn.functional.multiHeadAttentionForward(x, x, x, {
          numHeads: 2, inProjWeight: m.in_proj_weight, inProjBias: m.in_proj_bias, outProjWeight: m.out_proj.weight, outProjBias: m.out_proj.bias,
        }, { batchFirst: true, keyPaddingMask: kpm, attnMask: am, isCausal: true, needWeights: false, composed });
        y.square().sum().backward();
        return [y, ...grads([x, ...m.parameters()])];
      };
      const a = run(false);
      const b = run(true);
      a.forEach((t, i) => assertNear(t, b[i]!, 1e-12, `tensor ${i}`));
    }));
}

test('MultiheadAttention dropout: training drops attention weights (rows no longer sum to 1), eval does not', () => {
  nb.manualSeed(9);
  const m = new nn.MultiheadAttention(4, 1, { dropout: 0.5, batchFirst: true });
  const x = nb.randn([1, 6, 4]);
  const [, w] = m.forward(x, x, x);
  const sums = w!.sum(-1).data();
  assert.ok([...sums].some((s) => Math.abs(s - 1) > 1e-3), 'some row changed by dropout');
  m.eval();
  const [, w2] = m.forward(x, x, x);
  for (const s of w2!.sum(-1).data()) assert.ok(Math.abs(s - 1) < 1e-5);
});

test('state-dict keys follow PyTorch: MultiheadAttention (packed and kdim/vdim) and an encoder stack', () => {
  assert.deepEqual(Object.keys(new nn.MultiheadAttention(4, 2).stateDict()), ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
  assert.deepEqual(Object.keys(new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, bias: false }).stateDict()), ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'out_proj.weight']);
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6 }), 2, { norm: new nn.LayerNorm(4) });
  const keys = Object.keys(enc.stateDict());
  assert.equal(keys.length, 2 * 12 + 2);
  assert.deepEqual(keys.slice(0, 12), [
    'layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias', 'layers.0.self_attn.out_proj.weight', 'layers.0.self_attn.out_proj.bias',
    'layers.0.linear1.weight', 'layers.0.linear1.bias', 'layers.0.linear2.weight', 'layers.0.linear2.bias',
    'layers.0.norm1.weight', 'layers.0.norm1.bias', 'layers.0.norm2.weight', 'layers.0.norm2.bias',
  ]);
  assert.deepEqual(keys.slice(-2), ['norm.weight', 'norm.bias']);
});

test('TransformerEncoder clones the layer: independent parameters with equal initial values', () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6 });
  const enc = new nn.TransformerEncoder(layer, 2);
  const [a, b] = [enc.layers.at(0), enc.layers.at(1)] as nb.nn.TransformerEncoderLayer[];
  assert.notEqual(a!.linear1.weight, b!.linear1.weight);
  assert.notEqual(a!.linear1.weight.storage, layer.linear1.weight.storage);
  assert.deepEqual([...a!.linear1.weight.data()], [...b!.linear1.weight.data()]);
  nb.noGrad(() => a!.linear1.weight.fill_(0));
  assert.notEqual(b!.linear1.weight.data()[0], 0);
});

test('MultiheadAttention initialisation: Xavier-uniform in_proj_weight, zero biases', () => {
  nb.manualSeed(10);
  const m = new nn.MultiheadAttention(16, 4);
  const bound = Math.sqrt(6 / (16 + 48));
  assert.ok([...m.in_proj_weight!.data()].every((v) => Math.abs(v) <= bound));
  assert.ok([...m.in_proj_bias!.data(), ...m.out_proj.bias!.data()].every((v) => v === 0));
});

test('GELU takes PyTorch\'s approximate option', () => {
  const x = nb.tensor([-1, 0.5, 2]);
  assertNear(new nn.GELU({ approximate: 'tanh' }).forward(x), F.gelu(x, 'tanh'), 1e-7, 'tanh');
  assertNear(new nn.GELU().forward(x), x.gelu(), 1e-7, 'none');
  assert.throws(() => new nn.GELU({ approximate: 'fast' as 'none' }), /approximate/);
});

test('errors name the layer and the shapes', () => {
  const m = new nn.MultiheadAttention(8, 2);
  const x = nb.randn([5, 2, 8]);
  assert.throws(() => m.forward(x, x, x, { attnMask: nb.zeros([4, 5]) }), /2-D attnMask is \[4,5\], but should be \[5, 5\]/);
  assert.throws(() => m.forward(x, x, x, { keyPaddingMask: nb.zeros([5, 2]) }), /keyPaddingMask is \[5,2\], but should be \[2, 5\]/);
  assert.throws(() => m.forward(x, nb.randn([5, 2, 6]), nb.randn([5, 2, 6])), /kdim\/vdim/);
  assert.throws(() => new nn.MultiheadAttention(6, 4), /divisible/);
  assert.throws(() => new nn.LayerNorm(4).forward(nb.randn([2, 3])), /does not end with normalizedShape \[4\]/);
  assert.throws(() => F.scaledDotProductAttention(x, x, x, { isCausal: true, attnMask: nb.zeros([2, 2]) }), /either attnMask or isCausal/);
});

test('attend with weights returns the softmax the fused op does not materialise', () => {
  const q = nb.randn([1, 1, 3, 2]);
  const { out, weights } = attend(q, q, q, { mask: null, causal: true, scale: 1, dropoutP: 0, needWeights: true });
  assertNear(weights!.sum(-1), nb.ones([1, 1, 3]), 1e-6, 'rows sum to 1');
  assertNear(out, attention(q, q, q, { causal: true, scale: 1 }), 1e-6, 'same output');
});
