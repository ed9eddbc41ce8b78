/**
 * CharGPT: the key/value-cached step equals the full forward pass (prefix, chunk and one position
 * at a time), checkpoints round-trip through saveCharModel / loadCharModel, sampling is
 * deterministic given the seed, and the attention maps are causal distributions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { assertNear } from '../helpers/fixtures.js';

const cfg = { vocabSize: 11, contextSize: 12, dModel: 8, numHeads: 2, numLayers: 2 };

test('CharGPT.step with its key/value cache equals forward at every position', () => {
  nb.manualSeed(1);
  const m = new nb.text.CharGPT(cfg);
  m.eval();
  const ids = nb.randint(0, 11, [2, 9], { dtype: 'int32' });
  const full = nb.noGrad(() => m.forward(ids));
  const cache = m.newCache();
  // a prefix of 4, a chunk of 3, then one position at a time
  let logits = m.step(ids.slice(null, [0, 4]), cache);
  assertNear(logits, full.select(1, 3), 1e-5, 'after the prefix');
  logits = m.step(ids.slice(null, [4, 7]), cache);
  assertNear(logits, full.select(1, 6), 1e-5, 'after a chunk');
  for (const t of [7, 8]) {
    logits = m.step(ids.slice(null, [t, t + 1]), cache);
    assertNear(logits, full.select(1, t), 1e-5, `position ${t}`);
  }
  assert.equal(cache.length, 9);
  assert.throws(() => m.step(ids.slice(null, [0, 4]), cache), /exceed the context size 12/);
});

test('CharGPT checkpoints round-trip and sampling is deterministic', () => {
  nb.manualSeed(2);
  const vocab = nb.text.CharVocab.build('abcdefghij');
  const m = new nb.text.CharGPT({ ...cfg, vocabSize: vocab.size });
  const dir = mkdtempSync(join(tmpdir(), 'nabla-gpt-'));
  try {
    nb.text.saveCharModel(dir, m, vocab);
    const { model } = nb.text.loadCharModel(dir);
    assert.ok(model instanceof nb.text.CharGPT);
    assert.deepEqual(Object.keys(model.stateDict()), Object.keys(m.stateDict()));
    const a = nb.text.sampleText(model, vocab, { prime: 'abc', length: 30, seed: 3 });
    const b = nb.text.sampleText(m, vocab, { prime: 'abc', length: 30, seed: 3 });
    assert.equal(a, b);
    assert.equal([...a].length, 30); // past the context of 12: the cache restarts from the last half
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sampleChars streams the characters of sampleText one by one; charModelFromBytes reads a checkpoint from bytes', () => {
  nb.manualSeed(4);
  const vocab = nb.text.CharVocab.build('abcdefghij');
  const m = new nb.text.CharGPT({ ...cfg, vocabSize: vocab.size });
  m.train();
  const opts = { prime: 'ab', length: 20, temperature: 1.2, seed: 9 };
  const streamed: string[] = [];
  for (const c of nb.text.sampleChars(m, vocab, opts)) {
    assert.equal(m.training, false, 'eval mode while sampling');
    streamed.push(c);
  }
  assert.equal(m.training, true, 'the former mode comes back');
  assert.equal(streamed.length, 20);
  assert.equal(streamed.join(''), nb.text.sampleText(m, vocab, opts));
  // closed early (break): the mode comes back too
  for (const c of nb.text.sampleChars(m, vocab, opts)) if (c.length > 0) break;
  assert.equal(m.training, true);
  const bytes = nb.serialize(m, { metadata: { 'nabla.chargpt': JSON.stringify(m.config) } });
  const { model } = nb.text.charModelFromBytes(bytes, vocab.toJSON(), 'test.safetensors');
  assert.equal(nb.text.sampleText(model, vocab, opts), streamed.join(''));
  assert.throws(() => nb.text.charModelFromBytes(bytes, nb.text.CharVocab.build('abc').toJSON(), 'test.safetensors'), /test\.safetensors was built for 11 characters but the vocabulary has 4 ids/);
  assert.throws(() => nb.text.charModelFromBytes(nb.serialize(m), vocab.toJSON(), 'plain.safetensors'), /plain\.safetensors has neither 'nabla\.charlstm' nor 'nabla\.chargpt' metadata/);
});

test('attention maps are causal distributions over the keys', () => {
  const m = new nb.text.CharGPT(cfg);
  const maps = m.attentionMaps(nb.tensor([[1, 2, 3, 4, 5]], { dtype: 'int32' }));
  assert.equal(maps.length, 2);
  assert.equal(maps[0]!.length, 2);
  for (const head of maps.flat()) {
    head.forEach((row, i) => {
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
      row.forEach((v, j) => { if (j > i) assert.equal(v, 0); });
    });
  }
});
