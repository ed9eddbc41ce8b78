/**
 * Detection example: the grid-cell detector (model.ts) finds and reads the digits on cluttered
 * canvases (data.ts). Reported: mAP@0.5 over the ten digit classes on canvases of held-out digits,
 * and class-agnostic AP@0.5 beside the classical baseline (connected components of the
 * thresholded canvas, which cannot name the digit). Writes report.html (boxes drawn: truth,
 * detector, baseline) and metrics.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { COLORS, Picture, pictureGrid, secondsSince } from '../shared/picture.js';
import { type Box, type DetSet, GRID, SIZE, averagePrecision, componentBoxes, loadDigits, makeCanvases, meanAP } from './data.js';
import { OUT, decode, detectionLoss, makeDetector, targets } from './model.js';

export interface DetectionOptions {
  quick?: boolean;
  epochs?: number;
  train?: number;
  test?: number;
  width?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  outDir?: string;
  log?: (line: string) => void;
}

export interface DetectionResult {
  mAP: number;
  apAgnostic: number;
  baselineAP: number;
  seconds: number;
  epochs: number;
  train: number;
  test: number;
  history: { epoch: number; loss: number; mAP: number }[];
}

function detectAll(model: nb.nn.Sequential, set: DetSet): Box[][] {
  model.eval();
  const P = SIZE * SIZE;
  const res: Box[][] = [];
  nb.noGrad(() => {
    for (let i = 0; i < set.n; i += 128) {
      const m = Math.min(128, set.n - i);
      const out = model.forward(nb.tensor(set.x.subarray(i * P, (i + m) * P), { shape: [m, 1, SIZE, SIZE] })).data();
      for (let j = 0; j < m; j++) res.push(decode(out, j * OUT * GRID * GRID));
    }
  });
  model.train();
  return res;
}

export async function runDetection(o: DetectionOptions = {}): Promise<DetectionResult> {
  const quick = o.quick ?? false;
  const nTrain = o.train ?? (quick ? 1000 : 8000);
  const nTest = o.test ?? (quick ? 300 : 2000);
  const epochs = o.epochs ?? (quick ? 5 : 10);
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/detection-quick' : 'runs/detection');
  nb.manualSeed(seed);
  const t0 = performance.now();
  const trainSet = makeCanvases(loadDigits('train'), nTrain, seed + 1);
  const testSet = makeCanvases(loadDigits('test'), nTest, seed + 2);
  const P = SIZE * SIZE;
  const baseBoxes = Array.from({ length: nTest }, (_, k) => componentBoxes(testSet.x.subarray(k * P, (k + 1) * P)));
  const baselineAP = averagePrecision(baseBoxes, testSet.boxes, null);
  log(`detection: ${nTrain} train / ${nTest} test canvases; connected-components baseline: class-agnostic AP@0.5 ${baselineAP.toFixed(3)}`);

  const model = makeDetector(o.width ?? 16);
  const opt = new nb.optim.Adam(model.parameters(), { lr: o.lr ?? 3e-3 });
  // the learning rate anneals to 0 over a full run; a quick run is too short for that to help
  const sched = quick ? null : new nb.optim.CosineAnnealingLR(opt, { tMax: epochs });
  const bs = o.batchSize ?? 32;
  const history: DetectionResult['history'] = [];
  const rngOrder = new nb.Generator(seed);
  for (let e = 1; e <= epochs; e++) {
    const perm = nb.randperm(nTrain, { generator: rngOrder }).data();
    let sum = 0;
    let count = 0;
    for (let i = 0; i + bs <= nTrain; i += bs) {
      const idx = Array.from(perm.subarray(i, i + bs));
      const xb = new Float32Array(bs * P);
      idx.forEach((k, j) => xb.set(trainSet.x.subarray(k * P, (k + 1) * P), j * P));
      const out = model.forward(nb.tensor(xb, { shape: [bs, 1, SIZE, SIZE] })) as Tensor;
      const loss = detectionLoss(out, targets(idx.map((k) => trainSet.boxes[k]!)));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      sum += loss.item();
      count++;
    }
    sched?.step();
    const mAP = meanAP(detectAll(model, testSet), testSet.boxes);
    history.push({ epoch: e, loss: sum / count, mAP });
    log(`epoch ${e}/${epochs}: train loss ${(sum / count).toFixed(3)}, test mAP@0.5 ${mAP.toFixed(3)} (${secondsSince(t0).toFixed(1)} s)`);
  }
  const pred = detectAll(model, testSet);
  const result: DetectionResult = {
    mAP: meanAP(pred, testSet.boxes), apAgnostic: averagePrecision(pred, testSet.boxes, null), baselineAP,
    seconds: secondsSince(t0), epochs, train: nTrain, test: nTest, history,
  };
  const perClass = Array.from({ length: 10 }, (_, c) => averagePrecision(pred, testSet.boxes, c));

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, perClassAP: perClass, seed, backend: nb.getBackend() }, null, 1) + '\n');
  const shown = Array.from({ length: 12 }, (_, k) => k);
  const pics = shown.flatMap((k) => {
    const img = testSet.x.subarray(k * P, (k + 1) * P);
    const det = Picture.gray(img, SIZE, SIZE, 3);
    for (const b of testSet.boxes[k]!) det.box(b.x0, b.y0, b.x1, b.y1, COLORS.green, 1, true);
    const confident = pred[k]!.filter((b) => b.score! >= 0.5);
    for (const b of confident) det.box(b.x0, b.y0, b.x1, b.y1, COLORS.red, 2);
    const base = Picture.gray(img, SIZE, SIZE, 3);
    for (const b of baseBoxes[k]!) base.box(b.x0, b.y0, b.x1, b.y1, COLORS.blue, 2);
    return [
      { picture: det, caption: `read: ${confident.map((b) => b.cls).join(' ') || '-'} (true ${testSet.boxes[k]!.map((b) => b.cls).join(' ')})` },
      { picture: base, caption: `components: ${baseBoxes[k]!.length} boxes` },
    ];
  });
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Detection: finding and reading digits on cluttered canvases',
    subtitle: `Real MNIST digits (shipped with nabla; test canvases use held-out digits), rescaled to 12-28 px, 2-4 per 48x48 canvas with pen scribbles and speckle`,
    summary: {
      backend: nb.getBackend(), 'train canvases': nTrain, 'test canvases': nTest, epochs, parameters: model.parameters().reduce((s, p) => s + p.size, 0),
      'mAP@0.5 (10 classes)': result.mAP.toFixed(3), 'class-agnostic AP@0.5, detector': result.apAgnostic.toFixed(3),
      'class-agnostic AP@0.5, connected components': baselineAP.toFixed(3), 'time (s)': result.seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Boxes on held-out canvases',
        text: 'Left of each pair: true boxes dashed green, the detector\u2019s boxes with score >= 0.5 in red, its reading in the caption. Right: the connected-components baseline in blue (scribbles become boxes, touching digits merge, broken strokes split).',
        html: pictureGrid(pics, 4),
      },
      {
        heading: 'Learning curve',
        svg: [
          await nb.report.lineChart({ series: [{ name: 'train loss', points: history.map((h) => ({ x: h.epoch, y: h.loss })) }], xTitle: 'epoch', yTitle: 'loss per canvas', logY: true }),
          await nb.report.lineChart({ series: [{ name: 'test mAP@0.5', points: history.map((h) => ({ x: h.epoch, y: h.mAP })) }], xTitle: 'epoch', yTitle: 'mAP@0.5', yDomain: [0, 1] }),
        ],
      },
      {
        heading: 'Average precision per digit (IoU >= 0.5)',
        svg: [await nb.report.barChart({ bars: perClass.map((v, c) => ({ x: c, y: v })), xTitle: 'digit', yTitle: 'AP@0.5' })],
      },
    ],
  });
  log(`detection: mAP@0.5 ${result.mAP.toFixed(3)}; class-agnostic AP@0.5 ${result.apAgnostic.toFixed(3)} vs connected components ${baselineAP.toFixed(3)}; ${result.seconds.toFixed(1)} s`);
  return result;
}
