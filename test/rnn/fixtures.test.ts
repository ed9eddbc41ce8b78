/**
 * PyTorch fixtures (test/fixtures/torch/{rnn,lstm,gru,embedding}.json): same weights and inputs
 * as torch 1.13; outputs, final states and every gradient must agree (float64, 1e-4 on grads).
 * Gradients come from loss = sum(y * gradOut) + sum(h_n * gradHN) [+ sum(c_n * gradCN)].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/core/tensor.js';
import { type Case, loadFixture, fixtureTensor, assertClose } from '../helpers/fixtures.js';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '../../src/nn/rnn.js';
import { Embedding } from '../../src/nn/embedding.js';
import type { Module } from '../../src/nn/module.js';

type AnyModule = Module<never[], unknown>;

function build(c: Case): AnyModule {
  const k = c.config as Record<string, unknown>;
  const inputSize = k.inputSize as number;
  const hiddenSize = k.hiddenSize as number;
  const layer = {
    numLayers: k.numLayers as number,
    bias: k.bias as boolean,
    batchFirst: k.batchFirst as boolean,
    dropout: k.dropout as number,
    bidirectional: k.bidirectional as boolean,
  };
  let m: AnyModule;
  switch (k.type) {
    case 'RNN': m = new RNN(inputSize, hiddenSize, { ...layer, nonlinearity: k.nonlinearity as 'tanh' | 'relu' }) as unknown as AnyModule; break;
    case 'LSTM': m = new LSTM(inputSize, hiddenSize, layer) as unknown as AnyModule; break;
    case 'GRU': m = new GRU(inputSize, hiddenSize, layer) as unknown as AnyModule; break;
    case 'RNNCell': m = new RNNCell(inputSize, hiddenSize, { bias: k.bias as boolean, nonlinearity: k.nonlinearity as 'tanh' | 'relu' }) as unknown as AnyModule; break;
    case 'LSTMCell': m = new LSTMCell(inputSize, hiddenSize, { bias: k.bias as boolean }) as unknown as AnyModule; break;
    case 'GRUCell': m = new GRUCell(inputSize, hiddenSize, { bias: k.bias as boolean }) as unknown as AnyModule; break;
    default: throw new Error(`unknown type ${String(k.type)}`);
  }
  m.to('float64');
  const sd: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(c.params)) sd[name] = fixtureTensor(t, 'float64');
  // the parameter names must match PyTorch's state_dict exactly (and in order)
  assert.deepEqual(m.namedParameters().map(([n]) => n), Object.keys(c.params), `${c.name}: parameter names`);
  m.loadStateDict(sd);
  return m;
}

function weighted(y: Tensor, r: Tensor): Tensor {
  return y.mul(r).sum();
}

function runCase(c: Case): void {
  const m = build(c);
  const x = fixtureTensor(c.inputs.x!, { dtype: 'float64', requiresGrad: true });
  const h0 = c.inputs.h0 ? fixtureTensor(c.inputs.h0, { dtype: 'float64', requiresGrad: true }) : null;
  const c0 = c.inputs.c0 ? fixtureTensor(c.inputs.c0, { dtype: 'float64', requiresGrad: true }) : null;
  const R = (k: string): Tensor => fixtureTensor(c.inputs[k]!, 'float64');
  const type = c.config.type;
  const outs: [string, Tensor, string][] = [];
  const fwd = m.forward.bind(m) as (...a: unknown[]) => unknown;
  if (type === 'LSTM') {
    const [y, [hN, cN]] = fwd(x, h0 && c0 ? [h0, c0] : null) as [Tensor, [Tensor, Tensor]];
    outs.push(['y', y, 'gradOut'], ['hN', hN, 'gradHN'], ['cN', cN, 'gradCN']);
  } else if (type === 'RNN' || type === 'GRU') {
    const [y, hN] = fwd(x, h0) as [Tensor, Tensor];
    outs.push(['y', y, 'gradOut'], ['hN', hN, 'gradHN']);
  } else if (type === 'LSTMCell') {
    const [h, cc] = fwd(x, h0 && c0 ? [h0, c0] : null) as [Tensor, Tensor];
    outs.push(['h', h, 'gradOut'], ['c', cc, 'gradC']);
  } else {
    const h = fwd(x, h0) as Tensor;
    outs.push(['h', h, 'gradOut']);
  }
  for (const [name, t] of outs) assertClose(t, c.outputs[name]!, { msg: `${c.name} output ${name}`, atol: 1e-6 });
  let loss = weighted(outs[0]![1], R(outs[0]![2]));
  for (const [, t, g] of outs.slice(1)) loss = loss.add(weighted(t, R(g)));
  loss.backward();
  const params = new Map(m.namedParameters());
  for (const [name, expected] of Object.entries(c.grads)) {
    const t = name === 'x' ? x : name === 'h0' ? h0 : name === 'c0' ? c0 : params.get(name);
    assert.ok(t, `${c.name}: no tensor for gradient ${name}`);
    assert.ok(t.grad, `${c.name}: ${name} has no gradient`);
    assertClose(t.grad, expected, { msg: `${c.name} grad ${name}`, atol: 1e-4, rtol: 1e-4 });
  }
}

for (const family of ['rnn', 'lstm', 'gru']) {
  for (const c of loadFixture(family)) {
    test(`${family} fixture ${c.name} (${c.config.type})`, () => runCase(c));
  }
}

for (const c of loadFixture('embedding')) {
  test(`embedding fixture ${c.name}`, () => {
    const k = c.config as Record<string, unknown>;
    const m = new Embedding(k.numEmbeddings as number, k.embeddingDim as number, { paddingIdx: k.paddingIdx as number | null });
    m.to('float64');
    m.loadStateDict({ weight: fixtureTensor(c.params.weight!, 'float64') });
    const y = m.forward(fixtureTensor(c.inputs.x!, 'int32'));
    assertClose(y, c.outputs.y!, { msg: `${c.name} y` });
    y.mul(fixtureTensor(c.inputs.gradOut!, 'float64')).sum().backward();
    assertClose(m.weight.grad!, c.grads.weight!, { msg: `${c.name} grad weight`, atol: 1e-6 });
  });
}
