// The wasm peers compute the same function as nabla (issue 13's benchmark cells): from the same
// weights (bench/web/weights.ts) jax-js and TF.js give nabla's forward output, and a few Adam steps
// on the same batches give the same loss trajectory; ConvNetJS's harness Adam is nabla's Adam and
// its CNN has W3's parameter count. Skips (saying why) when the peers are not installed in
// bench/node_modules (`node scripts/peers.mjs bench` installs them). No timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { mlpWeights, type MlpWeights } from '../../bench/web/weights.js';
import { nablaForward, nablaTrainer } from '../../bench/web/nabla.js';
import { mulberry32 } from '../../bench/lib/rng.js';
import { adamUpdater, convnetjsNet } from '../../bench/convnetjs/cnn.js';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const has = (name: string): boolean => existsSync(`${BENCH}node_modules/${name}/package.json`);
const skipJax = has('@jax-js/jax') ? false : '@jax-js/jax is not installed in bench/node_modules (node scripts/peers.mjs bench)';
const skipTf = has('@tensorflow/tfjs') && has('@tensorflow/tfjs-backend-wasm') ? false : 'TensorFlow.js is not installed in bench/node_modules (node scripts/peers.mjs bench)';
const skipCn = has('convnetjs') ? false : 'convnetjs is not installed in bench/node_modules (node scripts/peers.mjs bench)';

interface JaxCells {
  prepareJaxjs(): Promise<string[]>;
  jaxForward(w: MlpWeights, x: Float32Array, n: number): Float32Array;
  jaxTrainer(w: MlpWeights): { step(x: Float32Array, y: Int32Array, n: number): { dataSync(): ArrayLike<number> } };
}
interface TfCells {
  tfjsMlp(w: MlpWeights): { predict(x: unknown): { dataSync(): ArrayLike<number> } };
  tfjsStep(m: unknown, x: Float32Array, y: Int32Array, n: number): Promise<number>;
}

/** n random "images" in [0, 1) and labels, seeded */
function batch(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = mulberry32(seed);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = r();
  return { x, y: Int32Array.from({ length: n }, () => Math.floor(r() * 10)) };
}

function softmaxRows(a: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < 10; j++) m = Math.max(m, a[i * 10 + j]!);
    let s = 0;
    for (let j = 0; j < 10; j++) s += Math.exp(a[i * 10 + j]! - m);
    for (let j = 0; j < 10; j++) out[i * 10 + j] = Math.exp(a[i * 10 + j]! - m) / s;
  }
  return out;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  assert.ok(worst <= tol, `${what}: differs by ${worst} (tolerance ${tol})`);
}

const STEPS = 5;

/** nabla's losses over STEPS Adam steps on the seeded batches (the reference trajectory) */
function nablaLosses(): number[] {
  const tr = nablaTrainer(mlpWeights(0));
  const out: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const { x, y } = batch(16, 100 + s);
    out.push((tr.step(x, y, 16) as Tensor).item());
  }
  return out;
}

test('jax-js: the W2 MLP forward and the jitted Adam step give nabla\'s outputs and loss trajectory', { skip: skipJax }, async () => {
  const jax = (await import(new URL('../../bench/jaxjs/index.js', import.meta.url).href)) as JaxCells;
  await jax.prepareJaxjs();
  const w = mlpWeights(0);
  const { x } = batch(8, 7);
  close(jax.jaxForward(w, x, 8), nablaForward(w, x, 8), 1e-4, 'jax-js logits');
  const tr = jax.jaxTrainer(w);
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const b = batch(16, 100 + s);
    losses.push(tr.step(b.x, b.y, 16).dataSync()[0]!);
  }
  const ref = nablaLosses();
  close(losses, ref, 1e-4, 'jax-js loss trajectory');
  assert.ok(ref[STEPS - 1]! < ref[0]!, `the loss falls over ${STEPS} steps: ${ref.join(', ')}`);
});

test('TF.js wasm: the layers-API MLP from the same weights gives nabla\'s softmax and loss trajectory', { skip: skipTf }, async () => {
  const tf = createRequire(`${BENCH}package.json`)('@tensorflow/tfjs') as { setBackend(b: string): Promise<boolean>; ready(): Promise<void>; tensor2d(a: Float32Array, s: number[]): unknown };
  createRequire(`${BENCH}package.json`)('@tensorflow/tfjs-backend-wasm');
  assert.equal(await tf.setBackend('wasm'), true);
  await tf.ready();
  const cells = (await import(new URL('../../bench/tfjs/webmlp.js', import.meta.url).href)) as TfCells;
  const w = mlpWeights(0);
  const { x } = batch(8, 7);
  const m = cells.tfjsMlp(w);
  close(m.predict(tf.tensor2d(x, [8, 784])).dataSync(), softmaxRows(nablaForward(w, x, 8), 8), 1e-4, 'TF.js softmax');
  const m2 = cells.tfjsMlp(w);
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const b = batch(16, 100 + s);
    losses.push(await cells.tfjsStep(m2, b.x, b.y, 16));
  }
  close(losses, nablaLosses(), 1e-4, 'TF.js loss trajectory');
});

test('ConvNetJS: the harness Adam is nabla\'s Adam on the batch-mean gradient; the CNN has W3\'s parameters', { skip: skipCn }, () => {
  const cn = createRequire(`${BENCH}package.json`)('convnetjs') as Parameters<typeof convnetjsNet>[0];
  const net = convnetjsNet(cn);
  const count = net.getParamsAndGrads().reduce((s, p) => s + p.params.length, 0);
  assert.equal(count, 16 * 9 + 16 + 32 * 16 * 9 + 32 + 1568 * 128 + 128 + 128 * 10 + 10);
  // three Adam steps on one parameter vector, gradients summed over 4 samples
  const p0 = [0.5, -1, 2, 0.25];
  const grads = [[0.4, -2, 1, 0], [-1, 0.5, 0.5, 3], [2, 2, -1, 0.1]];
  const params = Float64Array.from(p0);
  const g = new Float64Array(4);
  const step = adamUpdater([{ params, grads: g }]);
  const t = nb.tensor(p0, { requiresGrad: true });
  const opt = new nb.optim.Adam([t], { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  for (const gs of grads) {
    g.set(gs.map((v) => v * 4)); // the sum over 4 samples
    step(4);
    assert.deepEqual([...g], [0, 0, 0, 0], 'the update zeroes the accumulated gradients');
    opt.zeroGrad();
    t.mul(nb.tensor(gs)).sum().backward();
    opt.step();
  }
  close(params, t.data(), 1e-6, 'ConvNetJS harness Adam vs nabla Adam');
});
