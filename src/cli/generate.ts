/**
 * `nabla generate`: samples text from a character LSTM or GPT checkpoint directory
 * (model.safetensors + vocab.json, as written by examples/char-lstm/train.ts and
 * examples/char-gpt/train.ts) with a softmax temperature (the GPT with its key/value cache).
 */
import { setBackend } from '../backend/registry.js';
import { loadCharModel } from '../text/checkpoint.js';
import { sampleText } from '../text/sample.js';
import { type FlagSpec, helpText, matchName, numberFlag, parseFlags, UsageError } from './args.js';

const FLAGS: Record<string, FlagSpec> = {
  checkpoint: { type: 'string', short: 'c', help: 'directory holding model.safetensors and vocab.json' },
  temperature: { type: 'string', short: 't', help: 'softmax temperature tau: p_i ~ exp(z_i / tau); lower is safer, 0 is greedy', default: '0.8' },
  length: { type: 'string', short: 'n', help: 'characters to generate', default: '300' },
  prime: { type: 'string', short: 'p', help: 'text the model reads first and continues (default: a newline)' },
  seed: { type: 'string', help: 'sampler seed (same seed, same text)', default: '0' },
  backend: { type: 'string', help: 'ts or native' },
};

export async function generateCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parseFlags('generate', argv, FLAGS);
  if (v['help']) {
    process.stdout.write(helpText('generate', 'Sample text from a trained character LSTM or GPT.', FLAGS, [
      'nabla generate --checkpoint runs/char-lstm-en --temperature 0.8 --length 300 --prime "The "',
      'nabla generate --checkpoint runs/char-lstm-zh --prime "《春" --temperature 0.6',
    ]));
    return 0;
  }
  const dir = v['checkpoint'];
  if (typeof dir !== 'string') throw new UsageError('nabla generate: --checkpoint <dir> is required (a directory with model.safetensors and vocab.json; see nabla generate --help)');
  const temperature = numberFlag('generate', 'temperature', v['temperature'], { min: 0 })!;
  const length = numberFlag('generate', 'length', v['length'], { integer: true, min: 0 })!;
  const seed = numberFlag('generate', 'seed', v['seed'], { integer: true })!;
  if (typeof v['backend'] === 'string') setBackend(matchName('generate', 'backend', v['backend'], ['ts', 'native', 'wasm']));
  const { model, vocab } = loadCharModel(dir);
  const prime = typeof v['prime'] === 'string' ? v['prime'] : '';
  const text = sampleText(model, vocab, { prime, length, temperature, seed });
  process.stdout.write(prime + text + '\n');
  return 0;
}
