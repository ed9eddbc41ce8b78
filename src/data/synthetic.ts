/**
 * Small synthetic datasets for examples and tests. Each returns a TensorDataset of float32
 * inputs and targets. Randomness comes from `seed` (an own generator) or, without it, from the
 * library generator (`nb.manualSeed`), so every dataset is reproducible.
 *
 * | dataset   | x                      | y                        | task                          |
 * |-----------|------------------------|--------------------------|-------------------------------|
 * | xor       | [n, 2] corners of the unit square (+ noise) | [n, 1] float32 0/1 | binary, not linearly separable |
 * | spirals   | [n, 2]                 | [n] int32 class          | `classes` interleaved spirals |
 * | moons     | [n, 2]                 | [n] int32 0/1            | two interleaving half circles |
 * | circles   | [n, 2]                 | [n] int32 0/1 (1 = inner)| concentric circles            |
 * | sine      | [n, seqLen, 1] windows | [n, 1] the next value    | sequence regression (RNN/LSTM)|
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { Generator, defaultGenerator } from '../core/rng.js';
import { TensorDataset } from './dataset.js';

export interface SyntheticOptions {
  /** number of samples */
  n?: number;
  /** standard deviation of Gaussian noise added to the inputs */
  noise?: number;
  /** seed of an own generator (default: the library generator) */
  seed?: number;
}

function gen(seed: number | undefined): Generator {
  return seed === undefined ? defaultGenerator : new Generator(seed);
}

function checkN(op: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new NablaError(`${op}: n must be an integer >= ${min}, got ${n}`);
  if (n > 2 ** 26) throw new NablaError(`${op}: n = ${n} samples is more than a synthetic dataset makes (at most ${2 ** 26})`);
}

function checkNoise(op: string, noise: number): void {
  if (!(noise >= 0)) throw new NablaError(`${op}: noise must be >= 0, got ${noise}`);
}

/**
 * XOR: y = x1 XOR x2. With the defaults (n = 4, noise = 0) the exact truth table
 * x = [[0,0],[0,1],[1,0],[1,1]], y = [[0],[1],[1],[0]] (the classic 2-2-1 sigmoid network task).
 * With n > 4, sample i is corner i mod 4 plus Gaussian noise.
 */
export function xor(opts: SyntheticOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const { n = 4, noise = 0 } = opts;
  checkN('xor', n);
  checkNoise('xor', noise);
  const g = noise > 0 ? gen(opts.seed) : null;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = i & 2 ? 1 : 0;
    const b = i & 1;
    x[2 * i] = a + (g ? noise * g.normal() : 0);
    x[2 * i + 1] = b + (g ? noise * g.normal() : 0);
    y[i] = a ^ b;
  }
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n, 1]));
}

/**
 * `classes` interleaved spiral arms (CS231n's toy data): class c's k-th of m points has radius
 * r = k/(m-1) and angle t = 4c + 4r + noise*N(0,1) (radians), x = [r sin t, r cos t].
 * n points in total, split as evenly as possible; ordered by class.
 */
export function spirals(opts: SyntheticOptions & { classes?: number } = {}): TensorDataset<[Tensor, Tensor]> {
  const { n = 300, noise = 0.2, classes = 3 } = opts;
  checkN('spirals', n);
  checkNoise('spirals', noise);
  if (!Number.isInteger(classes) || classes < 1) throw new NablaError(`spirals: classes must be a positive integer, got ${classes}`);
  const g = gen(opts.seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  let i = 0;
  for (let c = 0; c < classes; c++) {
    const m = Math.floor(n / classes) + (c < n % classes ? 1 : 0);
    for (let k = 0; k < m; k++, i++) {
      const r = m === 1 ? 0 : k / (m - 1);
      const t = 4 * c + 4 * r + noise * g.normal();
      x[2 * i] = r * Math.sin(t);
      x[2 * i + 1] = r * Math.cos(t);
      y[i] = c;
    }
  }
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 is (cos s, sin s) and
 * class 1 is (1 - cos s, 0.5 - sin s) for s evenly spaced in [0, pi], plus noise*N(0,1);
 * ceil(n/2) points of class 0 first, then floor(n/2) of class 1.
 */
export function moons(opts: SyntheticOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const { n = 200, noise = 0.1 } = opts;
  checkN('moons', n, 2);
  checkNoise('moons', noise);
  const g = gen(opts.seed);
  const nOut = Math.ceil(n / 2);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const outer = i < nOut;
    const m = outer ? nOut : n - nOut;
    const k = outer ? i : i - nOut;
    const s = m === 1 ? 0 : (Math.PI * k) / (m - 1);
    x[2 * i] = (outer ? Math.cos(s) : 1 - Math.cos(s)) + noise * g.normal();
    x[2 * i + 1] = (outer ? Math.sin(s) : 0.5 - Math.sin(s)) + noise * g.normal();
    y[i] = outer ? 0 : 1;
  }
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

/**
 * Two concentric circles (scikit-learn's make_circles): ceil(n/2) points on the unit circle
 * (class 0), then floor(n/2) on the circle of radius `factor` (class 1), angles evenly spaced,
 * plus noise*N(0,1).
 */
export function circles(opts: SyntheticOptions & { factor?: number } = {}): TensorDataset<[Tensor, Tensor]> {
  const { n = 200, noise = 0.05, factor = 0.5 } = opts;
  checkN('circles', n, 2);
  checkNoise('circles', noise);
  if (!(factor > 0 && factor < 1)) throw new NablaError(`circles: factor must be in (0, 1), got ${factor}`);
  const g = gen(opts.seed);
  const nOut = Math.ceil(n / 2);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const outer = i < nOut;
    const m = outer ? nOut : n - nOut;
    const k = outer ? i : i - nOut;
    const a = (2 * Math.PI * k) / m;
    const r = outer ? 1 : factor;
    x[2 * i] = r * Math.cos(a) + noise * g.normal();
    x[2 * i + 1] = r * Math.sin(a) + noise * g.normal();
    y[i] = outer ? 0 : 1;
  }
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

export interface SineOptions extends SyntheticOptions {
  /** window length (default 20) */
  seqLen?: number;
  /** angle between consecutive steps, radians (default 0.2) */
  step?: number;
}

/**
 * Next-value prediction on a sine wave, for RNN/LSTM/GRU (batch-first): window i starts at a
 * random phase p_i in [0, 2 pi) and holds x[i, t, 0] = sin(p_i + t*step) + noise*N(0,1) for
 * t < seqLen; its target is the clean next value y[i, 0] = sin(p_i + seqLen*step).
 */
export function sine(opts: SineOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const { n = 256, noise = 0, seqLen = 20, step = 0.2 } = opts;
  checkN('sine', n);
  checkNoise('sine', noise);
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new NablaError(`sine: seqLen must be a positive integer, got ${seqLen}`);
  if (!Number.isFinite(step)) throw new NablaError(`sine: step must be a finite number, got ${step}`);
  const g = gen(opts.seed);
  const x = new Float32Array(n * seqLen);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = 2 * Math.PI * g.random();
    for (let t = 0; t < seqLen; t++) x[i * seqLen + t] = Math.sin(p + t * step) + (noise > 0 ? noise * g.normal() : 0);
    y[i] = Math.sin(p + seqLen * step);
  }
  return new TensorDataset(new Tensor(x, [n, seqLen, 1]), new Tensor(y, [n, 1]));
}
