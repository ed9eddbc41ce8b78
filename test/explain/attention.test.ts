/**
 * explain narrates one attention head found from the layers' op tags: every matrix it prints is
 * the tensor autograd computed, and the printed formulas hold between them (float64, to 1e-12):
 * O = P V, P = softmax(s Q K^T + M), dJ/dP = dJ/dO V^T, dJ/dV = P^T dJ/dO, the softmax backward,
 * dJ/dQ = s dJ/dS K, dJ/dK = s dJ/dS^T Q. Q is the head's slice of x W_q^T + b_q.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { TensorSnapshot } from '../../src/explain/index.js';

const t = (s: TensorSnapshot): nb.Tensor => nb.tensor(s.data, { dtype: 'float64', shape: s.shape });

function close(a: nb.Tensor, b: nb.Tensor, what: string): void {
  const d = a.sub(b).abs().max().item();
  assert.ok(d < 1e-12, `${what}: differs by ${d}`);
}

test('explain narrates an attention head: values are autograd\'s and satisfy the printed formulas', () => {
  nb.manualSeed(3);
  class Tiny extends nb.nn.Module {
    attn = new nb.nn.MultiheadAttention(4, 2, { batchFirst: true });
    fc = new nb.nn.Linear(4, 1);
    forward(x: nb.Tensor): nb.Tensor {
      return this.fc.forward(this.attn.forward(x, x, x, { isCausal: true, needWeights: false })[0]);
    }
  }
  const m = new Tiny().double();
  nb.noGrad(() => m.attn.in_proj_bias!.copy_(nb.randn([12], { dtype: 'float64' })));
  const x = nb.randn([1, 3, 4], { dtype: 'float64' });
  const e = nb.explain({ model: m, input: x, target: [[[0.5], [-0.2], [0.1]]], loss: 'mse', apply: false });
  const a = e.data.attention!;
  assert.ok(a, 'the attention head was found from the tags');
  assert.equal(a.heads, 2);
  assert.ok(a.causal);
  const [Q, K, V, P, O] = [a.Q, a.K, a.V, a.P, a.O].map(t);
  const [dO, dP, dS, dQ, dK, dV] = [a.dO, a.dP, a.dS, a.dQ, a.dK, a.dV].map(t);
  // Q is head 0's slice of the projection x W_q^T + b_q
  const q = nb.nn.functional.linear(x, m.attn.in_proj_weight!.narrow(0, 0, 4), m.attn.in_proj_bias!.narrow(0, 0, 4)).slice(0, null, [0, 2]);
  close(Q!, q, 'Q');
  const S = Q!.matmul(K!.mT).mul(a.scale);
  close(S, t(a.S), 'S = s Q K^T');
  close(S.add(t(a.M)).softmax(-1), P!, 'P = softmax(S + M)');
  assert.equal(a.M.data[1], -Infinity);
  close(P!.matmul(V!), O!, 'O = P V');
  close(dO!.matmul(V!.mT), dP!, 'dJ/dP = dJ/dO V^T');
  close(P!.mT.matmul(dO!), dV!, 'dJ/dV = P^T dJ/dO');
  close(P!.mul(dP!.sub(P!.mul(dP!).sum(-1, true))), dS!, 'dJ/dS = P (dP - rowsum(P dP))');
  close(dS!.matmul(K!).mul(a.scale), dQ!, 'dJ/dQ = s dJ/dS K');
  close(dS!.mT.matmul(Q!).mul(a.scale), dK!, 'dJ/dK = s dJ/dS^T Q');
  const text = e.toText();
  for (const s of ['Attention (head 1 of 2, sample 1): forward', 'S = s·Q Kᵀ', 'P_ij = exp(S̃_ij) / Σ_k exp(S̃_ik)', '∂J/∂S̃ = P ⊙ (∂J/∂P − rowsum(P ⊙ ∂J/∂P))', '∂J/∂K = s·(∂J/∂S̃)ᵀ Q']) {
    assert.ok(text.includes(s), `the text shows ${s}`);
  }
  assert.ok(e.toMarkdown().includes('\\frac{\\partial J}{\\partial \\tilde S}'));
});

test('tags cost nothing without listeners and training still runs the fused attention', () => {
  const seen: string[] = [];
  const m = new nb.nn.MultiheadAttention(4, 2, { batchFirst: true });
  const x = nb.randn([1, 3, 4]);
  const off = nb.onOp((ev) => { if (ev.kind === 'forward') seen.push(ev.op); });
  m.forward(x, x, x, { needWeights: false });
  off();
  assert.ok(seen.includes('attention') && !seen.includes('softmax'));
});
