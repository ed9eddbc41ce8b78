/**
 * Segmentation data: Fashion-MNIST items (Debian's dataset-fashion-mnist) pasted at random
 * places on cluttered canvases. The target mask is exact from the pixels: a canvas pixel is
 * "item" when an item pixel brighter than `INK` was pasted there (later items cover earlier
 * ones; the mask is their union).
 *
 * The clutter is made to defeat a brightness threshold: a background level and gradient,
 * rectangles, bars and discs of any grey level (as bright as the items), and pixel noise over
 * everything (items included); item brightness is also scaled per item. What separates items
 * from clutter is their shape and texture, which is what the network has to learn.
 */
import * as nb from '../../src/index.js';
import { Rng } from '../shared/rng.js';

/** Item pixels at or below this value are not pasted (and not in the mask). */
export const INK = 0.1;

export interface SegSet {
  /** canvases [N, 1, S, S] in [0, 1] */
  x: Float32Array;
  /** masks [N, 1, S, S], 1 on item pixels */
  y: Float32Array;
  n: number;
  size: number;
}

/** The 28x28 item images of one Fashion-MNIST split, each as 784 floats in [0, 1]. */
export function loadItems(split: 'train' | 'test', count?: number): Float32Array[] {
  const ds = nb.data.fashionMNIST({ split, ...(split === 'train' ? { trainSize: count } : { testSize: count }) });
  const x = ds.tensors[0]!.data() as Float32Array;
  const out: Float32Array[] = [];
  for (let i = 0; i < ds.length; i++) out.push(x.subarray(i * 784, (i + 1) * 784));
  return out;
}

/** `n` canvases of `size` x `size` with 1-3 items each, drawn from `items`. */
export function makeCanvases(items: readonly Float32Array[], n: number, size: number, seed: number): SegSet {
  const rng = new Rng(seed);
  const P = size * size;
  const x = new Float32Array(n * P);
  const y = new Float32Array(n * P);
  for (let k = 0; k < n; k++) {
    const cx = x.subarray(k * P, (k + 1) * P);
    const cy = y.subarray(k * P, (k + 1) * P);
    clutter(cx, size, rng);
    const count = rng.int(1, 4);
    for (let j = 0; j < count; j++) {
      const item = items[rng.int(0, items.length)]!;
      const gain = rng.uniform(0.55, 1.0);
      const ox = rng.int(-6, size - 22);
      const oy = rng.int(-6, size - 22);
      for (let r = 0; r < 28; r++) {
        const yy = oy + r;
        if (yy < 0 || yy >= size) continue;
        for (let c = 0; c < 28; c++) {
          const xx = ox + c;
          const v = item[r * 28 + c]!;
          if (xx < 0 || xx >= size || v <= INK) continue;
          cx[yy * size + xx] = v * gain;
          cy[yy * size + xx] = 1;
        }
      }
    }
    const sigma = rng.uniform(0.02, 0.08);
    for (let i = 0; i < P; i++) cx[i] = Math.min(1, Math.max(0, cx[i]! + sigma * rng.normal()));
  }
  return { x, y, n, size };
}

/** Background level and gradient, then 3-8 rectangles, bars and discs of random grey. */
function clutter(c: Float32Array, S: number, rng: Rng): void {
  const base = rng.uniform(0, 0.35);
  const gx = rng.uniform(-0.25, 0.25) / S;
  const gy = rng.uniform(-0.25, 0.25) / S;
  for (let r = 0; r < S; r++) for (let q = 0; q < S; q++) c[r * S + q] = Math.max(0, base + gx * q + gy * r);
  const shapes = rng.int(3, 9);
  for (let s = 0; s < shapes; s++) {
    const v = rng.uniform(0.15, 1);
    const kind = rng.int(0, 3);
    if (kind === 0) {
      const w = rng.int(2, 12);
      const h = rng.int(2, 12);
      const x0 = rng.int(-2, S - 2);
      const y0 = rng.int(-2, S - 2);
      for (let r = Math.max(0, y0); r < Math.min(S, y0 + h); r++) for (let q = Math.max(0, x0); q < Math.min(S, x0 + w); q++) c[r * S + q] = v;
    } else if (kind === 1) {
      // a straight bar of width 1-2 between two random points
      const [x0, y0, x1, y1] = [rng.uniform(0, S), rng.uniform(0, S), rng.uniform(0, S), rng.uniform(0, S)];
      const th = rng.int(1, 3);
      const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
      for (let t = 0; t <= steps; t++) {
        const px = Math.floor(x0 + ((x1 - x0) * t) / steps);
        const py = Math.floor(y0 + ((y1 - y0) * t) / steps);
        for (let a = 0; a < th; a++) for (let b = 0; b < th; b++) if (px + a < S && py + b < S) c[(py + b) * S + px + a] = v;
      }
    } else {
      const rad = rng.uniform(1.5, 6);
      const [ux, uy] = [rng.uniform(0, S), rng.uniform(0, S)];
      for (let r = 0; r < S; r++) for (let q = 0; q < S; q++) if ((q + 0.5 - ux) ** 2 + (r + 0.5 - uy) ** 2 <= rad * rad) c[r * S + q] = v;
    }
  }
}

/** Intersection over union of two binary masks (1 when both are empty). */
export function iou(pred: ArrayLike<number>, truth: ArrayLike<number>, off = 0, len = truth.length): number {
  let inter = 0;
  let uni = 0;
  for (let i = off; i < off + len; i++) {
    const p = pred[i]! > 0.5;
    const t = truth[i]! > 0.5;
    if (p && t) inter++;
    if (p || t) uni++;
  }
  return uni === 0 ? 1 : inter / uni;
}

/** Mean over the images of each image's IoU. */
export function meanIoU(pred: ArrayLike<number>, truth: ArrayLike<number>, n: number, P: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += iou(pred, truth, k * P, P);
  return s / n;
}

/** Threshold baseline: mask = canvas > t. */
export function thresholdMasks(x: Float32Array, t: number): Float32Array {
  const m = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) m[i] = x[i]! > t ? 1 : 0;
  return m;
}

/**
 * The global threshold t = 0.02 k (k = 1..49) with the best mean IoU on a set: the baseline's
 * training. One pass over the pixels: per image, how many item and background pixels lie above
 * each threshold (a histogram, summed from the top), from which each threshold's IoU follows.
 */
export function bestThreshold(set: SegSet): { t: number; iou: number } {
  const K = 49;
  const P = set.size * set.size;
  const total = new Float64Array(K + 1);
  const fgAbove = new Float64Array(K + 2);
  const bgAbove = new Float64Array(K + 2);
  for (let k = 0; k < set.n; k++) {
    fgAbove.fill(0);
    bgAbove.fill(0);
    let fg = 0;
    for (let i = k * P; i < (k + 1) * P; i++) {
      // pixel v is above threshold 0.02 j exactly for j < v / 0.02, i.e. j <= b with b = ceil(v / 0.02) - 1
      const b = Math.min(K, Math.ceil(set.x[i]! / 0.02) - 1);
      if (set.y[i]! > 0.5) {
        fg++;
        if (b >= 1) fgAbove[b]++;
      } else if (b >= 1) bgAbove[b]++;
    }
    let tp = 0;
    let fp = 0;
    for (let j = K; j >= 1; j--) {
      tp += fgAbove[j]!;
      fp += bgAbove[j]!;
      const uni = fg + fp;
      total[j] += uni === 0 ? 1 : tp / uni;
    }
  }
  let best = { t: 0.5, iou: -1 };
  for (let j = 1; j <= K; j++) if (total[j]! / set.n > best.iou) best = { t: +(0.02 * j).toFixed(2), iou: total[j]! / set.n };
  return best;
}
