/**
 * The playground step-through's stops (web/src/step/stops.ts), in Node: the order one unit at a
 * time, the tutorial's correction only where it applies, clear errors for what the view does not
 * step through, and every formula of several networks accepted by KaTeX (the page's typesetter).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import katex from 'katex';
import { explain } from '../../src/explain/explain.js';
import { seedNetwork, SEED_EXAMPLE, DenseNet } from '../../src/explain/seed.js';
import { manualSeed } from '../../src/core/rng.js';
import { BCEWithLogitsLoss, Linear, ReLU, Sequential, Tanh } from '../../src/nn/index.js';
import { buildStops } from '../../web/src/step/stops.js';

const seedData = (extra: Record<string, unknown> = {}) => explain({ model: seedNetwork('float64'), input: SEED_EXAMPLE.x, target: SEED_EXAMPLE.y, lr: 0.1, ...extra }).toJSON();

test('step-through: the worked example steps unit by unit, forward then back, with the tutorial\'s z1 slip at its unit', () => {
  const { stops, sizes } = buildStops(seedData());
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual(stops.map((s) => s.id), ['input', 'forward:1:1', 'forward:1:2', 'forward:2:1', 'loss', 'backward:2:1', 'backward:1:1', 'backward:1:2']);
  const c1 = stops[1]!.correction, c2 = stops[2]!.correction;
  assert.ok(c1 !== undefined && c2 !== undefined);
  assert.deepEqual([c1.printed, c1.computed, c1.differs], ['1.1', '1.0', true]);
  assert.match(c1.why, /off by 0\.1: 0\.1·1\.0 \+ 0\.2·2\.0 \+ 0\.5 = 1\.0/);
  assert.deepEqual([c2.printed, c2.differs], ['1.7', false]);
  assert.equal(stops.filter((s) => s.correction !== undefined).length, 2, 'only layer 1\'s units carry the comparison');
  assert.deepEqual(stops[1]!.nodes, [{ layer: 1, unit: 0 }]);
  assert.ok(stops[6]!.edgesIn && stops[6]!.edgesOut, 'a hidden unit\'s backward stop: its delta comes back along the edges out, its weights are the edges in');
  // the library's layer formulas ride along: z(1) and a(1) at a forward stop of layer 1
  assert.equal(stops[1]!.layer.length, 2);
  assert.match(stops[1]!.layer[0]!.tex, /^\\begin\{aligned\} z\^\{\(1\)\} &= W\^\{\(1\)\}/);
});

test('step-through: another network gets no correction; a batch or a network without dense layers is refused by name', () => {
  manualSeed(3);
  const model = new Sequential(new Linear(2, 3), new Tanh(), new Linear(3, 1));
  const d = explain({ model, input: [[0.5, -0.25]], target: [[1]], loss: new BCEWithLogitsLoss(), lossName: 'binary cross-entropy on the logit', lr: 0.03, apply: false }).toJSON();
  const { stops } = buildStops(d);
  assert.equal(stops.length, 1 + 4 + 1 + 4);
  assert.ok(stops.every((s) => s.correction === undefined));
  const batch = explain({ model, input: [[0.5, -0.25], [0.1, 0.2]], target: [[1], [0]], loss: new BCEWithLogitsLoss(), apply: false }).toJSON();
  assert.throws(() => buildStops(batch), /explain one sample at a time \(this explanation has a batch of 2\)/);
  assert.throws(() => buildStops({ ...d, layers: [] }), /fully connected networks/);
});

test('step-through: KaTeX accepts every formula (sigmoid, BCE, weight decay, ReLU, identity output, 12-wide layers with shortened sums)', () => {
  manualSeed(5);
  const wide = new Sequential(new Linear(12, 12), new ReLU(), new Linear(12, 2));
  const cases = [
    seedData(),
    seedData({ loss: 'bce', weightDecay: 0.01 }),
    explain({ model: new DenseNet([{ W: [[0.5, -1]], b: [0.1] }], 'identity'), input: [2, 3], target: [1], lr: 0.1 }).toJSON(),
    explain({ model: wide, input: [Array.from({ length: 12 }, (_, i) => i / 12 - 0.4)], target: [[0.5, -0.5]], loss: 'mse', lr: 0.05, apply: false }).toJSON(),
  ];
  let formulas = 0;
  for (const d of cases) {
    for (const s of buildStops(d).stops) {
      for (const tex of [...s.blocks.map((b) => b.tex), ...s.layer.map((l) => l.tex)]) {
        if (tex === '') continue;
        assert.doesNotThrow(() => katex.renderToString(tex, { displayMode: true, throwOnError: true }), `${s.id}: ${tex}`);
        formulas++;
      }
    }
  }
  assert.ok(formulas > 100, `${formulas} formulas checked`);
});
