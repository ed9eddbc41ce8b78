/**
 * A grid-cell detector in the style of a tiny YOLO: a small CNN turns the 48x48 canvas into a
 * 6x6 grid (one cell per 8x8 pixels); each cell predicts 15 numbers:
 *   o          objectness logit: does a box centre fall in this cell?
 *   c_0..c_9   class logits of that digit
 *   t_x, t_y   centre within the cell: (col + sigmoid(t_x)) * 8, (row + sigmoid(t_y)) * 8
 *   t_w, t_h   size: 24 exp(t_w), 24 exp(t_h) pixels
 * Loss per canvas: binary cross-entropy of o on every cell, cross-entropy of the class and squared
 * error of (sigmoid t_x, sigmoid t_y, t_w, t_h) on the cells that hold a centre.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { type Box, CELL, GRID, SIZE, boxIoU } from './data.js';

const { nn } = nb;
export const OUT = 15;

function cbr(cin: number, cout: number): nb.Module[] {
  return [new nn.Conv2d(cin, cout, 3, { padding: 1 }), new nn.BatchNorm2d(cout), new nn.ReLU()];
}

export function makeDetector(width = 16): nb.nn.Sequential {
  const c = width;
  const head = new nn.Conv2d(4 * c, OUT, 1);
  // start the objectness at the prior P(centre in a cell) ~ 3/36, so the first steps are not
  // spent learning that most cells are empty
  nb.noGrad(() => head.bias!.narrow(0, 0, 1).fill_(Math.log(3 / 33)));
  return new nn.Sequential(
    ...cbr(1, c), new nn.MaxPool2d(2),
    ...cbr(c, 2 * c), new nn.MaxPool2d(2),
    ...cbr(2 * c, 4 * c), new nn.MaxPool2d(2),
    ...cbr(4 * c, 4 * c),
    ...cbr(4 * c, 4 * c),
    head,
  );
}

export interface Targets {
  obj: Tensor;
  cls: Tensor;
  box: Tensor;
  mask: Tensor;
  positives: number;
}

/** Training targets of a batch of canvases' boxes: obj [N,1,G,G], cls int32 [N*G*G] (-100 = no object), box and mask [N,4,G,G]. */
export function targets(boxes: readonly Box[][]): Targets {
  const n = boxes.length;
  const G2 = GRID * GRID;
  const obj = new Float32Array(n * G2);
  const cls = new Int32Array(n * G2).fill(-100);
  const box = new Float32Array(n * 4 * G2);
  const mask = new Float32Array(n * 4 * G2);
  let positives = 0;
  boxes.forEach((bs, k) => {
    for (const b of bs) {
      const cx = (b.x0 + b.x1) / 2;
      const cy = (b.y0 + b.y1) / 2;
      const col = Math.min(GRID - 1, Math.floor(cx / CELL));
      const row = Math.min(GRID - 1, Math.floor(cy / CELL));
      const cell = row * GRID + col;
      obj[k * G2 + cell] = 1;
      cls[k * G2 + cell] = b.cls;
      const v = [cx / CELL - col, cy / CELL - row, Math.log((b.x1 - b.x0) / 24), Math.log((b.y1 - b.y0) / 24)];
      for (let j = 0; j < 4; j++) {
        box[(k * 4 + j) * G2 + cell] = v[j]!;
        mask[(k * 4 + j) * G2 + cell] = 1;
      }
      positives++;
    }
  });
  return {
    obj: nb.tensor(obj, { shape: [n, 1, GRID, GRID] }),
    cls: nb.tensor(cls, { shape: [n * G2], dtype: 'int32' }),
    box: nb.tensor(box, { shape: [n, 4, GRID, GRID] }),
    mask: nb.tensor(mask, { shape: [n, 4, GRID, GRID] }),
    positives,
  };
}

const bce = new nn.BCEWithLogitsLoss({ reduction: 'sum' });
const ce = new nn.CrossEntropyLoss({ reduction: 'sum' });

/** The detector's loss on out [N, 15, G, G], summed over cells and averaged over canvases. */
export function detectionLoss(out: Tensor, t: Targets): Tensor {
  const n = out.shape[0]!;
  const obj = out.narrow(1, 0, 1);
  const clsLogits = out.narrow(1, 1, 10).permute([0, 2, 3, 1]).reshape([n * GRID * GRID, 10]);
  const xy = out.narrow(1, 11, 2).sigmoid();
  const wh = out.narrow(1, 13, 2);
  const boxPred = nb.cat([xy, wh], 1);
  const boxErr = boxPred.sub(t.box).square().mul(t.mask).sum().mul(5);
  const lossObj = bce.forward(obj, t.obj);
  const lossCls = t.positives > 0 ? ce.forward(clsLogits, t.cls) : nb.zeros([]);
  return lossObj.add(lossCls).add(boxErr).div(n);
}

/** Boxes from one canvas's output [15, G, G] (flat), score = P(object) x P(class), then non-maximum suppression per class. */
export function decode(out: ArrayLike<number>, off: number, minScore = 0.05): Box[] {
  const G2 = GRID * GRID;
  const at = (ch: number, cell: number) => out[off + ch * G2 + cell]!;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const cands: Box[] = [];
  for (let cell = 0; cell < G2; cell++) {
    const pObj = sig(at(0, cell));
    if (pObj < minScore) continue;
    let m = -Infinity;
    for (let c = 0; c < 10; c++) m = Math.max(m, at(1 + c, cell));
    let z = 0;
    for (let c = 0; c < 10; c++) z += Math.exp(at(1 + c, cell) - m);
    const row = Math.floor(cell / GRID);
    const col = cell % GRID;
    const cx = (col + sig(at(11, cell))) * CELL;
    const cy = (row + sig(at(12, cell))) * CELL;
    const w = 24 * Math.exp(at(13, cell));
    const h = 24 * Math.exp(at(14, cell));
    // every class with a useful score: a cell can be unsure between two digits
    for (let c = 0; c < 10; c++) {
      const score = (pObj * Math.exp(at(1 + c, cell) - m)) / z;
      if (score >= minScore) cands.push({ x0: Math.max(0, cx - w / 2), y0: Math.max(0, cy - h / 2), x1: Math.min(SIZE, cx + w / 2), y1: Math.min(SIZE, cy + h / 2), cls: c, score });
    }
  }
  cands.sort((a, b) => b.score! - a.score!);
  const keep: Box[] = [];
  for (const b of cands) if (!keep.some((k) => k.cls === b.cls && boxIoU(k, b) > 0.5)) keep.push(b);
  return keep;
}
