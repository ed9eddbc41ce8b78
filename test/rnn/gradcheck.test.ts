/**
 * Gradcheck (float64, small sizes) of every cell and layer: input, initial states and every
 * parameter, through the functional forms (gradcheck perturbs copies of its inputs, so the
 * weights are passed in as inputs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/core/tensor.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { manualSeed } from '../../src/core/rng.js';
import { randn } from '../../src/ops/create.js';
import { cat } from '../../src/ops/indexing.js';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '../../src/nn/rnn.js';
import { type CellWeights, rnn, lstm, gru, rnnCell, lstmCell, gruCell } from '../../src/functional/rnn.js';

const r64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });

/** Groups a flat parameter list (PyTorch order) into per-layer-direction weights. */
function group(ps: Tensor[], bias: boolean): CellWeights[] {
  const per = bias ? 4 : 2;
  const out: CellWeights[] = [];
  for (let i = 0; i < ps.length; i += per) {
    out.push({ weightIh: ps[i]!, weightHh: ps[i + 1]!, biasIh: bias ? ps[i + 2]! : null, biasHh: bias ? ps[i + 3]! : null });
  }
  return out;
}

function paramsOf(m: { parameters(): Tensor[] }): Tensor[] {
  return m.parameters().map((p) => p.detach().to('float64').requiresGrad_(true));
}

// ------------------------------------------------------------------ cells

for (const nl of ['tanh', 'relu'] as const) {
  test(`gradcheck RNNCell (${nl}): x, h and all parameters`, () => {
    manualSeed(1);
    const ps = paramsOf(new RNNCell(3, 2, { nonlinearity: nl }));
    assert.equal(gradcheck((x, h, ...w) => rnnCell(x!, h, group(w, true)[0]!, nl), [r64([2, 3]), r64([2, 2]), ...ps]), true);
  });
}

test('gradcheck LSTMCell: x, h, c and all parameters (output h and c)', () => {
  manualSeed(2);
  const ps = paramsOf(new LSTMCell(3, 2));
  assert.equal(gradcheck((x, h, c, ...w) => {
    const [h1, c1] = lstmCell(x!, [h!, c!], group(w, true)[0]!);
    return cat([h1, c1], 1);
  }, [r64([2, 3]), r64([2, 2]), r64([2, 2]), ...ps]), true);
});

test('gradcheck GRUCell: x, h and all parameters; unbatched and without bias', () => {
  manualSeed(3);
  const ps = paramsOf(new GRUCell(3, 2));
  assert.equal(gradcheck((x, h, ...w) => gruCell(x!, h, group(w, true)[0]!), [r64([2, 3]), r64([2, 2]), ...ps]), true);
  const nb = paramsOf(new GRUCell(3, 2, { bias: false }));
  assert.equal(gradcheck((x, h, ...w) => gruCell(x!, h, group(w, false)[0]!), [r64([3]), r64([2]), ...nb]), true);
});

// ------------------------------------------------------------------ layers

interface Cfg {
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  h0: boolean;
  unbatched?: boolean;
}

const CONFIGS: Cfg[] = [
  { numLayers: 1, bidirectional: false, batchFirst: false, bias: true, h0: true },
  { numLayers: 2, bidirectional: true, batchFirst: true, bias: true, h0: true },
  { numLayers: 2, bidirectional: false, batchFirst: false, bias: false, h0: false },
  { numLayers: 1, bidirectional: true, batchFirst: false, bias: true, h0: true, unbatched: true },
];

const name = (c: Cfg): string =>
  `layers ${c.numLayers}${c.bidirectional ? ', bidirectional' : ''}${c.batchFirst ? ', batchFirst' : ''}${c.bias ? '' : ', no bias'}${c.h0 ? ', with initial state' : ''}${c.unbatched ? ', unbatched' : ''}`;

const T = 3, B = 2, IN = 3, H = 2;

function inputs(c: Cfg): { x: Tensor; h0: Tensor; c0: Tensor } {
  const D = c.bidirectional ? 2 : 1;
  const x = c.unbatched ? r64([T, IN]) : c.batchFirst ? r64([B, T, IN]) : r64([T, B, IN]);
  const st = c.unbatched ? [c.numLayers * D, H] : [c.numLayers * D, B, H];
  return { x, h0: r64(st), c0: r64(st) };
}

for (const c of CONFIGS) {
  const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias };
  for (const nl of ['tanh', 'relu'] as const) {
    test(`gradcheck RNN (${nl}) ${name(c)}`, () => {
      manualSeed(10);
      const ps = paramsOf(new RNN(IN, H, { ...opts, nonlinearity: nl }));
      const { x, h0 } = inputs(c);
      const f = (xx: Tensor, hh: Tensor | null, ...w: Tensor[]): Tensor => {
        const [y, hN] = rnn(xx, group(w, c.bias), hh, { ...opts, nonlinearity: nl });
        return cat([y.reshape([-1]), hN.reshape([-1])], 0);
      };
      if (c.h0) assert.equal(gradcheck((xx, hh, ...w) => f(xx!, hh!, ...w), [x, h0, ...ps]), true);
      else assert.equal(gradcheck((xx, ...w) => f(xx!, null, ...w), [x, ...ps]), true);
    });
  }
  test(`gradcheck LSTM ${name(c)}`, () => {
    manualSeed(11);
    const ps = paramsOf(new LSTM(IN, H, opts));
    const { x, h0, c0 } = inputs(c);
    const f = (xx: Tensor, hx: [Tensor, Tensor] | null, ...w: Tensor[]): Tensor => {
      const [y, [hN, cN]] = lstm(xx, group(w, c.bias), hx, opts);
      return cat([y.reshape([-1]), hN.reshape([-1]), cN.reshape([-1])], 0);
    };
    if (c.h0) assert.equal(gradcheck((xx, hh, cc, ...w) => f(xx!, [hh!, cc!], ...w), [x, h0, c0, ...ps]), true);
    else assert.equal(gradcheck((xx, ...w) => f(xx!, null, ...w), [x, ...ps]), true);
  });
  test(`gradcheck GRU ${name(c)}`, () => {
    manualSeed(12);
    const ps = paramsOf(new GRU(IN, H, opts));
    const { x, h0 } = inputs(c);
    const f = (xx: Tensor, hh: Tensor | null, ...w: Tensor[]): Tensor => {
      const [y, hN] = gru(xx, group(w, c.bias), hh, opts);
      return cat([y.reshape([-1]), hN.reshape([-1])], 0);
    };
    if (c.h0) assert.equal(gradcheck((xx, hh, ...w) => f(xx!, hh!, ...w), [x, h0, ...ps]), true);
    else assert.equal(gradcheck((xx, ...w) => f(xx!, null, ...w), [x, ...ps]), true);
  });
}

test('gradcheck fails on a layer whose recorded gradient is missing a path (the check can fail)', () => {
  manualSeed(13);
  const ps = paramsOf(new LSTM(IN, H));
  const { x } = inputs(CONFIGS[0]!);
  // a term that depends on x but is detached: the numerical gradient sees it, autograd does not
  assert.throws(() => gradcheck((xx, ...w) => lstm(xx!, group(w, true), null)[0].add(xx!.detach().sum()), [x, ...ps]), /gradcheck: input 0/);
});
