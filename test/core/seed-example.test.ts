/**
 * The seed's worked example (section 4.3), through the public tensor API in float64:
 * a 2-2-1 network with sigmoid activations, W1 = [[0.1, 0.2], [0.3, 0.4]], b1 = [0.5, 0.6],
 * W2 = [[0.7, 0.8]], b2 = [0.9], x = [1, 2], y = 1.
 * The seed prints z1 = [1.1, 1.7]; the correct value is [1.0, 1.7] (0.1*1 + 0.2*2 + 0.5 = 1.0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

const f64 = { dtype: 'float64' as const };

function close(actual: number[] | number, expected: number[] | number, tol = 1e-9): void {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  assert.equal(a.length, e.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol, `element ${i}: ${v} vs ${e[i]}`));
}

function network() {
  const W1 = nb.tensor([[0.1, 0.2], [0.3, 0.4]], { ...f64, requiresGrad: true });
  const b1 = nb.tensor([0.5, 0.6], { ...f64, requiresGrad: true });
  const W2 = nb.tensor([[0.7, 0.8]], { ...f64, requiresGrad: true });
  const b2 = nb.tensor([0.9], { ...f64, requiresGrad: true });
  const x = nb.tensor([1, 2], f64);
  // z(l) = W(l) a(l-1) + b(l),  a(l) = sigma(z(l))
  const z1 = W1.matmul(x).add(b1).retainGrad();
  const a1 = z1.sigmoid();
  const z2 = W2.matmul(a1).add(b2).retainGrad();
  const a2 = z2.sigmoid();
  return { W1, b1, W2, b2, z1, a1, z2, a2 };
}

test('forward values of the seed example (z1 = [1.0, 1.7], not the seed\'s 1.1)', () => {
  const { z1, a1, z2, a2 } = network();
  close(z1.toArray() as number[], [1.0, 1.7]);
  close(a1.toArray() as number[], [0.7310585786, 0.8455347349]);
  close(z2.item(), 2.088168793);
  close(a2.item(), 0.8897479187);
});

test('gradients under J = 1/2 (a2 - y)^2', () => {
  const n = network();
  const J = n.a2.sub(1).square().mul(0.5).sum();
  J.backward();
  const delta2 = n.z2.grad!.item();
  close(delta2, -0.0108153499);
  close([...n.W2.grad!.data()], [-0.0079066543, -0.009144754]);
  close(n.b2.grad!.item(), delta2);
  const delta1 = n.z1.grad!.toArray() as number[];
  close(delta1, [-0.0014884988, -0.0011300375]);
  // dJ/dW1 = delta1 x^T with x = [1, 2]
  close([...n.W1.grad!.data()], [delta1[0]!, 2 * delta1[0]!, delta1[1]!, 2 * delta1[1]!]);
  close(n.b1.grad!.toArray() as number[], delta1);
});

test('gradients under binary cross-entropy: delta2 = a2 - y', () => {
  const n = network();
  const a2 = n.a2;
  const J = a2.log().mul(-1).sum(); // y = 1: J = -(y log a2 + (1-y) log(1-a2)) = -log a2
  J.backward();
  close(n.z2.grad!.item(), -0.1102520813);
  close([...n.W2.grad!.data()], (n.a1.toArray() as number[]).map((a) => a * -0.1102520813));
  // delta1 = W2^T delta2 (*) sigma'(z1)
  const a1 = n.a1.toArray() as number[];
  close(n.z1.grad!.toArray() as number[], [0.7, 0.8].map((w, i) => w * -0.1102520813 * a1[i]! * (1 - a1[i]!)));
});

test('one gradient-descent step with L2: W := W - alpha (dJ/dW + lambda W)', () => {
  const n = network();
  const J = n.a2.sub(1).square().mul(0.5).sum();
  J.backward();
  const alpha = 0.5;
  const lambda = 0.01;
  const before = [...n.W2.data()];
  const grad = [...n.W2.grad!.data()];
  nb.noGrad(() => n.W2.sub_(n.W2.grad!.add(n.W2.mul(lambda)).mul(alpha)));
  close([...n.W2.data()], before.map((w, i) => w - alpha * (grad[i]! + lambda * w)));
});
