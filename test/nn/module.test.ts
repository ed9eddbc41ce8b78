import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Module, Parameter } from '../../src/nn/module.js';
import { Linear } from '../../src/nn/linear.js';
import { ModuleList, Sequential } from '../../src/nn/container.js';
import { ReLU, Sigmoid } from '../../src/nn/activation.js';
import { Dropout } from '../../src/nn/dropout.js';
import { BatchNorm1d } from '../../src/nn/batchnorm.js';
import { dropout } from '../../src/functional/dropout.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { ShapeError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/rng.js';
import { assertClose } from '../helpers/fixtures.js';

class MLP extends Module {
  fc1 = new Linear(4, 3);
  act = new ReLU();
  drop = new Dropout(0.5);
  fc2 = new Linear(3, 2);
  forward(x: nb.Tensor): nb.Tensor {
    return this.fc2.forward(this.drop.forward(this.act.forward(this.fc1.forward(x))));
  }
}

test('Sequential names its children 0, 1, ... and its parameters 0.weight, 0.bias, ...', () => {
  const net = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
  assert.deepEqual(net.namedParameters().map(([k]) => k), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(net.namedChildren().map(([k]) => k), ['0', '1', '2']);
  assert.equal(net.length, 3);
  assert.ok(net.at(-1) instanceof Linear);
  assert.ok(net.at(1) instanceof ReLU);
  assert.throws(() => net.at(3), /out of range/);
  assert.equal([...net].length, 3);
  net.append(new Sigmoid());
  assert.deepEqual(net.namedChildren().map(([k]) => k), ['0', '1', '2', '3']);
  const y = net.forward(nb.randn([5, 4]));
  assert.deepEqual(y.shape, [5, 2]);
  assert.ok(y.data().every((v) => v > 0 && v < 1));
});

test('Sequential with more than 10 children keeps numeric order', () => {
  const net = new Sequential(...Array.from({ length: 12 }, () => new Linear(2, 2)));
  assert.deepEqual(net.namedChildren().map(([k]) => k), Array.from({ length: 12 }, (_, i) => String(i)));
  assert.equal(net.namedParameters()[22]![0], '11.weight');
});

test('ModuleList registers its modules; nested names are dotted', () => {
  class Net extends Module {
    layers = new ModuleList([new Linear(2, 2), new Linear(2, 1)]);
    forward(x: nb.Tensor): nb.Tensor {
      let a = x;
      for (const l of this.layers) a = (l as Linear).forward(a);
      return a;
    }
  }
  const n = new Net();
  assert.deepEqual(n.namedParameters().map(([k]) => k), ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  assert.deepEqual(n.forward(nb.randn([3, 2])).shape, [3, 1]);
  assert.throws(() => n.layers.forward(), /ModuleList/);
});

test('named fields give fc1.weight, fc1.bias, ...', () => {
  const m = new MLP();
  assert.deepEqual(m.namedParameters().map(([k]) => k), ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  assert.equal(m.numParameters(), 4 * 3 + 3 + 3 * 2 + 2);
});

test('stateDict / loadStateDict round trip', () => {
  nb.manualSeed(1);
  const a = new MLP();
  nb.manualSeed(2);
  const b = new MLP();
  const x = nb.randn([3, 4]);
  a.eval();
  b.eval();
  assert.notDeepEqual(a.forward(x).data(), b.forward(x).data());
  b.loadStateDict(a.stateDict());
  assert.deepEqual(a.forward(x).data(), b.forward(x).data());
  // the copies do not alias: changing b leaves a alone
  nb.noGrad(() => b.fc1.weight.fill_(0));
  assert.notDeepEqual(a.fc1.weight.data(), b.fc1.weight.data());
});

test('loadStateDict lists missing, unexpected and mis-shaped keys at once', () => {
  const m = new MLP();
  const sd = m.stateDict();
  delete sd['fc2.bias'];
  sd['fc3.weight'] = nb.zeros([1]);
  sd['fc1.weight'] = nb.zeros([4, 3]);
  assert.throws(
    () => m.loadStateDict(sd),
    (e: unknown) =>
      e instanceof ShapeError && /missing keys: fc2\.bias/.test(e.message) && /unexpected keys: fc3\.weight/.test(e.message) && /fc1\.weight: checkpoint has \[4,3\], model has \[3,4\]/.test(e.message),
  );
  const partial = m.stateDict();
  delete partial['fc2.bias'];
  const r = m.loadStateDict(partial, { strict: false });
  assert.deepEqual(r.missing, ['fc2.bias']);
});

test('train() and eval() propagate to every child; Dropout follows the mode', () => {
  const m = new MLP();
  m.eval();
  assert.ok(m.modules().every((c) => !c.training));
  const x = nb.randn([8, 4]);
  assert.deepEqual(m.forward(x).data(), m.forward(x).data()); // deterministic in eval
  m.train();
  assert.ok(m.modules().every((c) => c.training));
  const net = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
  net.eval();
  assert.equal(net.at(1).training, false);
});

test('zeroGrad clears every parameter gradient', () => {
  const m = new MLP();
  m.forward(nb.randn([2, 4])).sum().backward();
  assert.ok(m.parameters().every((p) => p.grad !== null));
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
});

test('toString prints the tree with parameter counts', () => {
  const net = new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.2), new Linear(256, 10));
  assert.equal(
    net.toString(),
    [
      'Sequential()  [203,530 params]',
      '  0: Linear(inFeatures=784, outFeatures=256, bias=true)  [200,960 params]',
      '  1: ReLU()',
      '  2: Dropout(p=0.2)',
      '  3: Linear(inFeatures=256, outFeatures=10, bias=true)  [2,570 params]',
    ].join('\n'),
  );
});

test("to('float64') converts parameters (still Parameters) and the forward runs in float64", () => {
  const net = new Sequential(new Linear(3, 2), new Sigmoid());
  const before = net.at(0) as Linear;
  const w32 = before.weight.data();
  net.to('float64');
  const l = net.at(0) as Linear;
  assert.equal(l.weight.dtype, 'float64');
  assert.ok(l.weight instanceof Parameter && l.weight.requiresGrad);
  assertClose(l.weight, w32, { atol: 0 });
  assert.equal(net.forward(nb.randn([2, 3], { dtype: 'float64' })).dtype, 'float64');
  const x = nb.randn([2, 3], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a) => net.forward(a!), [x]));
});

test('Dropout: inverted scaling 1/(1-p) in training, identity in eval, seeded', () => {
  const x = nb.ones([1000]);
  nb.manualSeed(7);
  const y = dropout(x, 0.25, { training: true });
  const d = y.data();
  const scale = 1 / 0.75;
  assert.ok(d.every((v) => v === 0 || Math.abs(v - scale) < 1e-6));
  const kept = d.filter((v) => v !== 0).length;
  assert.ok(kept > 700 && kept < 800, `kept ${kept}`);
  nb.manualSeed(7);
  assert.deepEqual(dropout(x, 0.25).data(), d);
  const layer = new Dropout(0.25).eval();
  assert.equal(layer.forward(x), x);
  assert.ok(dropout(x, 1).data().every((v) => v === 0));
  assert.equal(dropout(x, 0), x);
  assert.throws(() => new Dropout(1.5), /\[0, 1\]/);
});

test('Dropout gradient is the same mask times 1/(1-p)', () => {
  const x = nb.randn([50], { dtype: 'float64', requiresGrad: true });
  nb.manualSeed(3);
  const y = dropout(x, 0.5);
  y.sum().backward();
  const g = x.grad!.data();
  const yd = y.data();
  const xd = x.data();
  for (let i = 0; i < 50; i++) assertClose(g[i]! * xd[i]!, yd[i]!, { atol: 1e-12 });
});

test('Dropout gradcheck (a fixed mask from a freshly seeded generator per call)', () => {
  const x = nb.randn([4, 5], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((a) => dropout(a!, 0.3, { generator: new Generator(11) }), [x]));
});
