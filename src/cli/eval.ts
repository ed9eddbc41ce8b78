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
import { DATASETS, MODELS, asLayout, datasetRecipe, modelRecipe } from '../train/recipes.js';
import { shapesEqual } from '../core/shape.js';
import { confusionMatrix } from '../report/metrics.js';
import { type FlagSpec, helpText, matchName, parseFlags, UsageError } from './args.js';

const FLAGS: Record<string, FlagSpec> = {
  weights: { type: 'string', help: 'a .safetensors file (default: <run>/model.safetensors, or the file given as the argument)' },
  model: { type: 'string', help: `model recipe: ${Object.keys(MODELS).join(', ')} (default: from config.json, or recognised from the weights)` },
  dataset: { type: 'string', help: `dataset: ${Object.keys(DATASETS).join(', ')} (default: from config.json)` },
  'data-dir': { type: 'string', help: 'directory of the Fashion-MNIST IDX files' },
  backend: { type: 'string', help: 'ts or native' },
};

export async function evalCommand(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('eval', argv, FLAGS, { positionals: { max: 1, name: 'run directory or .safetensors file' } });
  if (v['help']) {
    process.stdout.write(
      helpText(
        'eval <run-dir | weights.safetensors>',
        'Evaluate a trained model on its dataset\'s test set: loss, accuracy and the confusion matrix.\n' +
          'Give a run directory (its config.json names the model and dataset), or a .safetensors file: the model\n' +
          'is then read from a config.json beside it, or recognised from the weights, and the dataset from\n' +
          'config.json or --dataset.',
        FLAGS,
        ['nabla eval runs/mlp-mnist', 'nabla eval runs/cnn-fashion-mnist/model.safetensors', 'nabla eval weights.safetensors --dataset fashion-mnist'],
      ),
    );
    return 0;
  }
  const target = positionals[0];
  let runDir: string | undefined;
  let weights = typeof v['weights'] === 'string' ? v['weights'] : undefined;
  if (target !== undefined) {
    if (!fs.existsSync(target)) throw new UsageError(`nabla eval: ${target} does not exist; give a run directory written by 'nabla train' or a .safetensors file`);
    if (fs.statSync(target).isDirectory()) runDir = target;
    else {
      if (weights !== undefined) throw new UsageError(`nabla eval: give the weights either as the argument (${target}) or with --weights, not both`);
      weights = target;
      runDir = path.dirname(target);
    }
  }
  let config: { model?: string; dataset?: string } = {};
  const cfgPath = runDir === undefined ? undefined : path.join(runDir, 'config.json');
  if (cfgPath !== undefined && fs.existsSync(cfgPath)) {
    try {
      config = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as typeof config;
    } catch (e) {
      throw new UsageError(`nabla eval: cannot read ${cfgPath}: ${(e as Error).message}`);
    }
  } else if (target !== undefined && weights === undefined) {
    throw new UsageError(`nabla eval: ${target} has no config.json; is it a run directory written by 'nabla train'? (or give a .safetensors file)`);
  }
  if (weights === undefined) {
    if (runDir === undefined) throw new UsageError('nabla eval: give a run directory or a .safetensors file (see nabla eval --help)');
    weights = path.join(runDir, 'model.safetensors');
  }
  if (typeof v['backend'] === 'string') setBackend(matchName('eval', 'backend', v['backend'], ['ts', 'native', 'wasm']));
  const state = load(weights);
  const modelName = typeof v['model'] === 'string' ? matchName('eval', 'model', v['model'], Object.keys(MODELS)) : config.model ?? recogniseModel(state, weights);
  const datasetName = typeof v['dataset'] === 'string' ? matchName('eval', 'dataset', v['dataset'], Object.keys(DATASETS)) : config.dataset;
  if (datasetName === undefined) {
    throw new UsageError(`nabla eval: which dataset? ${weights} has no config.json beside it; add --dataset ${Object.keys(DATASETS).join(' or --dataset ')}`);
  }
  const recipe = modelRecipe(modelName);
  const ds = datasetRecipe(datasetName);
  const net = recipe.build();
  net.loadStateDict(state);
  const test = asLayout(ds.load(typeof v['data-dir'] === 'string' ? { dataDir: v['data-dir'] } : {}).test, recipe.input, ds.side);
  const criterion = new CrossEntropyLoss();
  const ev = evaluate(net, new DataLoader(test, { batchSize: 1000 }) as unknown as BatchSource, (o: Tensor, y: Tensor) => criterion.forward(o, y), { collect: true });
  if (ev.accuracy === undefined || !ev.predictions || !ev.targets) throw new NablaError('nabla eval: the model does not produce class scores');
  const m = confusionMatrix(ev.predictions, ev.targets, ds.classes.length);
  const lines = [`${modelName} on ${datasetName} test set (${test.length} samples): accuracy ${(100 * ev.accuracy).toFixed(2)}%, loss ${ev.loss.toFixed(4)}`, ''];
  lines.push(...confusionLines(m, ds.classes));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** The model recipe whose parameters have exactly the names and shapes of the file's tensors. */
function recogniseModel(state: Record<string, Tensor>, file: string): string {
  for (const [name, recipe] of Object.entries(MODELS)) {
    const want = recipe.build().stateDict();
    const keys = Object.keys(want);
    if (keys.length === Object.keys(state).length && keys.every((k) => state[k] !== undefined && shapesEqual(state[k]!.shape, want[k]!.shape))) return name;
  }
  throw new UsageError(`nabla eval: the tensors in ${file} match none of the models (${Object.keys(MODELS).join(', ')}); pass --model`);
}

/** The confusion matrix as text, with every class label printed whole. */
export function confusionLines(m: readonly (readonly number[])[], classes: readonly string[]): string[] {
  const w = Math.max(5, ...m.flat().map((c) => String(c).length + 1), String(classes.length - 1).length + 1);
  const labels = classes.map((c, i) => `${i} ${c}`);
  const lw = Math.max(...labels.map((l) => l.length)) + 1;
  const lines = ['confusion matrix (rows: true class, columns: predicted):'];
  lines.push(''.padEnd(lw) + classes.map((_, j) => String(j).padStart(w)).join(''));
  m.forEach((row, i) => lines.push(labels[i]!.padEnd(lw) + row.map((c) => String(c).padStart(w)).join('')));
  return lines;
}
