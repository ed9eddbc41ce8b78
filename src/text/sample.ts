/**
 * Sampling text from a character model with a temperature:
 *   p_i = exp(z_i / tau) / sum_j exp(z_j / tau)
 * tau < 1 sharpens the distribution (safer, more repetitive text), tau > 1 flattens it; tau -> 0
 * is greedy (argmax). The prime is read through the model first, so the state carries its context.
 */
import { NablaError } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { Generator } from '../core/rng.js';
import { tensor } from '../ops/create.js';
import type { CharLSTM, LSTMState } from './char-model.js';
import { CharGPT } from './gpt.js';
import type { CharVocab } from './vocab.js';

export interface SampleOptions {
  /** text to start from (default: a newline) */
  prime?: string;
  /** characters to generate after the prime (default 300) */
  length?: number;
  /** softmax temperature tau > 0 (default 0.8); 0 means greedy */
  temperature?: number;
  /** RNG seed of the sampler (default 0) */
  seed?: number;
  /** never emit the UNK id (default true) */
  skipUnk?: boolean;
}

/** Draws index i with probability proportional to exp(logits[i] / tau) (argmax for tau = 0). */
export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: Generator, banned = -1): number {
  const n = logits.length;
  let best = -1;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (i !== banned && logits[i]! > max) { max = logits[i]!; best = i; }
  if (temperature === 0) return best;
  const w = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    w[i] = i === banned ? 0 : Math.exp((logits[i]! - max) / temperature);
    sum += w[i]!;
  }
  let u = rng.random() * sum;
  for (let i = 0; i < n; i++) {
    u -= w[i]!;
    if (u < 0) return i;
  }
  return best;
}

/**
 * Generates `length` characters after `prime` (returned without the prime). A CharGPT samples with
 * its key/value cache; when the context is full it starts again from the last half of it.
 */
export function sampleText(model: CharLSTM | CharGPT, vocab: CharVocab, opts: SampleOptions = {}): string {
  const temperature = opts.temperature ?? 0.8;
  const length = opts.length ?? 300;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new NablaError(`sampleText: temperature must be a number >= 0, got ${temperature}`);
  if (!Number.isInteger(length) || length < 0) throw new NablaError(`sampleText: length must be a non-negative integer, got ${length}`);
  if (vocab.size !== model.config.vocabSize) throw new NablaError(`sampleText: the vocabulary has ${vocab.size} ids but the model was built for ${model.config.vocabSize}; use the vocab.json saved with the checkpoint`);
  const prime = opts.prime === undefined || opts.prime === '' ? '\n' : opts.prime;
  const rng = new Generator(opts.seed ?? 0);
  const banned = opts.skipUnk === false ? -1 : vocab.unk;
  const wasTraining = model.training;
  model.eval();
  try {
    if (model instanceof CharGPT) return vocab.decode(sampleGpt(model, vocab.encode(prime), length, temperature, rng, banned));
    return noGrad(() => {
      const ids = vocab.encode(prime);
      let [logits, state] = model.forward(tensor(ids, { shape: [1, ids.length], dtype: 'int32' }));
      let last = logits.select(1, ids.length - 1).reshape([-1]).data();
      const out: number[] = [];
      for (let i = 0; i < length; i++) {
        const next = sampleLogits(last, temperature, rng, banned);
        out.push(next);
        const s: LSTMState = state;
        [logits, state] = model.forward(tensor(Int32Array.of(next), { shape: [1, 1], dtype: 'int32' }), s);
        last = logits.reshape([-1]).data();
      }
      return vocab.decode(out);
    });
  } finally {
    if (wasTraining) model.train();
  }
}

/** GPT sampling with the key/value cache: one position per new character. */
function sampleGpt(model: CharGPT, prime: Int32Array | number[], length: number, temperature: number, rng: Generator, banned: number): number[] {
  const ctx = model.config.contextSize;
  const all = Array.from(prime).slice(-ctx);
  let cache = model.newCache();
  let last = model.step(tensor(Int32Array.from(all), { shape: [1, all.length], dtype: 'int32' }), cache).reshape([-1]).data();
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const next = sampleLogits(last, temperature, rng, banned);
    out.push(next);
    all.push(next);
    if (cache.length >= ctx) {
      // the context is full: re-read its last half into a fresh cache
      const keep = all.slice(-Math.max(1, ctx >> 1));
      cache = model.newCache();
      last = model.step(tensor(Int32Array.from(keep), { shape: [1, keep.length], dtype: 'int32' }), cache).reshape([-1]).data();
    } else {
      last = model.step(tensor(Int32Array.of(next), { shape: [1, 1], dtype: 'int32' }), cache).reshape([-1]).data();
    }
  }
  return out;
}
