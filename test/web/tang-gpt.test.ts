/**
 * The Tang-poem GPT the playground ships (web/public/models/tang-gpt/, written by
 * `npm run train:poems`): it loads into a CharGPT, is under 1 MB, and on the held-out 5% of the Tang
 * poems (the same validation windows as examples/char-gpt/train.ts) gives the validation loss
 * stated in its metadata, which the README quotes; and its poems have the lines' rhythm: in 2,000
 * characters sampled at temperature 0.8, the share of clauses (the text between two punctuation
 * marks, on lines that end in one, titles and authors left out) that are 5 or 7 characters long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';

const DIR = fileURLToPath(new URL('../../web/public/models/tang-gpt', import.meta.url));

test('the shipped Tang-poem GPT loads and gives its stated validation loss on the held-out poems', (t) => {
  const { model, vocab, metadata } = nb.text.loadCharModel(DIR);
  assert.ok(model instanceof nb.text.CharGPT);
  const bytes = statSync(`${DIR}/model.safetensors`).size + statSync(`${DIR}/vocab.json`).size;
  assert.ok(bytes < 1_000_000, `the model and vocabulary are ${bytes} bytes`);
  assert.equal(metadata['corpus'], 'tang');
  const stated = Number(metadata['validLoss']);
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  assert.ok(readme.includes(`**${stated.toFixed(3)} nats/char**`), `the README states the checkpoint's validation loss, ${stated.toFixed(3)}`);
  if (!existsSync('/usr/share/games/fortunes/tang300')) return t.skip('fortunes-zh is not installed');
  // the example's validation: nValid windows of T, evenly spaced over the last 5% of the text
  const ids = vocab.encode(nb.text.fortunesCorpus('tang').text);
  const valid = ids.subarray(Math.floor(ids.length * 0.95));
  const T = model.config.contextSize;
  const n = Math.min(64, Math.floor((valid.length - T - 1) / T));
  const x = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  for (let b = 0; b < n; b++) {
    const o = Math.floor(((b + 0.5) / n) * (valid.length - T - 1));
    x.set(valid.subarray(o, o + T), b * T);
    y.set(valid.subarray(o + 1, o + T + 1), b * T);
  }
  const loss = nb.noGrad(() => nb.nn.functional.crossEntropy(
    model.forward(nb.tensor(x, { shape: [n, T], dtype: 'int32' })).reshape([-1, vocab.size]),
    nb.tensor(y, { shape: [n * T], dtype: 'int32' }),
  ).item());
  t.diagnostic(`validation ${loss.toFixed(4)} nats/char on ${n} windows of ${T} (${nb.getBackend()}), stated ${stated}`);
  assert.ok(Math.abs(loss - stated) < 2e-3, `validation loss ${loss} vs stated ${stated}`);
});

/** The share of clauses of 5 or 7 characters in the poem lines of `text`, and their number. */
function rhythm(text: string): { share: number; clauses: number } {
  const lines = text.split('\n').filter((l) => /[，。？！]$/.test(l) && !l.startsWith('《') && !l.startsWith('作者'));
  const clauses = lines.flatMap((l) => l.split(/[，。？！；]/).filter((c) => c.length > 0));
  const ok = clauses.filter((c) => [...c].length === 5 || [...c].length === 7).length;
  return { share: ok / clauses.length, clauses: clauses.length };
}

test('the shipped Tang-poem GPT writes about half its clauses with 5 or 7 characters (the poems: 96 %)', (t) => {
  const { model, vocab } = nb.text.loadCharModel(DIR);
  const r = rhythm(nb.text.sampleText(model, vocab, { prime: '《', length: 2000, temperature: 0.8, seed: 1 }));
  t.diagnostic(`${(100 * r.share).toFixed(0)} % of ${r.clauses} sampled clauses have 5 or 7 characters`);
  assert.ok(r.clauses > 50, `only ${r.clauses} clauses in 2,000 characters`);
  assert.ok(r.share > 0.45, `${(100 * r.share).toFixed(0)} % of the sampled clauses have 5 or 7 characters`);
  if (existsSync('/usr/share/games/fortunes/tang300')) {
    const poems = rhythm(nb.text.fortunesCorpus('tang').text);
    t.diagnostic(`in the poems themselves: ${(100 * poems.share).toFixed(0)} % of ${poems.clauses}`);
    assert.ok(poems.share > 0.9);
  }
});
