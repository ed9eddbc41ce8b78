/**
 * `nabla train`: trains a recipe model on a dataset, with a progress bar, and writes
 * runs/<name>/: config.json, metrics.jsonl, checkpoint.safetensors (resumable), model.safetensors
 * (final weights) and report.html (curves, confusion matrix, misclassified samples, and for
 * convolutional models the learned filters and feature maps).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tensor } from '../core/tensor.js';
import { manualSeed } from '../core/rng.js';
import { noGrad } from '../core/autograd.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { DataLoader } from '../data/dataloader.js';
import type { TensorDataset } from '../data/dataset.js';
import { CrossEntropyLoss } from '../nn/loss.js';
import { Adam } from '../optim/adam.js';
import { CosineAnnealingLR } from '../optim/scheduler.js';
import { save } from '../io/safetensors-file.js';
import { writeFileAtomic } from '../io/atomic.js';
import { fit, evaluate, type BatchSource } from '../train/fit.js';
import { asLayout, DATASETS, MODELS, datasetRecipe, modelRecipe } from '../train/recipes.js';
import { confusionMatrix } from '../report/metrics.js';
import { writeTrainingReport, type MisclassifiedSample } from '../report/training-report.js';
import { cnnSections } from './cnn-report.js';
import { type FlagSpec, helpText, matchName, numberFlag, parseFlags, UsageError } from './args.js';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', help: `model recipe: ${Object.keys(MODELS).join(', ')}`, default: 'mlp' },
  dataset: { type: 'string', help: `dataset: ${Object.keys(DATASETS).join(', ')}`, default: 'mnist' },
  epochs: { type: 'string', help: 'passes over the training set (default: the recipe\'s)' },
  lr: { type: 'string', help: 'Adam learning rate (default: the recipe\'s)' },
  'batch-size': { type: 'string', help: 'mini-batch size (default: the recipe\'s)' },
  'weight-decay': { type: 'string', help: 'L2 regularisation strength lambda (adds lambda*W to the gradient)', default: '0' },
  scheduler: { type: 'string', help: 'learning-rate schedule: none, or cosine (CosineAnnealingLR to 0 over the epochs)', default: 'none' },
  seed: { type: 'string', help: 'seed for initialisation and shuffling', default: '0' },
  out: { type: 'string', help: 'run directory (default runs/<model>-<dataset>)' },
  resume: { type: 'boolean', help: 'continue from the run directory\'s checkpoint', default: false },
  backend: { type: 'string', help: 'ts or native (default: the fastest that loaded)' },
  'data-dir': { type: 'string', help: 'directory of the Fashion-MNIST IDX files' },
  'train-size': { type: 'string', help: 'use only the first N training samples (quick runs)' },
  'weights-out': { type: 'string', help: 'also write the final weights to this .safetensors file, with the run\'s config and test accuracy as its metadata' },
  'no-report': { type: 'boolean', help: 'skip report.html', default: false },
  quiet: { type: 'boolean', help: 'no progress bar', default: false },
};

export async function trainCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parseFlags('train', argv, TRAIN_FLAGS);
  if (v['help']) {
    process.stdout.write(
      helpText('train', 'Train a model on a dataset and write a run directory with a checkpoint, metrics.jsonl and report.html.', TRAIN_FLAGS, [
        'nabla train                                   # MLP on the bundled MNIST digits',
        'nabla train --dataset fashion-mnist --model cnn --epochs 15',
        'nabla train --out runs/mine --resume          # continue an interrupted run',
        'nabla train --model small-cnn --backend ts --weights-out web/public/models/digit-cnn.safetensors',
      ]),
    );
    return 0;
  }
  const model = modelRecipe(matchName('train', 'model', String(v['model']), Object.keys(MODELS)));
  const dataset = datasetRecipe(matchName('train', 'dataset', String(v['dataset']), Object.keys(DATASETS)));
  const epochs = numberFlag('train', 'epochs', v['epochs'], { integer: true, positive: true }) ?? model.defaults.epochs;
  const lr = numberFlag('train', 'lr', v['lr'], { positive: true }) ?? model.defaults.lr;
  const batchSize = numberFlag('train', 'batch-size', v['batch-size'], { integer: true, positive: true }) ?? model.defaults.batchSize;
  const weightDecay = numberFlag('train', 'weight-decay', v['weight-decay'], { min: 0 }) ?? 0;
  const seed = numberFlag('train', 'seed', v['seed'], { integer: true }) ?? 0;
  const trainSize = numberFlag('train', 'train-size', v['train-size'], { integer: true, positive: true });
  if (typeof v['backend'] === 'string') setBackend(matchName('train', 'backend', v['backend'], ['ts', 'native', 'wasm']));
  const outDir = typeof v['out'] === 'string' ? v['out'] : path.join('runs', `${model.name}-${dataset.name}`);
  if (v['resume'] === true && !fs.existsSync(path.join(outDir, 'checkpoint.safetensors'))) {
    throw new UsageError(`nabla train: --resume: nothing to resume in ${outDir} (${fs.existsSync(outDir) ? 'it has no checkpoint.safetensors' : 'no such directory'}); run without --resume to start a new run`);
  }
  const weightsOut = typeof v['weights-out'] === 'string' ? v['weights-out'] : undefined;
  if (weightsOut !== undefined && !weightsOut.endsWith('.safetensors')) {
    throw new UsageError(`nabla train: --weights-out must name a .safetensors file, got '${weightsOut}'`);
  }

  manualSeed(seed);
  const loaded = dataset.load(typeof v['data-dir'] === 'string' ? { dataDir: v['data-dir'] } : {});
  let trainDs = asLayout(loaded.train, model.input, dataset.side);
  const testDs = asLayout(loaded.test, model.input, dataset.side);
  if (trainSize !== undefined && trainSize < trainDs.length) {
    const [x, y] = trainDs.tensors as [Tensor, Tensor];
    trainDs = new (trainDs.constructor as typeof TensorDataset)(x.narrow(0, 0, trainSize), y.narrow(0, 0, trainSize));
  }
  const trainLoader = new DataLoader(trainDs, { batchSize, shuffle: true, seed }) as unknown as BatchSource;
  const testLoader = new DataLoader(testDs, { batchSize: 1000 }) as unknown as BatchSource;
  const net = model.build();
  const criterion = new CrossEntropyLoss();
  const optimizer = new Adam(net.parameters(), { lr, weightDecay });
  const schedName = matchName('train', 'scheduler', String(v['scheduler']), ['none', 'cosine']);
  const scheduler = schedName === 'cosine' && epochs > 0 ? new CosineAnnealingLR(optimizer, { tMax: epochs, etaMin: 0 }) : undefined;
  const lossFn = (out: Tensor, y: Tensor): Tensor => criterion.forward(out, y);
  const config = {
    model: model.name,
    dataset: dataset.name,
    epochs,
    lr,
    batchSize,
    weightDecay,
    scheduler: schedName,
    seed,
    backend: getBackend(),
    trainSamples: trainDs.length,
    testSamples: testDs.length,
    parameters: net.numParameters(),
  };
  const log = (s: string): void => void process.stderr.write(s + '\n');
  log(`nabla train: ${model.description} on ${dataset.name} (${trainDs.length} train / ${testDs.length} test), backend ${getBackend()}, ${epochs} epochs, Adam lr ${lr}, batch ${batchSize}, seed ${seed}`);
  log(net.toString());

  const result = fit({
    model: net,
    loss: lossFn,
    optimizer,
    ...(scheduler ? { scheduler } : {}),
    train: trainLoader,
    test: testLoader,
    epochs,
    outDir,
    resume: v['resume'] === true,
    progress: v['quiet'] !== true,
    log,
    // written once the run has started (locked, checkpoint applied): a refused or failed resume changes nothing
    onStart: () => writeFileAtomic(path.join(outDir, 'config.json'), new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n')),
  });
  save(net.stateDict(), path.join(outDir, 'model.safetensors'));

  const ev = evaluate(net, testLoader, lossFn, { collect: true });
  const summary = {
    ...config,
    testAccuracy: ev.accuracy,
    testLoss: ev.loss,
    trainSeconds: Number(result.trainSeconds.toFixed(2)),
    secondsPerEpoch: result.history.length > 0 ? Number((result.history.reduce((s, h) => s + h.seconds, 0) / result.history.length).toFixed(2)) : 0,
  };
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (weightsOut !== undefined) {
    fs.mkdirSync(path.dirname(weightsOut), { recursive: true });
    const metadata: Record<string, string> = { format: 'pt' };
    for (const [k, val] of Object.entries({ ...config, testAccuracy: ev.accuracy, testLoss: ev.loss })) if (val !== undefined) metadata[k] = String(val);
    save(net.stateDict(), weightsOut, { metadata });
    log(`weights: ${weightsOut}`);
  }

  if (v['no-report'] !== true && ev.predictions && ev.targets) {
    const matrix = confusionMatrix(ev.predictions, ev.targets, dataset.classes.length);
    const [xTest] = testDs.tensors as [Tensor, Tensor];
    const pixelsPer = dataset.side * dataset.side;
    const flat = xTest.reshape([xTest.shape[0]!, pixelsPer]);
    const mis: MisclassifiedSample[] = [];
    for (let i = 0; i < ev.predictions.length && mis.length < 32; i++) {
      if (ev.predictions[i] !== ev.targets[i]) {
        mis.push({
          pixels: flat.select(0, i).data(),
          width: dataset.side,
          height: dataset.side,
          trueLabel: dataset.classes[ev.targets[i]!]!,
          predLabel: dataset.classes[ev.predictions[i]!]!,
          prob: ev.confidence![i]!,
        });
      }
    }
    const extra = model.input === 'image' ? noGrad(() => cnnSections(net, xTest.narrow(0, 0, 1))) : [];
    const reportPath = path.join(outDir, 'report.html');
    await writeTrainingReport(reportPath, {
      runName: path.basename(outDir),
      config,
      history: result.history.map((h) => ({ ...h, time: h.seconds })),
      confusion: { matrix, labels: [...dataset.classes] },
      misclassified: mis,
      extraSections: extra,
    });
    log(`report: ${reportPath}`);
  }
  const acc = ev.accuracy === undefined ? 'n/a' : `${(100 * ev.accuracy).toFixed(2)}%`;
  process.stdout.write(
    `test accuracy ${acc}  test loss ${ev.loss.toFixed(4)}  train time ${result.trainSeconds.toFixed(1)} s (${summary.secondsPerEpoch} s/epoch)  run: ${outDir}\n`,
  );
  return 0;
}
