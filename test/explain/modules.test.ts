import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../src/explain/explain.js';
import { Linear, Sequential, Sigmoid, ReLU, BCELoss } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { tensor, randn } from '../../src/ops/create.js';
import { manualSeed } from '../../src/core/rng.js';
import { noGrad } from '../../src/core/autograd.js';

test('nn.Sequential(Linear, Sigmoid, Linear, Sigmoid) with the seed weights gives the seed numbers', () => {
  const model = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 1), new Sigmoid()).to('float64');
  noGrad(() => {
    model.loadStateDict({
      '0.weight': tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: 'float64' }),
      '0.bias': tensor([0.5, 0.6], { dtype: 'float64' }),
      '2.weight': tensor([[0.7, 0.8]], { dtype: 'float64' }),
      '2.bias': tensor([0.9], { dtype: 'float64' }),
    });
  });
  const d = explain({ model, input: [[1, 2]], target: [[1]], lr: 0.5 }).toJSON();
  assert.deepEqual(d.layers.map((l) => [l.weightName, l.biasName, l.activation]), [
    ['0.weight', '0.bias', 'sigmoid'],
    ['2.weight', '2.bias', 'sigmoid'],
  ]);
  assert.ok(Math.abs(d.layers[1]!.delta.data[0]! - -0.0108153499) < 1e-10);
  assert.ok(d.notes.some((n) => n.includes('[1.1, 1.7]')));
  const p = Object.fromEntries(model.namedParameters());
  assert.deepEqual(d.layers[0]!.gradW.total.data, Array.from(p['0.weight']!.grad!.data()));
});

test('nn modules with an nn loss and an optim.SGD optimizer: gradients exact, the optimizer takes the step', () => {
  manualSeed(3);
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1), new Sigmoid()).to('float64');
  const opt = new SGD(model.parameters(), { lr: 0.2 });
  const x = randn([4, 3], { dtype: 'float64' });
  const y = tensor([[1], [0], [0], [1]], { dtype: 'float64' });
  const d = explain({ model, input: x, target: y, loss: new BCELoss(), lossName: 'BCELoss', optimizer: opt }).toJSON();
  assert.equal(d.update.optimizer, 'SGD');
  assert.equal(d.loss.name, 'BCELoss');
  const p = Object.fromEntries(model.namedParameters());
  d.layers.forEach((l) => {
    assert.deepEqual(l.gradW.total.data, Array.from(p[l.weightName]!.grad!.data()));
    assert.deepEqual(l.gradB!.data, Array.from(p[l.biasName!]!.grad!.data()));
    // W_new = W - 0.2 grad, applied by the optimizer
    l.newW.data.forEach((v, i) => assert.ok(Math.abs(v - (l.W.data[i]! - 0.2 * l.gradW.total.data[i]!)) < 1e-15));
  });
});
