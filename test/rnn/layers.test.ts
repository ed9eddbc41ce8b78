/**
 * Recurrent layers and Embedding as a user meets them: parameter names and shapes, init,
 * output shapes, dropout, truncated BPTT with detachState, cross-entropy over every time
 * step, and the error messages for wrong inputs and states.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/core/tensor.js';
import { manualSeed } from '../../src/core/rng.js';
import { DTypeError, ShapeError } from '../../src/core/errors.js';
import { randn, randint, tensor, zeros } from '../../src/ops/create.js';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '../../src/nn/rnn.js';
import { Embedding } from '../../src/nn/embedding.js';
import { detachState } from '../../src/functional/rnn.js';
import { crossEntropy } from '../../src/functional/loss.js';
import { linear } from '../../src/functional/linear.js';
import { assertClose } from '../helpers/fixtures.js';

const shapes = (m: { namedParameters(): [string, Tensor][] }): Record<string, string> =>
  Object.fromEntries(m.namedParameters().map(([n, p]) => [n, p.shape.join('x')]));

test('parameter names and shapes match PyTorch (2 layers, bidirectional LSTM)', () => {
  const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  assert.deepEqual(shapes(m), {
    weight_ih_l0: '16x3', weight_hh_l0: '16x4', bias_ih_l0: '16', bias_hh_l0: '16',
    weight_ih_l0_reverse: '16x3', weight_hh_l0_reverse: '16x4', bias_ih_l0_reverse: '16', bias_hh_l0_reverse: '16',
    weight_ih_l1: '16x8', weight_hh_l1: '16x4', bias_ih_l1: '16', bias_hh_l1: '16',
    weight_ih_l1_reverse: '16x8', weight_hh_l1_reverse: '16x4', bias_ih_l1_reverse: '16', bias_hh_l1_reverse: '16',
  });
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(shapes(m)));
  assert.deepEqual(shapes(new GRU(3, 4, { bias: false })), { weight_ih_l0: '12x3', weight_hh_l0: '12x4' });
  assert.deepEqual(shapes(new RNNCell(3, 4)), { weight_ih: '4x3', weight_hh: '4x4', bias_ih: '4', bias_hh: '4' });
  assert.deepEqual(shapes(new LSTMCell(3, 4)), { weight_ih: '16x3', weight_hh: '16x4', bias_ih: '16', bias_hh: '16' });
  assert.deepEqual(shapes(new GRUCell(3, 4, { bias: false })), { weight_ih: '12x3', weight_hh: '12x4' });
});

test('init: U(-1/sqrt(H), 1/sqrt(H)) from the seeded generator, reproducible', () => {
  manualSeed(42);
  const a = new GRU(10, 25, { numLayers: 2 });
  manualSeed(42);
  const b = new GRU(10, 25, { numLayers: 2 });
  const k = 1 / Math.sqrt(25);
  let max = 0;
  let sumSq = 0;
  let n = 0;
  for (const [name, p] of a.namedParameters()) {
    assertClose(p, b.getParameter(name)!, { atol: 0, rtol: 0, msg: name });
    for (const v of p.data()) {
      max = Math.max(max, Math.abs(v));
      sumSq += v * v;
      n++;
    }
  }
  assert.ok(max <= k && max > 0.95 * k, `max |w| ${max} vs bound ${k}`);
  assert.ok(Math.abs(sumSq / n - (k * k) / 3) < 0.1 * (k * k) / 3, 'variance of U(-k, k) is k^2/3');
});

test('output and state shapes follow PyTorch (batchFirst does not touch h_n)', () => {
  const x = randn([2, 7, 3]); // [batch, seq, feature]
  const [y, [h, c]] = new LSTM(3, 5, { numLayers: 3, bidirectional: true, batchFirst: true }).forward(x);
  assert.deepEqual([y.shape, h.shape, c.shape], [[2, 7, 10], [6, 2, 5], [6, 2, 5]]);
  const [y2, h2] = new GRU(3, 5).forward(randn([7, 2, 3]));
  assert.deepEqual([y2.shape, h2.shape], [[7, 2, 5], [1, 2, 5]]);
  const [y3, h3] = new RNN(3, 5, { bidirectional: true }).forward(randn([7, 3])); // unbatched
  assert.deepEqual([y3.shape, h3.shape], [[7, 10], [2, 5]]);
  assert.deepEqual(new GRUCell(3, 5).forward(randn([3])).shape, [5]);
  const [hc, cc] = new LSTMCell(3, 5).forward(randn([4, 3]));
  assert.deepEqual([hc.shape, cc.shape], [[4, 5], [4, 5]]);
});

test('the last output step of a unidirectional layer is h_n of its top layer', () => {
  const m = new GRU(3, 4, { numLayers: 2 });
  const [y, h] = m.forward(randn([6, 2, 3]));
  assertClose(y.select(0, 5), h.select(0, 1), { atol: 0 });
});

test('dropout between layers: only in training, seeded, and not after the last layer', () => {
  manualSeed(5);
  const m = new LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
  const x = randn([4, 2, 3]);
  manualSeed(100);
  const [a] = m.forward(x);
  manualSeed(100);
  const [b] = m.forward(x);
  manualSeed(101);
  const [c] = m.forward(x);
  assertClose(a, b, { atol: 0, msg: 'same seed, same dropout mask' });
  assert.throws(() => assertClose(a, c, { atol: 1e-6 }), 'a different seed changes the mask');
  m.eval();
  const [e1] = m.forward(x);
  const [e2] = m.forward(x);
  assertClose(e1, e2, { atol: 0, msg: 'eval is deterministic' });
  const single = new LSTM(3, 8, { dropout: 0.5 });
  const [s1] = single.forward(x);
  const [s2] = single.forward(x);
  assertClose(s1, s2, { atol: 0, msg: 'no dropout after the last layer' });
});

test('a PyTorch-layout state dict round-trips into a fresh layer and gives the same outputs', () => {
  const a = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const b = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  b.loadStateDict(a.stateDict());
  const x = randn([5, 2, 3]);
  assertClose(a.forward(x)[0], b.forward(x)[0], { atol: 0 });
});

test('truncated BPTT: detachState carries values but stops gradients at the chunk boundary', () => {
  manualSeed(9);
  const m = new LSTM(2, 3);
  const x1 = randn([4, 1, 2]);
  const x2 = randn([4, 1, 2], { requiresGrad: true });
  const [, s1] = m.forward(x1);
  const carried = detachState(s1);
  assert.equal(carried[0].requiresGrad, false);
  assert.equal(carried[1].requiresGrad, false);
  assertClose(carried[0], s1[0], { atol: 0 });
  const [y2] = m.forward(x2, carried);
  y2.sum().backward(); // must not reach chunk 1's graph
  assert.ok(x2.grad !== null);
  // gru/rnn states are single tensors
  const h = new GRU(2, 3).forward(x1)[1];
  assert.equal(detachState(h).requiresGrad, false);
  assert.equal(detachState(null), null);
});

test('cross-entropy over every time step by reshaping [B, T, C] to [B*T, C]', () => {
  manualSeed(3);
  const Bn = 2, T = 5, V = 7, Hd = 6;
  const emb = new Embedding(V, 4);
  const lstm = new LSTM(4, Hd, { batchFirst: true });
  const W = randn([V, Hd], { requiresGrad: true });
  const ids = randint(0, V, [Bn, T]);
  const targets = randint(0, V, [Bn, T]);
  const [y] = lstm.forward(emb.forward(ids));
  const logits = linear(y, W); // [B, T, V]
  const loss = crossEntropy(logits.reshape([-1, V]), targets.reshape([-1]));
  // the same number as the mean of per-step losses, and as the [N, C, T] (K-dimensional) form
  let perStep = 0;
  for (let t = 0; t < T; t++) perStep += crossEntropy(logits.select(1, t), targets.select(1, t)).item();
  assert.ok(Math.abs(loss.item() - perStep / T) < 1e-5);
  assert.ok(Math.abs(crossEntropy(logits.permute(0, 2, 1), targets).item() - loss.item()) < 1e-5);
  loss.backward();
  for (const [n, p] of [...lstm.namedParameters(), ...emb.namedParameters()]) assert.ok(p.grad !== null, `${n} has a gradient`);
});

// ------------------------------------------------------------------ Embedding

test('Embedding: lookup of any index shape, N(0,1) init, paddingIdx row zero with no gradient', () => {
  manualSeed(1);
  const e = new Embedding(1000, 8);
  const w = e.weight.data();
  let s = 0, s2 = 0;
  for (const v of w) { s += v; s2 += v * v; }
  assert.ok(Math.abs(s / w.length) < 0.05 && Math.abs(s2 / w.length - 1) < 0.1, 'N(0, 1) init');
  const idx = tensor([[[1, 2], [3, 1]]], { dtype: 'int32' });
  const y = e.forward(idx);
  assert.deepEqual(y.shape, [1, 2, 2, 8]);
  assertClose(y.slice(0, 1, 1), e.weight.select(0, 1), { atol: 0 });

  const p = new Embedding(5, 3, { paddingIdx: -1 });
  assert.equal(p.paddingIdx, 4);
  assertClose(p.weight.select(0, 4), zeros([3]), { atol: 0 });
  const out = p.forward(tensor([4, 0, 4, 2], { dtype: 'int32' }));
  out.mul(randn([4, 3])).sum().backward();
  assertClose(p.weight.grad!.select(0, 4), zeros([3]), { atol: 0, msg: 'padding row gradient' });
  assert.ok(p.weight.grad!.select(0, 0).abs().sum().item() > 0);
});

test('Embedding errors: non-int32 indices, out of range, bad paddingIdx', () => {
  const e = new Embedding(10, 4);
  assert.throws(() => e.forward(tensor([1, 2])), (err: Error) => err instanceof DTypeError && /Embedding: indices must be int32, got float32/.test(err.message));
  assert.throws(() => e.forward(tensor([3, 10], { dtype: 'int32' })), (err: Error) => err instanceof ShapeError && /index 10 is out of range for an embedding of 10 rows \(valid 0\.\.9\)/.test(err.message));
  assert.throws(() => e.forward(tensor([-1], { dtype: 'int32' })), /index -1 is out of range/);
  assert.throws(() => new Embedding(10, 4, { paddingIdx: 10 }), /paddingIdx must be an integer in \[-10, 9\], got 10/);
});

// ------------------------------------------------------------------ errors

test('errors: input rank and feature size name the expected layout given batchFirst', () => {
  const m = new LSTM(3, 4);
  assert.throws(() => m.forward(randn([2, 5, 3, 1])), (err: Error) =>
    err instanceof ShapeError && /LSTM: expected a 3-D input \[seq, batch, feature\] \(batchFirst: false\) or a 2-D unbatched input \[seq, feature\], with feature = inputSize = 3; got 4-D \[2,5,3,1\]/.test(err.message));
  assert.throws(() => m.forward(randn([5, 2, 7])), /LSTM: the input is read as \[seq, batch, feature\] \(batchFirst: false\), so its last axis must be inputSize = 3; got 7 in \[5,2,7\]/);
  const bf = new GRU(3, 4, { batchFirst: true });
  assert.throws(() => bf.forward(randn([2, 3, 5])), /GRU: the input is read as \[batch, seq, feature\] \(batchFirst: true\), so its last axis must be inputSize = 3; got 5 in \[2,3,5\]/);
  assert.throws(() => new RNN(3, 4).forward(randn([3])), /RNN: expected a 3-D input .* got 1-D \[3\]/);
  assert.throws(() => new LSTMCell(3, 4).forward(randn([2, 5])), /LSTMCell: input feature size must be inputSize = 3, got 5 in \[2,5\]/);
  assert.throws(() => m.forward(randn([5, 2, 3], { dtype: 'float64' })), (err: Error) => err instanceof DTypeError && /input is float64 but the weights are float32/.test(err.message));
});

test('errors: hidden states of the wrong shape name expected and got', () => {
  const m = new LSTM(3, 4, { numLayers: 2 });
  const x = randn([5, 2, 3]);
  assert.throws(() => m.forward(x, [zeros([1, 2, 4]), zeros([2, 2, 4])]), (err: Error) =>
    err instanceof ShapeError && /LSTM: h0 \(hidden\[0\]\) must have shape \[2,2,4\] \[numLayers \* numDirections, batch, hiddenSize\], got \[1,2,4\]/.test(err.message));
  assert.throws(() => m.forward(x, [zeros([2, 2, 4]), zeros([2, 3, 4])]), /LSTM: c0 \(hidden\[1\]\) must have shape \[2,2,4\].*got \[2,3,4\]/);
  assert.throws(() => new GRU(3, 4, { bidirectional: true, batchFirst: true }).forward(randn([2, 5, 3]), zeros([1, 2, 4])), /GRU: h0 must have shape \[2,2,4\].*got \[1,2,4\]/);
  assert.throws(() => new RNN(3, 4).forward(randn([5, 3]), zeros([1, 2, 4])), /RNN: h0 must have shape \[1,4\] \[numLayers \* numDirections, hiddenSize\] for an unbatched input, got \[1,2,4\]/);
  assert.throws(() => new GRUCell(3, 4).forward(randn([2, 3]), zeros([2, 5])), /GRUCell: h must have shape \[2,4\] \(\[batch, hiddenSize\]\), got \[2,5\]/);
  assert.throws(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }), /nonlinearity must be 'tanh' or 'relu', got 'sigmoid'/);
});
