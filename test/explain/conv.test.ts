import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../src/explain/explain.js';
import { fmt } from '../../src/explain/snapshot.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/conv.js';
import { Linear } from '../../src/nn/linear.js';
import { Tensor } from '../../src/core/tensor.js';
import { NablaError } from '../../src/core/errors.js';
import { randn, tensor } from '../../src/ops/create.js';
import { manualSeed } from '../../src/core/rng.js';
import type { Conv2dLayerOptions } from '../../src/nn/conv.js';

const values = (t: Tensor | null): number[] => {
  assert.ok(t !== null, 'expected a gradient');
  return Array.from(t.data(), Number);
};
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

/** conv -> tanh -> flatten -> linear -> sigmoid; `tap` keeps the conv output to check delta against. */
class ConvNet extends Module {
  conv: Conv2d;
  fc: Linear;
  tap: Tensor | null = null;
  constructor(inC: number, outC: number, k: number, opts: Conv2dLayerOptions, features: number) {
    super();
    this.conv = new Conv2d(inC, outC, k, { ...opts, dtype: 'float64' });
    this.fc = new Linear(features, 1).to('float64');
  }
  forward(x: Tensor): Tensor {
    const z = this.conv.call(x);
    this.tap = z;
    return this.fc.call(z.tanh().flatten(1)).sigmoid();
  }
}

function setup(opts: Conv2dLayerOptions, inC = 2, outC = 2, N = 2) {
  manualSeed(11);
  const H = 5;
  const probe = new Conv2d(inC, outC, 3, { ...opts, dtype: 'float64' });
  const out = probe.call(randn([1, inC, H, H], { dtype: 'float64' }));
  const model = new ConvNet(inC, outC, 3, opts, out.size);
  const x = randn([N, inC, H, H], { dtype: 'float64' });
  const y = tensor(Array.from({ length: N }, (_, n) => [n % 2]), { dtype: 'float64' });
  return { model, x, y };
}

const CASES: [string, Conv2dLayerOptions][] = [
  ['padding 1', { padding: 1 }],
  ['stride 2, padding 1', { stride: 2, padding: 1 }],
  ['dilation 2', { dilation: 2, padding: 1 }],
  ['groups 2', { groups: 2 }],
];

for (const [name, opts] of CASES) {
  test(`conv (${name}): patch ⊙ kernel summed + bias is the layer's output, for every output element`, () => {
    const { model, x, y } = setup(opts);
    const first = explain({ model, input: x, target: y, apply: false }).toJSON().convs[0]!;
    const [N, O, oh, ow] = first.z.shape as [number, number, number, number];
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        for (let p = 0; p < oh; p++) {
          for (let q = 0; q < ow; q++) {
            const c = explain({ model, input: x, target: y, apply: false, focus: { output: [n, o, p, q] } }).toJSON().convs[0]!;
            const f = c.output;
            assert.deepEqual(f.at, [n, o, p, q]);
            // the value is the layer's own output
            assert.equal(f.value, values(model.tap)[((n * O + o) * oh + p) * ow + q]);
            close(f.sum + (f.bias ?? 0), f.value);
            assert.deepEqual(f.products.data, f.patch.data.map((v, k) => v * f.kernel.data[k]!));
            // the patch is x under the kernel (zero outside the image)
            const [, C, H, W] = x.shape as [number, number, number, number];
            const xd = values(x);
            let k = 0;
            for (const ch of f.channels) {
              for (const r of f.rows) {
                for (const s of f.cols) {
                  const want = r < 0 || r >= H || s < 0 || s >= W ? 0 : xd[((n * C + ch) * H + r) * W + s]!;
                  assert.equal(f.patch.data[k++], want);
                }
              }
            }
          }
        }
      }
    }
  });

  for (const weightDecay of [0, 0.05]) {
    test(`conv (${name}, λ = ${weightDecay}): dJ/dW as the correlation of x with delta equals .grad, for every weight`, () => {
      const { model, x, y } = setup(opts);
      const d0 = explain({ model, input: x, target: y, apply: false, weightDecay }).toJSON();
      const c0 = d0.convs[0]!;
      const grad = values(model.conv.weight.grad);
      assert.deepEqual(c0.gradW.total.data, grad);
      assert.deepEqual(c0.gradB!.data, values(model.conv.bias!.grad));
      const [O, Cg, kh, kw] = c0.W.shape as [number, number, number, number];
      for (let o = 0; o < O; o++) {
        for (let c = 0; c < Cg; c++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const cv = explain({ model, input: x, target: y, apply: false, weightDecay, focus: { output: [0, o, 0, 0], weight: [o, c, i, j] } }).toJSON().convs[0]!;
              const w = cv.weight;
              const at = ((o * Cg + c) * kh + i) * kw + j;
              assert.equal(w.grad, grad[at]);
              close(w.sum + (w.l2 ?? 0), w.grad);
              assert.deepEqual(w.products.data, w.windows.data.map((v, k) => v * w.delta.data[k]!));
              if (weightDecay > 0) close(w.l2!, weightDecay * cv.W.data[at]!, 1e-15);
              else assert.equal(w.l2, null);
              assert.deepEqual(w.kernelGradTotal.data, grad.slice((o * Cg + c) * kh * kw, (o * Cg + c + 1) * kh * kw));
            }
          }
        }
      }
    });
  }
}

test('conv: delta is the retained gradient of the conv output; the bias gradient is the sum of delta', () => {
  const { model, x, y } = setup({ padding: 1 });
  // the same step by hand: keep the conv output's gradient
  const z = model.conv.call(x);
  z.retainGrad();
  const out = model.fc.call(z.tanh().flatten(1)).sigmoid();
  out.sub(y).pow(2).sum().mul(0.5 / 2).backward();
  const want = values(z.grad);
  for (const p of model.parameters()) p.grad = null;
  const c = explain({ model, input: x, target: y, apply: false }).toJSON().convs[0]!;
  assert.deepEqual(c.delta.data, want);
  const [N, O, oh, ow] = c.delta.shape as [number, number, number, number];
  for (let o = 0; o < O; o++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < oh * ow; k++) s += c.delta.data[(n * O + o) * oh * ow + k]!;
    close(s, c.gradB!.data[o]!);
  }
});

test('conv: text, Markdown and HTML print the chosen output and the chosen weight gradient (= .grad)', () => {
  manualSeed(5);
  const model = new ConvNet(1, 1, 2, {}, 4);
  const x = tensor([[[[1, 2, 0], [0, 1, 3], [2, 1, 1]]]], { dtype: 'float64' });
  const ex = explain({ model, input: x, target: [[1]], lr: 0.1, focus: { output: [0, 0, 1, 1], weight: [0, 0, 1, 0] } });
  const c = ex.toJSON().convs[0]!;
  const g = values(model.conv.weight.grad);
  const text = ex.toText();
  const md = ex.toMarkdown();
  const html = ex.toHTML({ fonts: 'none' });
  for (const s of [fmt(c.output.value, 10), fmt(g[2]!, 10), fmt(c.gradB!.data[0]!, 10)]) {
    assert.ok(text.includes(s), `text has ${s}`);
    assert.ok(md.includes(s), `markdown has ${s}`);
  }
  assert.match(text, /z\[0,0,1,1\] = b\[0\] \+ Σ_c,i,j W\[0,c,i,j\] · x\[0, c, 1\+i, 1\+j\]/);
  assert.match(text, /∂J\/∂W\[0,0,1,0\] = Σ_n,p,q δ\[n,0,p,q\] · x\[n, 0, p\+1, q\]/);
  assert.match(text, /∂J\/∂W\[0,0\] = x\[0,0\] ⋆ δ\[0,0\]/);
  assert.match(md, /\\star/);
  assert.match(html, /<math [^>]*displaystyle="true"><semantics><mrow>/);
  // the update covers the conv parameters
  assert.match(text, /W_conv1 := W_conv1 − α ∂J\/∂W_conv1/);
});

test('conv: a focus outside the output or the kernel is an error that names the shape', () => {
  const { model, x, y } = setup({ padding: 1 });
  assert.throws(() => explain({ model, input: x, target: y, focus: { output: [0, 0, 9, 0] } }), (e: unknown) => e instanceof NablaError && /focus\.output \[0, 0, 9, 0\] is outside the shape \[2, 2, 5, 5\]/.test(e.message));
  assert.throws(() => explain({ model, input: x, target: y, focus: { weight: [0, 0, 3, 0] } }), (e: unknown) => e instanceof NablaError && /focus\.weight/.test(e.message));
});

test('conv alone (no dense layer): explain narrates it', () => {
  manualSeed(2);
  const conv = new Conv2d(1, 1, 2, { dtype: 'float64' });
  const x = randn([1, 1, 3, 3], { dtype: 'float64' });
  const ex = explain({ model: conv, input: x, target: randn([1, 1, 2, 2], { dtype: 'float64' }), loss: 'mse', lr: 0.1 });
  const d = ex.toJSON();
  assert.equal(d.layers.length, 0);
  assert.equal(d.convs.length, 1);
  assert.deepEqual(d.convs[0]!.gradW.total.data, values(conv.weight.grad));
  assert.match(ex.toText(), /network of 1 convolution/);
});
