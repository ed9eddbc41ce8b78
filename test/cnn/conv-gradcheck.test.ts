/**
 * Gradcheck (float64, central differences) of conv2d and conv1d over a case table of shapes:
 * odd sizes, stride > 1, padding, dilation, groups (incl. depthwise), 1x1 kernels, batch 1,
 * 'same' (incl. even kernels that pad asymmetrically) and 'valid'. Input, weight and bias grads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck } from '../../src/core/gradcheck.js';
import { manualSeed } from '../../src/core/rng.js';
import { randn } from '../../src/ops/create.js';
import { getBackend, registerBackend, setBackend } from '../../src/backend/registry.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../../src/functional/conv.js';

interface Case2d {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  opts: Conv2dOptions;
  out: number[];
}

const cases2d: Case2d[] = [
  { name: 'basic 3x3', x: [2, 3, 5, 5], w: [4, 3, 3, 3], opts: {}, out: [2, 4, 3, 3] },
  { name: 'odd sizes, 3x2 kernel', x: [1, 2, 7, 6], w: [3, 2, 3, 2], opts: {}, out: [1, 3, 5, 5] },
  { name: 'stride 2', x: [2, 2, 7, 7], w: [3, 2, 3, 3], opts: { stride: 2 }, out: [2, 3, 3, 3] },
  { name: 'stride [2,1], padding [1,0]', x: [1, 2, 6, 5], w: [2, 2, 3, 3], opts: { stride: [2, 1], padding: [1, 0] }, out: [1, 2, 3, 3] },
  { name: 'padding 2', x: [1, 2, 4, 4], w: [2, 2, 3, 3], opts: { padding: 2 }, out: [1, 2, 6, 6] },
  { name: 'dilation 2', x: [1, 2, 7, 7], w: [2, 2, 3, 3], opts: { dilation: 2 }, out: [1, 2, 3, 3] },
  { name: 'dilation [1,2], stride 2, padding 1', x: [1, 2, 7, 8], w: [2, 2, 3, 3], opts: { dilation: [1, 2], stride: 2, padding: 1 }, out: [1, 2, 4, 3] },
  { name: 'groups 2', x: [2, 4, 5, 5], w: [6, 2, 3, 3], opts: { groups: 2 }, out: [2, 6, 3, 3] },
  { name: 'groups 2, stride 2, padding 1', x: [1, 4, 6, 5], w: [4, 2, 3, 3], opts: { groups: 2, stride: 2, padding: 1 }, out: [1, 4, 3, 3] },
  { name: 'depthwise', x: [2, 3, 5, 5], w: [3, 1, 3, 3], opts: { groups: 3, padding: 1 }, out: [2, 3, 5, 5] },
  { name: 'depthwise multiplier 2', x: [1, 3, 5, 4], w: [6, 1, 3, 3], opts: { groups: 3 }, out: [1, 6, 3, 2] },
  { name: '1x1', x: [2, 3, 4, 5], w: [2, 3, 1, 1], opts: {}, out: [2, 2, 4, 5] },
  { name: '1x1 groups 3', x: [2, 3, 3, 4], w: [6, 1, 1, 1], opts: { groups: 3 }, out: [2, 6, 3, 4] },
  { name: '1x1 stride 2', x: [1, 3, 5, 5], w: [2, 3, 1, 1], opts: { stride: 2 }, out: [1, 2, 3, 3] },
  { name: '1x1 padding 1', x: [1, 2, 3, 3], w: [2, 2, 1, 1], opts: { padding: 1 }, out: [1, 2, 5, 5] },
  { name: 'batch 1', x: [1, 1, 6, 6], w: [2, 1, 3, 3], opts: { padding: 1 }, out: [1, 2, 6, 6] },
  { name: "'same' 3x3", x: [2, 2, 5, 6], w: [3, 2, 3, 3], opts: { padding: 'same' }, out: [2, 3, 5, 6] },
  { name: "'same' even kernel 2x4 (asymmetric)", x: [1, 2, 5, 6], w: [2, 2, 2, 4], opts: { padding: 'same' }, out: [1, 2, 5, 6] },
  { name: "'same' dilation 2", x: [1, 2, 6, 5], w: [2, 2, 3, 2], opts: { padding: 'same', dilation: 2 }, out: [1, 2, 6, 5] },
  { name: "'valid'", x: [1, 2, 5, 5], w: [2, 2, 3, 3], opts: { padding: 'valid' }, out: [1, 2, 3, 3] },
  { name: 'no bias', x: [2, 2, 5, 5], w: [3, 2, 3, 3], bias: false, opts: { stride: 2, padding: 1 }, out: [2, 3, 3, 3] },
  { name: 'kernel = input', x: [2, 2, 4, 4], w: [3, 2, 4, 4], opts: {}, out: [2, 3, 1, 1] },
];

for (const c of cases2d) {
  test(`conv2d gradcheck: ${c.name}`, () => {
    manualSeed(11);
    const x = randn(c.x, { dtype: 'float64', requiresGrad: true });
    const w = randn(c.w, { dtype: 'float64', requiresGrad: true });
    const b = c.bias === false ? null : randn([c.w[0]!], { dtype: 'float64', requiresGrad: true });
    const y = conv2d(x, w, b, c.opts);
    assert.deepEqual(y.shape, c.out);
    const inputs = b === null ? [x, w] : [x, w, b];
    assert.equal(gradcheck((xx, ww, bb) => conv2d(xx!, ww!, bb ?? null, c.opts), inputs), true);
  });
}

interface Case1d {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  opts: Conv1dOptions;
  out: number[];
}

const cases1d: Case1d[] = [
  { name: 'basic', x: [2, 2, 7], w: [3, 2, 3], opts: {}, out: [2, 3, 5] },
  { name: 'stride 2, padding 1', x: [2, 2, 8], w: [3, 2, 3], opts: { stride: 2, padding: 1 }, out: [2, 3, 4] },
  { name: 'dilation 2, groups 2', x: [1, 4, 9], w: [2, 2, 3], opts: { dilation: 2, groups: 2 }, out: [1, 2, 5] },
  { name: "'same' k4", x: [1, 3, 6], w: [2, 3, 4], opts: { padding: 'same' }, out: [1, 2, 6] },
  { name: 'k1, no bias', x: [2, 3, 5], w: [2, 3, 1], bias: false, opts: {}, out: [2, 2, 5] },
];

for (const c of cases1d) {
  test(`conv1d gradcheck: ${c.name}`, () => {
    manualSeed(12);
    const x = randn(c.x, { dtype: 'float64', requiresGrad: true });
    const w = randn(c.w, { dtype: 'float64', requiresGrad: true });
    const b = c.bias === false ? null : randn([c.w[0]!], { dtype: 'float64', requiresGrad: true });
    assert.deepEqual(conv1d(x, w, b, c.opts).shape, c.out);
    const inputs = b === null ? [x, w] : [x, w, b];
    assert.equal(gradcheck((xx, ww, bb) => conv1d(xx!, ww!, bb ?? null, c.opts), inputs), true);
  });
}

test('conv2d gradcheck: only some inputs need a gradient (bias alone: the reduction path; weight frozen; input frozen)', () => {
  manualSeed(14);
  const opts: Conv2dOptions = { padding: 1, stride: [1, 2] };
  const mk = (shape: number[], grad: boolean) => randn(shape, { dtype: 'float64', requiresGrad: grad });
  for (const [gx, gw, gb] of [[true, false, true], [false, false, true], [false, true, true], [true, true, false]] as const) {
    const x = mk([2, 3, 5, 4], gx);
    const w = mk([4, 3, 3, 3], gw);
    const b = mk([4], gb);
    const inputs = [x, w, b].filter((t) => t.requiresGrad);
    const fn = (...ts: (typeof x)[]) => {
      let i = 0;
      const pick = (t: typeof x) => (t.requiresGrad ? ts[i++]! : t);
      return conv2d(pick(x), pick(w), pick(b), opts);
    };
    assert.equal(gradcheck(fn, inputs), true, `grads for x ${gx}, w ${gw}, b ${gb}`);
  }
});

test('conv2d with a bias: float32 gradients of the bias match the sum of dJ/dy over n, h, w', () => {
  manualSeed(15);
  const x = randn([3, 2, 6, 5]);
  const w = randn([4, 2, 3, 3], { requiresGrad: true });
  const b = randn([4], { requiresGrad: true });
  const g = randn([3, 4, 6, 5]);
  conv2d(x, w, b, { padding: 1 }).backward(g);
  const want = g.sum([0, 2, 3]).data();
  const got = b.grad!.data();
  for (let o = 0; o < 4; o++) assert.ok(Math.abs(got[o]! - want[o]!) < 1e-4, `db[${o}] ${got[o]} vs ${want[o]}`);
  // and the forward adds the bias per output channel
  const y0 = conv2d(x, w.detach(), null, { padding: 1 });
  const y1 = conv2d(x, w.detach(), b.detach(), { padding: 1 });
  const diff = y1.sub(y0).sub(b.detach().reshape([1, 4, 1, 1])).abs().max().item();
  assert.ok(diff < 1e-5, `bias added per channel (max error ${diff})`);
});

test('conv2d gradcheck catches a broken backward kernel (the table can fail)', () => {
  // a backend whose input gradient drops the last input channel's contribution
  registerBackend({
    name: 'cnn-test-broken',
    conv2dBackwardInput: (dy, w, g, dx) => {
      referenceBackend.conv2dBackwardInput(dy, w, g, dx);
      dx[dx.length - 1] = dx[dx.length - 1]! + 0.1;
    },
  });
  manualSeed(13);
  const x = randn([1, 2, 4, 4], { dtype: 'float64', requiresGrad: true });
  const w = randn([2, 2, 3, 3], { dtype: 'float64', requiresGrad: true });
  const before = getBackend();
  setBackend('cnn-test-broken');
  try {
    assert.throws(() => gradcheck((xx, ww) => conv2d(xx!, ww!, null, { padding: 1 }), [x, w]), /input 0/);
  } finally {
    setBackend(before);
  }
});
