import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../src/explain/explain.js';
import { fmt } from '../../src/explain/snapshot.js';
import { Module, Parameter } from '../../src/nn/module.js';
import { LSTM } from '../../src/nn/rnn.js';
import { Linear } from '../../src/nn/linear.js';
import { Tensor } from '../../src/core/tensor.js';
import { randn } from '../../src/ops/create.js';
import { stack } from '../../src/ops/indexing.js';
import { manualSeed } from '../../src/core/rng.js';
import { lstmCell } from '../../src/functional/rnn.js';

const values = (t: Tensor | null): number[] => {
  assert.ok(t !== null, 'expected a gradient');
  return Array.from(t.data(), Number);
};
const closeAll = (a: readonly number[], b: readonly number[], tol: number, what: string): void => {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `${what}[${i}]: ${v} != ${b[i]}`));
};

/** LSTM over [T, B, F], a Linear head on every step's h_t: the loss sees every h_t (and so every step gets dJ/dh_t from outside). */
class SeqNet extends Module {
  lstm: LSTM;
  head: Linear;
  constructor(F: number, H: number, bidirectional = false) {
    super();
    this.lstm = new LSTM(F, H, { bidirectional }).to('float64');
    this.head = new Linear(bidirectional ? 2 * H : H, 1).to('float64');
  }
  forward(x: Tensor): Tensor {
    const [y] = this.lstm.call(x);
    return this.head.call(y);
  }
}

const T = 3;
const B = 2;
const F = 3;
const H = 2;

function setup(bidirectional = false) {
  manualSeed(21);
  const model = new SeqNet(F, H, bidirectional);
  const x = randn([T, B, F], { dtype: 'float64' });
  const y = randn([T, B, 1], { dtype: 'float64' });
  return { model, x, y };
}

test('LSTM: the gates recomputed in float64 reproduce the layer\'s c_t and h_t; h_t is the layer\'s output', () => {
  const { model, x, y } = setup();
  const d = explain({ model, input: x, target: y, apply: false }).toJSON();
  assert.equal(d.lstms.length, 1);
  const l = d.lstms[0]!;
  assert.deepEqual([l.steps, l.batch, l.inputSize, l.hiddenSize, l.reverse], [T, B, F, H, false]);
  assert.ok(l.maxForwardError <= 1e-15, `max |recomputed - recorded| = ${l.maxForwardError}`);
  const [out] = model.lstm.call(x);
  const ys = values(out);
  l.forward.forEach((s, k) => {
    assert.equal(s.t, k + 1);
    assert.deepEqual(s.h.data, ys.slice(k * B * H, (k + 1) * B * H));
    assert.deepEqual(s.x.data, values(x).slice(k * B * F, (k + 1) * B * F));
    // c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t), from the displayed gates
    closeAll(s.c.data, s.f.data.map((f, j) => f * s.cPrev.data[j]! + s.i.data[j]! * s.g.data[j]!), 1e-15, `c_${s.t}`);
    closeAll(s.h.data, s.o.data.map((o, j) => o * Math.tanh(s.c.data[j]!)), 1e-15, `h_${s.t}`);
    if (k > 0) assert.deepEqual(s.hPrev.data, l.forward[k - 1]!.h.data);
  });
});

/**
 * The same step composed from tensor ops: lstmCell per time step (autograd differentiates it
 * op by op), with every h_t and c_t retained, on copies of the LSTM's parameters.
 */
function composed(model: SeqNet, x: Tensor, y: Tensor) {
  const p = Object.fromEntries(model.lstm.namedParameters());
  const copy = (t: Tensor): Parameter => new Parameter(t.detach().clone());
  const w = { weightIh: copy(p['weight_ih_l0']!), weightHh: copy(p['weight_hh_l0']!), biasIh: copy(p['bias_ih_l0']!), biasHh: copy(p['bias_hh_l0']!) };
  let h: Tensor = new Tensor(new Float64Array(B * H), [B, H]);
  let c: Tensor = new Tensor(new Float64Array(B * H), [B, H]);
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    [h, c] = lstmCell(x.select(0, t), [h, c], w);
    h.retainGrad();
    c.retainGrad();
    hs.push(h);
    cs.push(c);
  }
  const out = model.head.call(stack(hs, 0));
  out.sub(y).pow(2).sum().mul(0.5 / (T * B)).backward();
  return { w, hs, cs };
}

test('LSTM: BPTT dJ/dh_t, dJ/dc_t equal the retained gradients of a composed re-run; delta_t is the fused op\'s; gradients are .grad', () => {
  for (const weightDecay of [0, 0.1]) {
    const { model, x, y } = setup();
    const d = explain({ model, input: x, target: y, apply: false, weightDecay }).toJSON();
    const l = d.lstms[0]!;
    assert.ok(l.maxDeltaError <= 1e-15, `max |recomputed delta - op delta| = ${l.maxDeltaError}`);
    const p = Object.fromEntries(model.lstm.namedParameters());
    // every gradient shown is exactly autograd's .grad of the fused layer
    assert.deepEqual(l.grads.Wih.total.data, values(p['weight_ih_l0']!.grad));
    assert.deepEqual(l.grads.Whh.total.data, values(p['weight_hh_l0']!.grad));
    assert.deepEqual(l.grads.bih!.data, values(p['bias_ih_l0']!.grad));
    assert.deepEqual(l.grads.bhh!.data, values(p['bias_hh_l0']!.grad));
    if (weightDecay > 0) {
      closeAll(l.grads.Wih.l2!.data, l.Wih.data.map((v) => weightDecay * v), 1e-15, 'lambda W_ih');
      closeAll(l.grads.Whh.data.data.map((v, k) => v + l.grads.Whh.l2!.data[k]!), l.grads.Whh.total.data, 1e-15, 'data + L2');
    }
    // the composed re-run (without the L2 term): its retained state gradients are the BPTT deltas shown
    for (const q of model.parameters()) q.grad = null;
    const re = composed(model, x, y);
    for (const s of l.backward) {
      closeAll(s.dh.data, values(re.hs[s.t - 1]!.grad), 1e-14, `dJ/dh_${s.t}`);
      closeAll(s.dc.data, values(re.cs[s.t - 1]!.grad), 1e-14, `dJ/dc_${s.t}`);
      closeAll(s.dh.data, s.dhOut.data.map((v, k) => v + s.dhNext.data[k]!), 1e-15, `dh parts ${s.t}`);
    }
    assert.deepEqual(l.backward.map((s) => s.t), [3, 2, 1]);
    if (weightDecay === 0) {
      // and sum_t delta_t x_t^T etc. are the composed gradients too
      closeAll(l.grads.Wih.total.data, values(re.w.weightIh.grad), 1e-14, 'dJ/dW_ih');
      closeAll(l.grads.Whh.total.data, values(re.w.weightHh.grad), 1e-14, 'dJ/dW_hh');
      closeAll(l.grads.bih!.data, values(re.w.biasIh.grad), 1e-14, 'dJ/db_ih');
      // dJ/dW_ih = sum_t delta_t x_t^T from the displayed deltas
      const sum = new Array<number>(4 * H * F).fill(0);
      for (const s of l.backward) {
        const xs = l.forward.find((f) => f.t === s.t)!.x.data;
        for (let b = 0; b < B; b++) for (let r = 0; r < 4 * H; r++) for (let k = 0; k < F; k++) sum[r * F + k] += s.delta.data[b * 4 * H + r]! * xs[b * F + k]!;
      }
      closeAll(sum, l.grads.Wih.total.data, 1e-14, 'sum_t delta_t x_t^T');
    }
  }
});

test('LSTM: a bidirectional layer gives two narrated directions, the reverse one walking t = T..1', () => {
  const { model, x, y } = setup(true);
  const d = explain({ model, input: x, target: y, apply: false }).toJSON();
  assert.equal(d.lstms.length, 2);
  const [fw, bw] = d.lstms as [(typeof d.lstms)[0], (typeof d.lstms)[0]];
  assert.equal(fw.reverse, false);
  assert.equal(bw.reverse, true);
  assert.deepEqual(bw.forward.map((s) => s.t), [3, 2, 1]);
  assert.deepEqual(bw.backward.map((s) => s.t), [1, 2, 3]);
  for (const l of [fw, bw]) {
    assert.ok(l.maxForwardError <= 1e-15 && l.maxDeltaError <= 1e-15);
  }
  const p = Object.fromEntries(model.lstm.namedParameters());
  assert.deepEqual(bw.grads.Whh.total.data, values(p['weight_hh_l0_reverse']!.grad));
  assert.equal(bw.names.Whh, 'lstm.weight_hh_l0_reverse');
  assert.equal(d.layers.length, 1, 'the head is the one dense layer; the LSTM input projection is not one');
});

test('LSTM: text, Markdown and HTML show gates, states, BPTT deltas and .grad values', () => {
  const { model, x, y } = setup();
  const ex = explain({ model, input: x, target: y, lr: 0.1 });
  const l = ex.toJSON().lstms[0]!;
  const text = ex.toText();
  const md = ex.toMarkdown();
  const html = ex.toHTML({ fonts: 'none' });
  const shown = [l.forward[1]!.i.data[0]!, l.forward[2]!.c.data[1]!, l.backward[1]!.dh.data[0]!, l.backward[2]!.dc.data[1]!, l.backward[0]!.delta.data[5]!, l.grads.Whh.total.data[3]!];
  for (const v of shown) {
    assert.ok(text.includes(fmt(v, 10)), `text shows ${fmt(v, 10)}`);
    assert.ok(md.includes(fmt(v, 10)), `markdown shows ${fmt(v, 10)}`);
  }
  for (const s of ['LSTM 1: forward through time', 'LSTM 1: backpropagation through time', 'LSTM 1: gradients', 'c₂ = f₂ ⊙ c₁ + i₂ ⊙ g₂', 'h₃ = o₃ ⊙ tanh(c₃)', '∂J/∂h₂ = ∂J/∂h₂|out + W_hhᵀ δ₃', '∂J/∂c₂ = ∂J/∂h₂ ⊙ o₂ ⊙ (1 − tanh² c₂) + ∂J/∂c₃ ⊙ f₃', 'W_ih := W_ih − α ∂J/∂W_ih']) {
    assert.ok(text.includes(s), s);
  }
  assert.match(md, /\\frac\{\\partial J\}\{\\partial c_\{2\}\}/);
  assert.match(html, /<math [^>]*displaystyle="true"><semantics><mrow>/);
  // sections run forward then backward in order: BPTT before the LSTM's gradients
  assert.ok(text.indexOf('LSTM 1: backpropagation through time') < text.indexOf('LSTM 1: gradients'));
});
