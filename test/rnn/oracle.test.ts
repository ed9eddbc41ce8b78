/**
 * The layers against the plain "equivalent to" loop of their doc comments, written here from
 * Tensor ops only (matmul, sigmoid, tanh, narrow, stack): outputs, final states and all
 * gradients, float32 modules at realistic sizes, multi-layer, bidirectional, batchFirst.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/core/tensor.js';
import { manualSeed } from '../../src/core/rng.js';
import { randn, zeros } from '../../src/ops/create.js';
import { cat, stack } from '../../src/ops/indexing.js';
import { RNN, LSTM, GRU } from '../../src/nn/rnn.js';
import { assertClose } from '../helpers/fixtures.js';

type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/** One step, straight from the equations. */
function step(kind: Kind, x: Tensor, h: Tensor, c: Tensor, p: (n: string) => Tensor | null, sfx: string): [Tensor, Tensor] {
  const H = h.shape[1]!;
  const lin = (v: Tensor, w: string, b: string): Tensor => {
    const y = v.matmul(p(w + sfx)!.transpose(0, 1));
    const bias = p(b + sfx);
    return bias === null ? y : y.add(bias);
  };
  const gx = lin(x, 'weight_ih', 'bias_ih');
  const gh = lin(h, 'weight_hh', 'bias_hh');
  const part = (t: Tensor, k: number): Tensor => t.narrow(1, k * H, H);
  if (kind === 'lstm') {
    const a = gx.add(gh);
    const i = part(a, 0).sigmoid(), f = part(a, 1).sigmoid(), g = part(a, 2).tanh(), o = part(a, 3).sigmoid();
    const c1 = f.mul(c).add(i.mul(g));
    return [o.mul(c1.tanh()), c1];
  }
  if (kind === 'gru') {
    const r = part(gx, 0).add(part(gh, 0)).sigmoid();
    const z = part(gx, 1).add(part(gh, 1)).sigmoid();
    const n = part(gx, 2).add(r.mul(part(gh, 2))).tanh();
    return [z.neg().add(1).mul(n).add(z.mul(h)), c];
  }
  const a = gx.add(gh);
  return [kind === 'rnn_relu' ? a.relu() : a.tanh(), c];
}

/** The whole layer stack as a plain loop over layers, directions and steps; x is [T, B, F]. */
function oracle(kind: Kind, m: RNN | LSTM | GRU, x: Tensor, h0: Tensor, c0: Tensor): [Tensor, Tensor, Tensor] {
  const D = m.bidirectional ? 2 : 1;
  const T = x.shape[0]!;
  const p = (n: string): Tensor | null => m.getParameter(n);
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  let inp = x;
  for (let l = 0; l < m.numLayers; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      let h = h0.select(0, l * D + d);
      let c = c0.select(0, l * D + d);
      const ys: Tensor[] = new Array<Tensor>(T);
      for (let s = 0; s < T; s++) {
        const t = d === 1 ? T - 1 - s : s;
        [h, c] = step(kind, inp.select(0, t), h, c, p, sfx);
        ys[t] = h;
      }
      outs.push(stack(ys, 0));
      hN.push(h);
      cN.push(c);
    }
    inp = cat(outs, 2);
  }
  return [inp, stack(hN, 0), stack(cN, 0)];
}

const CASES: { kind: Kind; numLayers: number; bidirectional: boolean; batchFirst: boolean }[] = [
  { kind: 'lstm', numLayers: 2, bidirectional: true, batchFirst: true },
  { kind: 'lstm', numLayers: 1, bidirectional: false, batchFirst: false },
  { kind: 'gru', numLayers: 2, bidirectional: true, batchFirst: false },
  { kind: 'gru', numLayers: 1, bidirectional: false, batchFirst: true },
  { kind: 'rnn_tanh', numLayers: 2, bidirectional: true, batchFirst: true },
  { kind: 'rnn_relu', numLayers: 2, bidirectional: false, batchFirst: false },
];

for (const c of CASES) {
  test(`${c.kind} (layers ${c.numLayers}, bidirectional ${c.bidirectional}, batchFirst ${c.batchFirst}) equals its plain loop`, () => {
    manualSeed(7);
    const T = 9, B = 4, IN = 5, H = 6;
    const D = c.bidirectional ? 2 : 1;
    const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst };
    const m = c.kind === 'lstm' ? new LSTM(IN, H, opts) : c.kind === 'gru' ? new GRU(IN, H, opts) : new RNN(IN, H, { ...opts, nonlinearity: c.kind === 'rnn_relu' ? 'relu' : 'tanh' });
    const xs = randn([T, B, IN], { requiresGrad: true }); // [T, B, F]
    const h0 = randn([c.numLayers * D, B, H], { requiresGrad: true });
    const c0 = randn([c.numLayers * D, B, H], { requiresGrad: true });
    const gy = randn([T, B, D * H]);
    const gh = randn([c.numLayers * D, B, H]);
    const gc = randn([c.numLayers * D, B, H]);

    // the layer (fused LSTM/GRU recurrences)
    const xin = c.batchFirst ? xs.detach().transpose(0, 1).contiguous().requiresGrad_(true) : xs.detach().contiguous(true).detach().requiresGrad_(true);
    const h0a = h0.detach().contiguous(true).detach().requiresGrad_(true);
    const c0a = c0.detach().contiguous(true).detach().requiresGrad_(true);
    let y: Tensor, hN: Tensor, cN: Tensor | null = null;
    if (m instanceof LSTM) [y, [hN, cN]] = m.forward(xin, [h0a, c0a]);
    else [y, hN] = (m as RNN | GRU).forward(xin, h0a);
    const ySeq = c.batchFirst ? y.transpose(0, 1) : y;
    let loss = ySeq.mul(gy).sum().add(hN.mul(gh).sum());
    if (cN !== null) loss = loss.add(cN.mul(gc).sum());
    loss.backward();
    const layerGrads = m.namedParameters().map(([n, p]) => [n, p.grad!] as const);
    m.zeroGrad();

    // the oracle
    const [yo, hNo, cNo] = oracle(c.kind, m, xs, h0, c0);
    let lossO = yo.mul(gy).sum().add(hNo.mul(gh).sum());
    if (cN !== null) lossO = lossO.add(cNo.mul(gc).sum());
    lossO.backward();

    const tol = { atol: 1e-5, rtol: 1e-4 };
    assertClose(ySeq, yo, { ...tol, msg: 'output' });
    assertClose(hN, hNo, { ...tol, msg: 'h_n' });
    if (cN !== null) assertClose(cN, cNo, { ...tol, msg: 'c_n' });
    const gx = c.batchFirst ? xin.grad!.transpose(0, 1) : xin.grad!;
    assertClose(gx, xs.grad!, { ...tol, msg: 'dJ/dx' });
    assertClose(h0a.grad!, h0.grad!, { ...tol, msg: 'dJ/dh0' });
    if (cN !== null) assertClose(c0a.grad!, c0.grad!, { ...tol, msg: 'dJ/dc0' });
    for (const [n, g] of layerGrads) assertClose(g, m.getParameter(n)!.grad!, { ...tol, msg: `dJ/d${n}` });
    assert.equal(layerGrads.length, c.numLayers * D * 4, 'every parameter got a gradient');
  });
}

test('zero initial state equals omitting it', () => {
  manualSeed(8);
  const m = new LSTM(3, 4, { numLayers: 2 });
  const x = randn([5, 2, 3]);
  const [y1, [h1, c1]] = m.forward(x);
  const [y2, [h2, c2]] = m.forward(x, [zeros([2, 2, 4]), zeros([2, 2, 4])]);
  assertClose(y1, y2, { atol: 0 });
  assertClose(h1, h2, { atol: 0 });
  assertClose(c1, c2, { atol: 0 });
});
