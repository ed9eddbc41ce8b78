/**
 * `npx nabla explain`: one training step of a small fully connected network, every number beside
 * the formula it came from. Without flags: the seed's worked example (2-2-1 sigmoid network,
 * x = [1, 2], y = 1, J = 1/2 (a - y)^2), with the seed's z(1) slip pointed out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { NablaError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { explain } from './explain.js';
import { DenseNet, SEED_EXAMPLE, type Activation, type LayerWeights } from './seed.js';
import type { LossName } from './losses.js';
import type { Verbosity } from './types.js';
import { closest } from '../cli/args.js';

export const EXPLAIN_HELP = `Usage: nabla explain [flags]

Narrates one training step (forward, loss, backward, update) of a small fully connected network,
recorded from nabla's autograd tape, in the seed's notation. Without flags: the seed's worked
example (W1 = [[0.1, 0.2], [0.3, 0.4]], b1 = [0.5, 0.6], W2 = [[0.7, 0.8]], b2 = [0.9], x = [1, 2], y = 1).

Flags:
  --loss <name>          half-mse (default): J = 1/2 ||a - y||^2, the seed's loss
                         mse: J = mean (a - y)^2 (PyTorch's MSELoss)
                         bce: binary cross-entropy
  --lr <alpha>           learning rate of the gradient-descent step (default 0.1)
  --weight-decay <l>     lambda of the L2 term (lambda/2) sum ||W||^2 added to J (default 0)
  --weights <file.json>  weights, input and target: {"layers": [{"W": [[..]], "b": [..]}, ..],
                         "x": [..], "y": [..], "activation": "sigmoid"} (or keys W1, b1, W2, b2, .., x, y);
                         x may be a batch [[..], [..]] with y to match
  --activation <name>    sigmoid (default), tanh, relu or identity, for every layer
  --dtype <d>            float64 (default) or float32
  --format <f>           text (default), markdown, json or html
  --verbosity <v>        brief, normal (default) or full (full also lists the op tape)
  --digits <n>           decimals shown (default 10 for float64, 6 for float32)
  --out <file>           write to a file instead of standard output
  -h, --help             this help
`;

interface Parsed {
  loss: LossName;
  lr: number;
  weightDecay: number;
  weights: string | null;
  activation: Activation | null;
  dtype: DType;
  format: 'text' | 'markdown' | 'json' | 'html';
  verbosity: Verbosity;
  digits: number | null;
  out: string | null;
  help: boolean;
}

class ExplainUsageError extends Error {}

const LOSS_FLAG: Record<string, LossName> = { 'half-mse': 'halfSquaredError', mse: 'mse', bce: 'bce' };

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (found === undefined) {
    const hint = closest(v, allowed);
    throw new ExplainUsageError(`nabla explain: ${flag} must be one of ${allowed.join(', ')}, got '${v}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
  return found;
}

function number(flag: string, v: string, min: number, strict: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (strict ? n <= min : n < min)) {
    throw new ExplainUsageError(`nabla explain: ${flag} needs a number ${strict ? '>' : '>='} ${min}, got '${v}'`);
  }
  return n;
}

export function parseExplainArgs(argv: readonly string[]): Parsed {
  const p: Parsed = { loss: 'halfSquaredError', lr: 0.1, weightDecay: 0, weights: null, activation: null, dtype: 'float64', format: 'text', verbosity: 'normal', digits: null, out: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      p.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ExplainUsageError(`nabla explain: unexpected argument '${arg}' (flags start with --; see nabla explain --help)`);
    const eq = arg.indexOf('=');
    const known = ['--loss', '--lr', '--weight-decay', '--weights', '--activation', '--dtype', '--format', '--verbosity', '--digits', '--out'];
    const given = eq >= 0 ? arg.slice(0, eq) : arg;
    const flag = known.find((k) => k === given.toLowerCase()) ?? given;
    if (!known.includes(flag)) {
      const hint = closest(given.slice(2), known.map((k) => k.slice(2)));
      throw new ExplainUsageError(`nabla explain: unknown flag '${given}'${hint ? ` (did you mean --${hint}?)` : ''}; flags: ${known.join(', ')}, --help`);
    }
    let v: string;
    if (eq >= 0) v = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && !/^--?\d/.test(next))) throw new ExplainUsageError(`nabla explain: ${flag} needs a value`);
      v = next;
      i++;
    }
    switch (flag) {
      case '--loss':
        p.loss = LOSS_FLAG[oneOf(flag, v, Object.keys(LOSS_FLAG))]!;
        break;
      case '--lr':
        p.lr = number(flag, v, 0, true);
        break;
      case '--weight-decay':
        p.weightDecay = number(flag, v, 0, false);
        break;
      case '--weights':
        p.weights = v;
        break;
      case '--activation':
        p.activation = oneOf(flag, v, ['sigmoid', 'tanh', 'relu', 'identity'] as const);
        break;
      case '--dtype':
        p.dtype = oneOf(flag, v, ['float64', 'float32'] as const);
        break;
      case '--format':
        p.format = oneOf(flag, v, ['text', 'markdown', 'json', 'html'] as const);
        break;
      case '--verbosity':
        p.verbosity = oneOf(flag, v, ['brief', 'normal', 'full'] as const);
        break;
      case '--digits': {
        const n = number(flag, v, 1, false);
        if (!Number.isInteger(n) || n > 17) throw new ExplainUsageError(`nabla explain: --digits needs an integer from 1 to 17, got '${v}'`);
        p.digits = n;
        break;
      }
      case '--out':
        p.out = v;
        break;
    }
  }
  return p;
}

interface WeightsFile {
  layers: LayerWeights[];
  x: number[] | number[][];
  y: number[] | number[][] | number;
  activation?: Activation;
}

/** Reads a weights file: {"layers": [{W, b}, ..], x, y} or {W1, b1, W2, b2, .., x, y}. */
export function readWeightsFile(path: string): WeightsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new NablaError(`--weights: cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object') throw new NablaError(`--weights: ${path} must hold a JSON object`);
  const o = raw as Record<string, unknown>;
  let layers: LayerWeights[];
  if (Array.isArray(o.layers)) layers = o.layers as LayerWeights[];
  else {
    layers = [];
    for (let l = 1; o[`W${l}`] !== undefined; l++) layers.push({ W: o[`W${l}`] as number[][], b: (o[`b${l}`] as number[] | undefined) ?? [] });
  }
  if (layers.length === 0) throw new NablaError(`--weights: ${path} has no layers; give "layers": [{"W": [[..]], "b": [..]}] or keys W1, b1, ...`);
  layers.forEach((l, i) => {
    if (!Array.isArray(l.W) || !Array.isArray(l.b)) throw new NablaError(`--weights: layer ${i + 1} in ${path} needs "W" (a list of rows) and "b" (a list)`);
  });
  if (o.x === undefined || o.y === undefined) throw new NablaError(`--weights: ${path} needs the input "x" and the target "y"`);
  const out: WeightsFile = { layers, x: o.x as number[], y: o.y as number[] };
  if (typeof o.activation === 'string') out.activation = o.activation as Activation;
  return out;
}

/** The `nabla explain` command; returns the exit code. */
export async function explainCommand(argv: readonly string[]): Promise<number> {
  let p: Parsed;
  try {
    p = parseExplainArgs(argv);
  } catch (e) {
    if (e instanceof ExplainUsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (p.help) {
    process.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  try {
    const spec: WeightsFile = p.weights === null ? { layers: SEED_EXAMPLE.layers, x: SEED_EXAMPLE.x, y: SEED_EXAMPLE.y } : readWeightsFile(p.weights);
    const activation = p.activation ?? spec.activation ?? 'sigmoid';
    if (!['sigmoid', 'tanh', 'relu', 'identity'].includes(activation)) throw new NablaError(`explain: activation must be sigmoid, tanh, relu or identity, got '${activation}'`);
    const model = new DenseNet(spec.layers, activation, p.dtype);
    const y = typeof spec.y === 'number' ? [spec.y] : spec.y;
    const ex = explain({ model, input: spec.x, target: y, loss: p.loss, lr: p.lr, weightDecay: p.weightDecay, verbosity: p.verbosity, ...(p.digits === null ? {} : { digits: p.digits }) });
    const text = p.format === 'json' ? JSON.stringify(ex.toJSON(), null, 1) + '\n' : p.format === 'markdown' ? ex.toMarkdown() : p.format === 'html' ? ex.toHTML() : ex.toText();
    if (p.out === null) process.stdout.write(text);
    else {
      writeFileSync(p.out, text);
      process.stdout.write(`nabla explain: wrote ${p.format} to ${p.out}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof NablaError) {
      process.stderr.write(`nabla explain: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
