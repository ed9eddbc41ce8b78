/**
 * Segmentation example: train the small U-Net (model.ts) on cluttered Fashion-MNIST canvases
 * (data.ts) with per-pixel binary cross-entropy, and compare its mean IoU on canvases built from
 * the held-out test items with the best global brightness threshold (chosen on the training
 * canvases). Writes report.html (predicted masks beside the truth and the baseline, learning
 * curves) and metrics.json to `outDir`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { COLORS, Picture, pictureGrid, secondsSince } from '../shared/picture.js';
import { type SegSet, bestThreshold, iou, loadItems, makeCanvases, meanIoU, thresholdMasks } from './data.js';
import { UNet } from './model.js';

export interface SegmentationOptions {
  quick?: boolean;
  epochs?: number;
  train?: number;
  test?: number;
  size?: number;
  width?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  outDir?: string;
  log?: (line: string) => void;
}

export interface SegmentationResult {
  meanIoU: number;
  baselineIoU: number;
  threshold: number;
  seconds: number;
  epochs: number;
  train: number;
  test: number;
  history: { epoch: number; loss: number; testIoU: number }[];
}

function predict(model: UNet, set: SegSet, batch = 128): Float32Array {
  model.eval();
  const P = set.size * set.size;
  const out = new Float32Array(set.n * P);
  nb.noGrad(() => {
    for (let i = 0; i < set.n; i += batch) {
      const m = Math.min(batch, set.n - i);
      const xb = nb.tensor(set.x.subarray(i * P, (i + m) * P), { shape: [m, 1, set.size, set.size] });
      const logits = model.forward(xb).data();
      for (let j = 0; j < m * P; j++) out[i * P + j] = logits[j]! > 0 ? 1 : 0;
    }
  });
  model.train();
  return out;
}

export async function runSegmentation(o: SegmentationOptions = {}): Promise<SegmentationResult> {
  const quick = o.quick ?? false;
  const size = o.size ?? 48;
  const nTrain = o.train ?? (quick ? 640 : 12000);
  const nTest = o.test ?? (quick ? 200 : 2000);
  const epochs = o.epochs ?? (quick ? 4 : 12);
  const width = o.width ?? 8;
  const lr = o.lr ?? 3e-3;
  const bs = o.batchSize ?? 32;
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/segmentation-quick' : 'runs/segmentation');
  nb.manualSeed(seed);

  const t0 = performance.now();
  const trainSet = makeCanvases(loadItems('train', quick ? 6000 : undefined), nTrain, size, seed + 1);
  const testSet = makeCanvases(loadItems('test'), nTest, size, seed + 2);
  const base = bestThreshold(trainSet);
  const P = size * size;
  const baseTest = meanIoU(thresholdMasks(testSet.x, base.t), testSet.y, testSet.n, P);
  log(`segmentation: ${nTrain} train / ${nTest} test canvases ${size}x${size}; threshold baseline t=${base.t}: test mean IoU ${baseTest.toFixed(3)}`);

  const model = new UNet(width);
  const opt = new nb.optim.Adam(model.parameters(), { lr });
  const sched = new nb.optim.CosineAnnealingLR(opt, { tMax: epochs });
  const bce = new nb.nn.BCEWithLogitsLoss();
  const ds = new nb.data.TensorDataset(
    nb.tensor(trainSet.x, { shape: [nTrain, 1, size, size] }),
    nb.tensor(trainSet.y, { shape: [nTrain, 1, size, size] }),
  );
  const loader = new nb.data.DataLoader(ds, { batchSize: bs, shuffle: true, seed });
  const history: SegmentationResult['history'] = [];
  const tTrain = performance.now();
  for (let e = 1; e <= epochs; e++) {
    let sum = 0;
    let count = 0;
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = bce.forward(model.forward(xb as Tensor), yb as Tensor);
      loss.backward();
      opt.step();
      sum += loss.item();
      count++;
    }
    sched.step();
    const testIoU = meanIoU(predict(model, testSet), testSet.y, testSet.n, P);
    history.push({ epoch: e, loss: sum / count, testIoU });
    log(`epoch ${e}/${epochs}: train BCE ${(sum / count).toFixed(4)}, test mean IoU ${testIoU.toFixed(3)} (${secondsSince(tTrain).toFixed(1)} s)`);
  }
  const seconds = secondsSince(t0);
  const pred = predict(model, testSet);
  const final = history[history.length - 1]!.testIoU;
  const result: SegmentationResult = {
    meanIoU: final, baselineIoU: baseTest, threshold: base.t, seconds, epochs, train: nTrain, test: nTest, history,
  };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, backend: nb.getBackend(), size, width, lr, batchSize: bs, seed }, null, 1) + '\n');
  const baseMasks = thresholdMasks(testSet.x, base.t);
  const shown = Array.from({ length: 8 }, (_, i) => i);
  const rows = shown.flatMap((k) => {
    const off = k * P;
    const canvas = testSet.x.subarray(off, off + P);
    const truth = testSet.y.subarray(off, off + P);
    const pm = pred.subarray(off, off + P);
    const bm = baseMasks.subarray(off, off + P);
    return [
      { picture: Picture.gray(canvas, size, size, 3), caption: `test canvas ${k + 1}` },
      { picture: Picture.gray(canvas, size, size, 3).overlay(truth, COLORS.green, 0.55), caption: 'true mask' },
      { picture: Picture.gray(canvas, size, size, 3).overlay(pm, COLORS.blue, 0.55), caption: `U-Net, IoU ${iou(pm, truth).toFixed(2)}` },
      { picture: Picture.gray(canvas, size, size, 3).overlay(bm, COLORS.red, 0.55), caption: `threshold, IoU ${iou(bm, truth).toFixed(2)}` },
    ];
  });
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Segmentation: a small U-Net on cluttered Fashion-MNIST canvases',
    subtitle: `Items from Fashion-MNIST (Debian dataset-fashion-mnist) pasted on ${size}x${size} canvases of random clutter; test canvases use the held-out test items`,
    summary: {
      backend: nb.getBackend(), 'train canvases': nTrain, 'test canvases': nTest, epochs, 'channels (first stage)': width,
      'parameters': model.parameters().reduce((s, p) => s + p.size, 0),
      'test mean IoU, U-Net': final.toFixed(3), [`test mean IoU, threshold ${base.t}`]: baseTest.toFixed(3), 'time (s)': seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Predicted masks on held-out canvases',
        text: 'Each row: the canvas, the true mask (green), the U-Net\u2019s mask (blue; logit > 0) and the brightness-threshold baseline (red). The clutter is as bright as the items, so a threshold cannot tell them apart; the network uses shape and texture.',
        html: pictureGrid(rows, 4),
      },
      {
        heading: 'Learning curves',
        svg: [
          await nb.report.lineChart({ series: [{ name: 'train BCE', points: history.map((h) => ({ x: h.epoch, y: h.loss })) }], xTitle: 'epoch', yTitle: 'per-pixel BCE', logY: true }),
          await nb.report.lineChart({
            series: [
              { name: 'U-Net', points: history.map((h) => ({ x: h.epoch, y: h.testIoU })) },
              { name: 'threshold baseline', points: history.map((h) => ({ x: h.epoch, y: baseTest })) },
            ],
            xTitle: 'epoch', yTitle: 'test mean IoU', yDomain: [0, 1],
          }),
        ],
      },
      {
        heading: 'Architecture',
        pre: model.toString(),
      },
    ],
  });
  log(`test mean IoU: U-Net ${final.toFixed(3)} vs threshold ${baseTest.toFixed(3)}; ${seconds.toFixed(1)} s on ${nb.getBackend()}; report ${join(outDir, 'report.html')}`);
  return result;
}
