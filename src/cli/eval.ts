/** `nabla eval`: evaluates a trained run (its config.json + model.safetensors) on its test set. */
import fs from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { setBackend } from '../backend/registry.js';
import { DataLoader } from '../data/dataloader.js';
import { CrossEntropyLoss } from '../nn/loss.js';
import { load } from '../io/safetensors-file.js';
import { evaluate, type BatchSource } from '../train/fit.js';
import { asLayout, datasetRecipe, modelRecipe } from '../train/recipes.js';
import { confusionMatrix } from '../report/metrics.js';
import { type FlagSpec, helpText, parseFlags, UsageError } from './args.js';

const FLAGS: Record<string, FlagSpec> = {
  weights: { type: 'string', help: 'a .safetensors file (default: <run>/model.safetensors)' },
  model: { type: 'string', help: 'model recipe (default: from <run>/config.json)' },
  dataset: { type: 'string', help: 'dataset (default: from <run>/config.json)' },
  'data-dir': { type: 'string', help: 'directory of the Fashion-MNIST IDX files' },
  backend: { type: 'string', help: 'ts or native' },
};

export async function evalCommand(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('eval', argv, FLAGS);
  if (v['help']) {
    process.stdout.write(helpText('eval <run-dir>', 'Evaluate a trained model on its dataset\'s test set: loss, accuracy and the confusion matrix.', FLAGS, ['nabla eval runs/mlp-mnist']));
    return 0;
  }
  const runDir = positionals[0];
  let config: { model?: string; dataset?: string } = {};
  if (runDir !== undefined) {
    const cfgPath = path.join(runDir, 'config.json');
    if (!fs.existsSync(cfgPath)) throw new UsageError(`nabla eval: ${runDir} has no config.json; is it a run directory written by 'nabla train'?`);
    config = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as typeof config;
  }
  const modelName = typeof v['model'] === 'string' ? v['model'] : config.model;
  const datasetName = typeof v['dataset'] === 'string' ? v['dataset'] : config.dataset;
  if (!modelName || !datasetName) throw new UsageError('nabla eval: give a run directory, or --model, --dataset and --weights');
  const weights = typeof v['weights'] === 'string' ? v['weights'] : runDir !== undefined ? path.join(runDir, 'model.safetensors') : undefined;
  if (weights === undefined) throw new UsageError('nabla eval: --weights is required without a run directory');
  if (typeof v['backend'] === 'string') setBackend(v['backend']);
  const recipe = modelRecipe(modelName);
  const ds = datasetRecipe(datasetName);
  const net = recipe.build();
  net.loadStateDict(load(weights));
  const test = asLayout(ds.load(typeof v['data-dir'] === 'string' ? { dataDir: v['data-dir'] } : {}).test, recipe.input, ds.side);
  const criterion = new CrossEntropyLoss();
  const ev = evaluate(net, new DataLoader(test, { batchSize: 1000 }) as unknown as BatchSource, (o: Tensor, y: Tensor) => criterion.forward(o, y), { collect: true });
  if (ev.accuracy === undefined || !ev.predictions || !ev.targets) throw new NablaError('nabla eval: the model does not produce class scores');
  const m = confusionMatrix(ev.predictions, ev.targets, ds.classes.length);
  const w = Math.max(5, ...m.flat().map((c) => String(c).length + 1));
  const lines = [`${modelName} on ${datasetName} test set (${test.length} samples): accuracy ${(100 * ev.accuracy).toFixed(2)}%, loss ${ev.loss.toFixed(4)}`, '', 'confusion matrix (rows: true class, columns: predicted):'];
  const label = (s: string) => s.slice(0, 11).padEnd(12);
  lines.push(label('') + ds.classes.map((_, j) => String(j).padStart(w)).join(''));
  m.forEach((row, i) => lines.push(label(`${i} ${ds.classes[i]}`) + row.map((c) => String(c).padStart(w)).join('')));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
