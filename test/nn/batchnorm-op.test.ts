/**
 * The fused `batchNorm` op (src/ops/batchnorm.ts): float64 gradcheck in training and evaluation,
 * with and without affine parameters, 2-D / 3-D / 4-D inputs; double backward and running
 * statistics against the composition from elementwise ops it replaces; float32 on the native
 * backend against the reference backend (contiguous and permuted inputs, the in-place dx path
 * when the upstream gradient is donated); the op event; errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { batchNorm } from '../../src/ops/batchnorm.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { DTypeError, NablaError, ShapeError } from '../../src/core/errors.js';
import type { ForwardEvent } from '../../src/core/events.js';
import { assertNear } from '../helpers/fixtures.js';
import { onBackend } from '../helpers/backend.js';

nb.manualSeed(11);

/** The composition this op replaced (the former functional batchNorm), as the specification. */
function composed(x: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null, training: boolean, momentum = 0.1, eps = 1e-5): Tensor {
  const c = x.shape[1]!;
  const bshape = x.shape.map((d, i) => (i === 1 ? c : 1));
  const axes = [...x.shape.keys()].filter((i) => i !== 1);
  const n = x.size / c;
  let centered: Tensor;
  let variance: Tensor;
  if (training || rm === null || rv === null) {
    const mean = x.mean(axes, true);
    centered = x.sub(mean);
    variance = centered.mul(centered).mean(axes, true);
    if (training && rm !== null && rv !== null) {
      nb.noGrad(() => {
        rm.mul_(1 - momentum).add_(mean.detach().reshape([c]), momentum);
        rv.mul_(1 - momentum).add_(variance.detach().reshape([c]), (momentum * n) / (n - 1));
      });
    }
  } else {
    centered = x.sub(rm.reshape(bshape));
    variance = rv.reshape(bshape);
  }
  let y = centered.div(variance.add(eps).sqrt());
  if (w !== null) y = y.mul(w.reshape(bshape));
  if (b !== null) y = y.add(b.reshape(bshape));
  return y;
}

const f64 = { dtype: 'float64' as const };
const leaf = (shape: number[], lo = -1, hi = 1): Tensor => nb.uniform(shape, lo, hi, { ...f64, requiresGrad: true });
const SHAPES = [[4, 3], [3, 2, 4], [2, 2, 3, 3], [1, 2, 5]];

test('batchNorm gradcheck (float64): batch and running statistics, affine or not, 2-D, 3-D and 4-D inputs', () => {
  for (const shape of SHAPES) {
    const c = shape[1]!;
    for (const affine of [true, false]) {
      for (const training of [true, false]) {
        const rm = nb.randn([c], f64);
        const rv = nb.rand([c], f64).add(0.5);
        const x = leaf(shape, -2, 2);
        const what = `${JSON.stringify(shape)} affine ${affine} training ${training}`;
        if (affine) {
          const w = leaf([c], 0.5, 1.5);
          const b = leaf([c]);
          // fresh copies of the running statistics per call: training updates them in place
          assert.ok(gradcheck((a, ww, bb) => batchNorm(a!, rm.clone(), rv.clone(), ww!, bb!, { training }), [x, w, b]), what);
        } else {
          assert.ok(gradcheck((a) => batchNorm(a!, rm.clone(), rv.clone(), null, null, { training }), [x]), what);
        }
      }
    }
    // batch statistics without running ones, in evaluation (BatchNorm with trackRunningStats false)
    assert.ok(gradcheck((a) => batchNorm(a!, null, null, null, null, { training: false }), [leaf(shape)]));
  }
});

test('batchNorm gradcheck through running statistics that require grad (evaluation)', () => {
  const x = leaf([3, 2, 4], -2, 2);
  const rm = leaf([2]);
  const rv = leaf([2], 0.5, 1.5);
  const w = leaf([2], 0.5, 1.5);
  assert.ok(gradcheck((a, m, v, ww) => batchNorm(a!, m!, v!, ww!, null, { training: false }), [x, rm, rv, w]));
  assert.ok(gradcheck((a, m, v) => batchNorm(a!, m!, v!, null, null, { training: false, eps: 0.1 }), [x, rm, rv]));
});

test('batchNorm forward, gradients and running statistics equal the composition (float64)', () => {
  for (const shape of SHAPES) {
    for (const training of [true, false]) {
      const c = shape[1]!;
      const x = nb.randn(shape, f64).mul(3).add(1.5);
      const g = nb.randn(shape, f64);
      const w0 = nb.rand([c], f64).add(0.5);
      const b0 = nb.randn([c], f64);
      const rm0 = nb.randn([c], f64);
      const rv0 = nb.rand([c], f64).add(0.5);
      const runs = [batchNorm, composed].map((f) => {
        const xx = x.clone().requiresGrad_();
        const w = w0.clone().requiresGrad_();
        const b = b0.clone().requiresGrad_();
        const rm = rm0.clone();
        const rv = rv0.clone();
        const y = f === batchNorm ? batchNorm(xx, rm, rv, w, b, { training, momentum: 0.3, eps: 1e-3 }) : composed(xx, rm, rv, w, b, training, 0.3, 1e-3);
        y.backward(g);
        return [y, xx.grad!, w.grad!, b.grad!, rm, rv];
      });
      const names = ['y', 'dx', 'dweight', 'dbias', 'running_mean', 'running_var'];
      runs[0]!.forEach((t, i) => assertNear(t, runs[1]![i]!, 1e-12, `${JSON.stringify(shape)} training ${training} ${names[i]}`));
    }
  }
});

test('double backward through batchNorm equals the composition (training and evaluation)', () => {
  for (const training of [true, false]) {
    const grads = (f: typeof composed): Tensor[] => {
      nb.manualSeed(5);
      const x = nb.randn([3, 2, 4], { ...f64, requiresGrad: true });
      const w = nb.rand([2], { ...f64, requiresGrad: true });
      const b = nb.randn([2], { ...f64, requiresGrad: true });
      const rm = nb.randn([2], { ...f64, requiresGrad: true });
      const rv = nb.rand([2], f64).add(0.5).requiresGrad_();
      // J = sum(tanh(y)^2...): the gradient of sum((dJ/dx)^2) + sum((dJ/dw)^2) needs the backward of the backward
      f(x, training ? null : rm, training ? null : rv, w, b, training).tanh().pow(2).sum().backward(undefined, { createGraph: true });
      const gx = x.grad!;
      const gw = w.grad!;
      const inputs = [x, w, b, rm, rv];
      for (const t of inputs) t.grad = null;
      gx.pow(2).sum().add(gw.pow(2).sum()).backward();
      return inputs.map((t) => t.grad ?? nb.zeros(t.shape, f64));
    };
    const fused = grads((x, rm, rv, w, b, tr) => batchNorm(x, rm, rv, w, b, { training: tr }));
    const comp = grads(composed);
    fused.forEach((g, i) => assertNear(g, comp[i]!, 1e-10, `training ${training}: second-order gradient ${i}`));
  }
});

interface Run {
  y: Tensor;
  grads: Tensor[];
  rm: Tensor;
  rv: Tensor;
}

/** float32 forward + backward on one backend; `scaled` multiplies the output by 1.5 (that op's fresh gradient is donated to batchNorm, which writes dx over it). */
function run(backend: string, shape: number[], training: boolean, affine: boolean, permuted: boolean, scaled: boolean, seed: number): Run {
  return onBackend(backend, () => {
    nb.manualSeed(seed);
    const c = shape[1]!;
    const x = nb.randn(shape).mul(2).add(0.7).requiresGrad_();
    const w = affine ? nb.rand([c]).add(0.5).requiresGrad_() : null;
    const b = affine ? nb.randn([c]).requiresGrad_() : null;
    const rm = nb.randn([c]);
    const rv = nb.rand([c]).add(0.5);
    // a permuted (non-contiguous) view with the same values: its last two axes swapped and back
    const xin = permuted ? x.transpose(-1, -2).contiguous().transpose(-1, -2) : x;
    let y = batchNorm(xin, rm, rv, w, b, { training });
    if (scaled) y = y.mul(1.5);
    y.backward(nb.randn(y.shape));
    const grads = [x.grad!];
    if (w !== null && b !== null) grads.push(w.grad!, b.grad!);
    return { y, grads, rm, rv };
  });
}

test('batchNorm on the native backend matches the reference backend (float32)', (t) => {
  if (!nb.availableBackends().includes('native')) return t.skip('native addon not built');
  const shapes = [[5, 3], [64, 100], [5, 7, 3], [1, 3, 40], [4, 16, 28, 28], [3, 1, 9, 9], [8, 32, 14, 14], [2, 5, 4, 1]];
  let seed = 1;
  for (const shape of shapes) {
    for (const training of [true, false]) {
      for (const [affine, permuted, scaled] of [[true, false, false], [false, false, true], [true, shape.length > 2, true]] as const) {
        const a = run('native', shape, training, affine, permuted, scaled, seed);
        const r = run('ts', shape, training, affine, permuted, scaled, seed);
        const what = `${JSON.stringify(shape)} training ${training} affine ${affine} permuted ${permuted} scaled ${scaled}`;
        assertNear(a.y, r.y, 1e-5, `${what} y`);
        a.grads.forEach((g, i) => assertNear(g, r.grads[i]!, 1e-4, `${what} grad ${i}`));
        assertNear(a.rm, r.rm, 1e-6, `${what} running_mean`);
        assertNear(a.rv, r.rv, 1e-6, `${what} running_var`);
        seed++;
      }
    }
  }
});

test('batchNorm announces one op event: inputs [x, w, b] with batch statistics, [x, w, b, running_mean, running_var] in evaluation', () => {
  const x = nb.randn([4, 3, 2]);
  const w = nb.ones([3], { requiresGrad: true });
  const b = nb.zeros([3], { requiresGrad: true });
  const rm = nb.zeros([3]);
  const rv = nb.ones([3]);
  const events: ForwardEvent[] = [];
  const off = nb.onOp((e) => {
    if (e.kind === 'forward') events.push(e);
  });
  try {
    batchNorm(x, rm, rv, w, b, { training: true, eps: 1e-3 });
    batchNorm(x, rm, rv, w, null, { training: false });
  } finally {
    off();
  }
  assert.deepEqual(events.map((e) => e.op), ['batchNorm', 'batchNorm']);
  assert.deepEqual(events[0]!.inputs, [x, w, b]);
  assert.deepEqual(events[0]!.attrs, { training: true, eps: 1e-3, momentum: 0.1, weight: true, bias: true });
  assert.equal(events[1]!.inputs.length, 4);
  assert.equal(events[1]!.inputs[2], rm);
  assert.equal(events[1]!.attrs!['training'], false);
  // no graph without inputs that require grad, or under noGrad
  assert.equal(batchNorm(x, null, null, null, null, { training: true }).requiresGrad, false);
  assert.equal(nb.noGrad(() => batchNorm(x, null, null, w, b, { training: true })).requiresGrad, false);
});

test('batchNorm errors name the op, the argument and the shapes', () => {
  assert.throws(() => batchNorm(nb.zeros([3]), null, null), (e: unknown) => e instanceof ShapeError && /at least 2 dimensions/.test(e.message));
  assert.throws(() => batchNorm(nb.zeros([1, 3]), null, null, null, null, { training: true }), (e: unknown) => e instanceof NablaError && /more than 1 value per channel/.test(e.message));
  assert.throws(() => batchNorm(nb.zeros([2, 3, 4]), null, null, nb.ones([4])), (e: unknown) => e instanceof ShapeError && /weight \[4\]/.test(e.message) && /\[2,3,4\]/.test(e.message));
  assert.throws(() => batchNorm(nb.zeros([2, 3]), nb.zeros([2]), nb.ones([3])), (e: unknown) => e instanceof ShapeError && /running_mean/.test(e.message));
  assert.throws(() => batchNorm(nb.zeros([2, 3], { dtype: 'int32' }), null, null), DTypeError);
});

test('batchNorm promotes mixed dtypes and handles an empty batch in evaluation', () => {
  const x = nb.randn([4, 2]);
  const w = nb.ones([2], f64);
  const y = batchNorm(x, null, null, w, null, { training: true });
  assert.equal(y.dtype, 'float64');
  const e = batchNorm(nb.zeros([0, 2, 3]), nb.zeros([2]), nb.ones([2]), null, null, { training: false });
  assert.deepEqual(e.shape, [0, 2, 3]);
});
