import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../src/explain/explain.js';
import { seedNetwork, SEED_EXAMPLE } from '../../src/explain/seed.js';
import { Module, Parameter } from '../../src/nn/module.js';
import { Tensor } from '../../src/core/tensor.js';
import { randn, tensor } from '../../src/ops/create.js';
import { manualSeed } from '../../src/core/rng.js';
import { fmt } from '../../src/explain/snapshot.js';
import type { ExplanationData } from '../../src/explain/types.js';

const close = (a: number, b: number, tol = 5e-11): void => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);
const closeAll = (a: readonly number[], b: readonly number[], tol = 5e-11): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => close(v, b[i]!, tol));
};
const values = (t: Tensor | null): number[] => {
  assert.ok(t !== null, 'expected a gradient');
  return Array.from(t.data(), Number);
};

function seedStep(loss: 'halfSquaredError' | 'bce', extra: Record<string, unknown> = {}) {
  const model = seedNetwork('float64');
  const ex = explain({ model, input: SEED_EXAMPLE.x, target: SEED_EXAMPLE.y, loss, lr: 0.5, ...extra });
  return { model, ex, d: ex.toJSON() };
}

test('seed example, 1/2 squared error: the values of section 4.3 (with z1 corrected)', () => {
  const { d, ex } = seedStep('halfSquaredError');
  const [l1, l2] = d.layers as [ExplanationData['layers'][0], ExplanationData['layers'][0]];
  closeAll(l1.z.data, [1.0, 1.7]);
  closeAll(l1.a.data, [0.7310585786, 0.8455347349]);
  close(l2.z.data[0]!, 2.088168793);
  close(l2.a.data[0]!, 0.8897479187);
  close(l2.delta.data[0]!, -0.0108153499);
  closeAll(l1.delta.data, [-0.0014884988, -0.0011300375]);
  closeAll(l2.gradW.total.data, [-0.0079066543, -0.009144754]);
  const text = ex.toText();
  for (const s of ['0.8897479187', '-0.0108153499', '-0.0014884988', '-0.0011300375', '-0.0079066543', '-0.009144754']) assert.ok(text.includes(s), s);
  // the seed's slip is pointed out
  assert.match(text, /seed prints z\(1\) = \[1\.1, 1\.7\]/);
  assert.match(text, /z\(1\) = \[1\.0, 1\.7\]/);
  assert.ok(d.notes.some((n) => n.includes('1.1')));
});

test('seed example, binary cross-entropy: delta2 = a2 - y', () => {
  const { d } = seedStep('bce');
  const l2 = d.layers[1]!;
  close(l2.delta.data[0]!, -0.1102520813);
  close(l2.delta.data[0]!, l2.a.data[0]! - 1, 1e-15);
});

function assertExactGrads(d: ExplanationData, model: Module, layerParams: [Parameter, Parameter | null][]): void {
  assert.equal(d.layers.length, layerParams.length);
  d.layers.forEach((l, k) => {
    const [W, b] = layerParams[k]!;
    assert.deepEqual(l.gradW.total.data, values(W.grad), `layer ${k + 1} dJ/dW`);
    if (b !== null) assert.deepEqual(l.gradB!.data, values(b.grad), `layer ${k + 1} dJ/db`);
  });
  // the parameters the layers did not cover have their grads listed too
  assert.equal(d.otherParams.length, model.parameters().length - layerParams.flat().filter((p) => p !== null).length);
}

test('seed example: every gradient in the JSON is exactly .grad, and the text prints them', () => {
  for (const loss of ['halfSquaredError', 'bce'] as const) {
    for (const weightDecay of [0, 0.01]) {
      const { d, ex, model } = seedStep(loss, { weightDecay });
      const p = Object.fromEntries(model.namedParameters());
      assertExactGrads(d, model, [
        [p['fc1.weight']!, p['fc1.bias']!],
        [p['fc2.weight']!, p['fc2.bias']!],
      ]);
      const text = ex.toText({ verbosity: 'full' });
      for (const [, q] of model.namedParameters()) for (const v of values(q.grad)) assert.ok(text.includes(fmt(v, 10)), `${fmt(v, 10)} printed`);
      if (weightDecay > 0) {
        // the L2 part is lambda W, and data + L2 make up .grad
        const l1 = d.layers[0]!;
        closeAll(l1.gradW.l2!.data, l1.W.data.map((w) => weightDecay * w), 1e-15);
        closeAll(l1.gradW.data.data.map((v, i) => v + l1.gradW.l2!.data[i]!), l1.gradW.total.data, 1e-15);
        close(d.loss.value, d.loss.data + d.loss.l2, 1e-15);
      } else assert.equal(d.layers[0]!.gradW.l2, null);
    }
  }
});

test('the update is W := W - alpha dJ/dW and is applied (or restored with apply: false)', () => {
  const { d, model } = seedStep('halfSquaredError');
  const l2 = d.layers[1]!;
  closeAll(l2.newW.data, l2.W.data.map((w, i) => w - 0.5 * l2.gradW.total.data[i]!), 1e-15);
  assert.deepEqual(values(model.getParameter('fc2.weight')), l2.newW.data);
  const m2 = seedNetwork('float64');
  explain({ model: m2, input: SEED_EXAMPLE.x, target: SEED_EXAMPLE.y, apply: false });
  assert.deepEqual(values(m2.getParameter('fc2.weight')), [0.7, 0.8]);
});

/** A hand-written 3-layer network on a batch of rows, different activations per layer. */
class ThreeLayer extends Module {
  W1 = new Parameter(randn([5, 3], { dtype: 'float64' }));
  b1 = new Parameter(randn([5], { dtype: 'float64' }));
  W2 = new Parameter(randn([4, 5], { dtype: 'float64' }));
  b2 = new Parameter(randn([4], { dtype: 'float64' }));
  W3 = new Parameter(randn([2, 4], { dtype: 'float64' }));
  b3 = new Parameter(randn([2], { dtype: 'float64' }));
  forward(x: Tensor): Tensor {
    const a1 = x.matmul(this.W1.mT).add(this.b1).tanh();
    const a2 = a1.matmul(this.W2.mT).add(this.b2).relu();
    return a2.matmul(this.W3.mT).add(this.b3).sigmoid();
  }
}

test('random 3-layer network, batch 4: deltas and gradients are exactly what autograd stored', () => {
  for (const weightDecay of [0, 0.1]) {
    manualSeed(7);
    const model = new ThreeLayer();
    const x = randn([4, 3], { dtype: 'float64' });
    const y = tensor([[0, 1], [1, 0], [1, 1], [0, 0]], { dtype: 'float64' });
    const ex = explain({ model, input: x, target: y, loss: 'bce', weightDecay, lr: 0.3 });
    const d = ex.toJSON();
    assert.equal(d.batchSize, 4);
    assert.deepEqual(d.layers.map((l) => l.activation), ['tanh', 'relu', 'sigmoid']);
    assertExactGrads(d, model, [
      [model.W1, model.b1],
      [model.W2, model.b2],
      [model.W3, model.b3],
    ]);
    // delta^{(l)} = (W^{(l+1)})^T delta^{(l+1)} ⊙ sigma'(z^{(l)}), per sample (rows of the batch)
    for (let k = 0; k < 2; k++) {
      const l = d.layers[k]!;
      const next = d.layers[k + 1]!;
      const [nOut, nIn] = next.W.shape as [number, number];
      for (let s = 0; s < 4; s++) {
        for (let j = 0; j < nIn; j++) {
          let acc = 0;
          for (let i = 0; i < nOut; i++) acc += next.W.data[i * nIn + j]! * next.delta.data[s * nOut + i]!;
          close(l.dJda.data[s * nIn + j]!, acc, 1e-12);
          close(l.delta.data[s * nIn + j]!, acc * l.sigmaPrime.data[s * nIn + j]!, 1e-12);
        }
      }
    }
    // dJ/db = sum over the batch of delta
    const l3 = d.layers[2]!;
    closeAll(l3.gradB!.data, [0, 1].map((j) => [0, 1, 2, 3].reduce((s, i) => s + l3.delta.data[i * 2 + j]!, 0)), 1e-14);
    // the JSON round-trips every number exactly
    const back = JSON.parse(JSON.stringify(d)) as ExplanationData;
    assert.deepEqual(back.layers[0]!.gradW.total.data, values(model.W1.grad));
  }
});

test('renderers: Markdown has LaTeX, brief verbosity summarises, HTML is typeset and self-contained', () => {
  const { ex } = seedStep('halfSquaredError');
  const md = ex.toMarkdown();
  assert.match(md, /\$\$\n\\begin\{aligned\} z\^\{\(1\)\} &= W\^\{\(1\)\} a\^\{\(0\)\} \+ b\^\{\(1\)\}/);
  assert.match(md, /\\delta\^\{\(1\)\} &= \(W\^\{\(2\)\}\)\^T \\delta\^\{\(2\)\} \\odot/);
  const brief = ex.toText({ maxElements: 3 });
  assert.match(brief, /\[2×2: 0\.1, 0\.2, 0\.3, … ‖·‖=0\.5477\]/);
  const html = ex.toHTML({ fonts: 'none' });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<div class="step math-display"><math /);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no network references');
  // the formula z(1) = W(1) a(0) + b(1) as MathML: superscripts, the equals sign in its own column
  assert.match(html, /<mtd style="text-align:right[^"]*"><msup><mi>z<\/mi><mrow><mo stretchy="false">\(<\/mo><mn>1<\/mn><mo stretchy="false">\)<\/mo><\/mrow><\/msup><\/mtd><mtd style="text-align:left[^"]*"><mo>=<\/mo><msup><mi>W<\/mi>/);
  assert.doesNotMatch(html, /<script|@font-face/, 'no script and no webfont: the browser typesets MathML itself');
});

test('bad options give clear errors', () => {
  assert.throws(() => explain({ model: seedNetwork(), input: [1, 2], target: [1, 0] }), /target \[2\] does not match the model's output \[1\]/);
  assert.throws(() => explain({ model: seedNetwork(), input: [1, 2], target: [1], loss: 'hinge' as 'bce' }), /unknown loss 'hinge'/);
  assert.throws(() => explain({ model: seedNetwork(), input: [1, 2], target: [1], lr: -1 }), /lr must be/);
});

test('an optimizer passed in takes the step', () => {
  const model = seedNetwork();
  let steps = 0;
  class Halver {
    step(): void {
      steps++;
      for (const p of model.parameters()) p.detach().mul_(0.5);
    }
  }
  const d = explain({ model, input: [1, 2], target: [1], optimizer: new Halver() }).toJSON();
  assert.equal(steps, 1);
  assert.equal(d.update.optimizer, 'Halver');
  assert.deepEqual(d.layers[1]!.newW.data, [0.35, 0.4]);
});
