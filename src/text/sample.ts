/**
 * Sampling text from a character model with a temperature:
 *   p_i = exp(z_i / tau) / sum_j exp(z_j / tau)
 * tau < 1 sharpens the distribution (safer, more repetitive text), tau > 1 flattens it; tau -> 0
 * is greedy (argmax). The prime is read through the model first, so the state carries its context.
 */
import { NablaError } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { Generator as Rng } from '../core/rng.js';
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
export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: Rng, banned = -1): number {
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
  let s = '';
  for (const c of sampleChars(model, vocab, opts)) s += c;
  return s;
}

/**
 * The characters of `sampleText` one at a time, as they are drawn (same options, same characters
 * for the same seed), for streaming them into a page or a terminal:
 *
 *   for (const c of nb.text.sampleChars(model, vocab, { prime: '春', length: 48, seed: 1 })) show(c);
 *
 * The model is in eval mode while the generator runs and back in its former mode when it ends or
 * is closed early (`return()`, or `break` out of a for-of).
 */
export function* sampleChars(model: CharLSTM | CharGPT, vocab: CharVocab, opts: SampleOptions = {}): Generator<string, void, undefined> {
  const temperature = opts.temperature ?? 0.8;
  const length = opts.length ?? 300;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new NablaError(`sampleText: temperature must be a number >= 0, got ${temperature}`);
  if (!Number.isInteger(length) || length < 0) throw new NablaError(`sampleText: length must be a non-negative integer, got ${length}`);
  if (vocab.size !== model.config.vocabSize) throw new NablaError(`sampleText: the vocabulary has ${vocab.size} ids but the model was built for ${model.config.vocabSize}; use the vocab.json saved with the checkpoint`);
  const prime = opts.prime === undefined || opts.prime === '' ? '\n' : opts.prime;
  const rng = new Rng(opts.seed ?? 0);
  const banned = opts.skipUnk === false ? -1 : vocab.unk;
  const wasTraining = model.training;
  model.eval();
  try {
    const ids = model instanceof CharGPT ? gptIds(model, vocab.encode(prime), length, temperature, rng, banned) : lstmIds(model, vocab.encode(prime), length, temperature, rng, banned);
    for (const id of ids) yield vocab.decode([id]);
  } finally {
    if (wasTraining) model.train();
  }
}

/** LSTM sampling: the state carries the context; one step per new character. */
function* lstmIds(model: CharLSTM, prime: Int32Array, length: number, temperature: number, rng: Rng, banned: number): Generator<number, void, undefined> {
  let [logits, state] = noGrad(() => model.forward(tensor(prime, { shape: [1, prime.length], dtype: 'int32' })));
  let last = logits.select(1, prime.length - 1).reshape([-1]).data();
  for (let i = 0; i < length; i++) {
    const next = sampleLogits(last, temperature, rng, banned);
    yield next;
    if (i === length - 1) break;
    const s: LSTMState = state;
    [logits, state] = noGrad(() => model.forward(tensor(Int32Array.of(next), { shape: [1, 1], dtype: 'int32' }), s));
    last = logits.reshape([-1]).data();
  }
}

/** GPT sampling with the key/value cache: one position per new character. */
function* gptIds(model: CharGPT, prime: Int32Array | number[], length: number, temperature: number, rng: Rng, banned: number): Generator<number, void, undefined> {
  const ctx = model.config.contextSize;
  const all = Array.from(prime).slice(-ctx);
  let cache = model.newCache();
  let last = model.step(tensor(Int32Array.from(all), { shape: [1, all.length], dtype: 'int32' }), cache).reshape([-1]).data();
  for (let i = 0; i < length; i++) {
    const next = sampleLogits(last, temperature, rng, banned);
    yield next;
    if (i === length - 1) break;
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
}
