/**
 * The seed's worked example (section 4.3), end to end through modules, losses and an optimizer:
 * a 2-2-1 network with sigmoid activations,
 *   W1 = [[0.1, 0.2], [0.3, 0.4]], b1 = [0.5, 0.6], W2 = [[0.7, 0.8]], b2 = [0.9], x = [1, 2], y = 1.
 * Reference values from /work/shared/seed/SUMMARY.md (float64). The seed prints z1 = [1.1, 1.7];
 * the correct value is [1.0, 1.7].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Sequential } from '../../src/nn/container.js';
import { Linear } from '../../src/nn/linear.js';
import { Sigmoid } from '../../src/nn/activation.js';
import { BCELoss, MSELoss } from '../../src/nn/loss.js';
import { SGD } from '../../src/optim/sgd.js';
import { assertClose } from '../helpers/fixtures.js';

const TOL = { atol: 1e-9, rtol: 0 };
const a1 = [0.7310585786, 0.8455347349];
const z2 = 2.088168793;
const a2 = 0.8897479187;

function seedNet(): Sequential {
  const net = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 1), new Sigmoid()).to('float64');
  net.loadStateDict({
    '0.weight': nb.tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: 'float64' }),
    '0.bias': nb.tensor([0.5, 0.6], { dtype: 'float64' }),
    '2.weight': nb.tensor([[0.7, 0.8]], { dtype: 'float64' }),
    '2.bias': nb.tensor([0.9], { dtype: 'float64' }),
  });
  return net;
}

const x = nb.tensor([[1, 2]], { dtype: 'float64' });
const y = nb.tensor([[1]], { dtype: 'float64' });

test('forward: z1 = [1.0, 1.7] (not the seed\'s misprinted 1.1), a1, z2, a2', () => {
  const net = seedNet();
  const z1 = net.at(0).forward(x);
  assertClose(z1, [[1.0, 1.7]], { atol: 1e-15 });
  const h = net.at(1).forward(z1);
  assertClose(h, [a1], TOL);
  assertClose(net.at(2).forward(h), [[z2]], TOL);
  assertClose(net.forward(x), [[a2]], TOL);
});

test('backward with J = 1/2 (a2 - y)^2 (MSELoss sum times 0.5) gives the seed\'s deltas and gradients', () => {
  const net = seedNet();
  const J = new MSELoss({ reduction: 'sum' }).forward(net.forward(x), y).mul(0.5);
  J.backward();
  const delta2 = -0.0108153499;
  const delta1 = [-0.0014884988, -0.0011300375];
  const [W1, b1, W2, b2] = net.parameters();
  assertClose(W2!.grad!, [[-0.0079066543, -0.009144754]], TOL); // dJ/dW2 = delta2 a1^T
  assertClose(b2!.grad!, [delta2], TOL); // dJ/db2 = delta2
  assertClose(b1!.grad!, delta1, TOL); // dJ/db1 = delta1 = W2^T delta2 (*) a1 (1 - a1)
  assertClose(W1!.grad!, [[delta1[0]! * 1, delta1[0]! * 2], [delta1[1]! * 1, delta1[1]! * 2]], TOL); // delta1 x^T
});

test('backward with binary cross-entropy gives delta2 = a2 - y', () => {
  const net = seedNet();
  new BCELoss({ reduction: 'sum' }).forward(net.forward(x), y).backward();
  const delta2 = -0.1102520813;
  const [W1, b1, W2, b2] = net.parameters();
  assertClose(b2!.grad!, [delta2], TOL);
  assertClose(W2!.grad!, [[delta2 * a1[0]!, delta2 * a1[1]!]], TOL);
  const delta1 = [0.7 * delta2 * a1[0]! * (1 - a1[0]!), 0.8 * delta2 * a1[1]! * (1 - a1[1]!)];
  assertClose(b1!.grad!, delta1, TOL);
  assertClose(W1!.grad!, [[delta1[0]!, 2 * delta1[0]!], [delta1[1]!, 2 * delta1[1]!]], TOL);
});

test('one SGD step with weight decay is W := W - alpha (dJ/dW + lambda W), biases unregularised', () => {
  const net = seedNet();
  const lr = 0.5;
  const lambda = 0.01;
  const [W1, b1, W2, b2] = net.parameters() as nb.Tensor[];
  const before = [W1!, b1!, W2!, b2!].map((p) => p.data());
  const opt = new SGD(
    [
      { params: [W1!, W2!], weightDecay: lambda },
      { params: [b1!, b2!], weightDecay: 0 },
    ],
    { lr },
  );
  opt.zeroGrad();
  new MSELoss({ reduction: 'sum' }).forward(net.forward(x), y).mul(0.5).backward();
  const grads = [W1!, b1!, W2!, b2!].map((p) => p.grad!.data());
  opt.step();
  const hand = (i: number, decay: number) => Array.from(before[i]!, (w, j) => w - lr * (grads[i]![j]! + decay * w));
  assertClose(W1!.data(), hand(0, lambda), { atol: 1e-15 });
  assertClose(b1!.data(), hand(1, 0), { atol: 1e-15 });
  assertClose(W2!.data(), hand(2, lambda), { atol: 1e-15 });
  assertClose(b2!.data(), hand(3, 0), { atol: 1e-15 });
  // and spelled out for one weight: W2[0] = 0.7 - 0.5 (-0.0079066543 + 0.01 * 0.7)
  assertClose(W2!.data()[0]!, 0.7 - 0.5 * (-0.0079066543 + 0.007), TOL);
  // the loss went down
  const after = new MSELoss({ reduction: 'sum' }).forward(net.forward(x), y).mul(0.5).item();
  assert.ok(after < 0.5 * (a2 - 1) ** 2);
});
