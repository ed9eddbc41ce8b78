/** src/text (vocabulary, corpora, TBPTT batches, sampling, checkpoint directory) and `nabla generate`, on tiny models. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { spawnSync } from 'node:child_process';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;

function cli(args: string[]): { code: number; out: string; err: string } {
  const script = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const { CharVocab, CharLSTM, streamBatches, sampleText, sampleLogits, saveCharModel, loadCharModel, fortunesCorpus, stripAnsi } = nb.text;

test('CharVocab: most frequent characters in code-point order, UNK last, round trip', () => {
  const v = CharVocab.build('banana bread 诗', { maxSize: 5 });
  // counts: a 4, n 2, b 2, r 1, e 1, d 1, ' ' 2, 诗 1 -> top 4 by count then code point: a, ' ', b, n
  assert.deepEqual(v.chars, [' ', 'a', 'b', 'n']);
  assert.equal(v.unk, 4);
  assert.equal(v.size, 5);
  assert.deepEqual([...v.encode('ban诗')], [2, 1, 3, 4]);
  assert.equal(v.decode(v.encode('nab ')), 'nab ');
  assert.equal(v.decode([4]), '\uFFFD');
  const w = CharVocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assert.deepEqual(w.chars, v.chars);
  assert.throws(() => CharVocab.build('x', { maxSize: 1 }), /maxSize must be an integer >= 2/);
  assert.throws(() => new CharVocab(['a', 'a']), /duplicate/);
  // a Chinese character is one token
  assert.equal(CharVocab.build('春眠不觉晓').size, 6);
});

test('streamBatches: targets are the next characters, and chunk k+1 continues chunk k per row', () => {
  const ids = Int32Array.from({ length: 101 }, (_, i) => i);
  const s = streamBatches(ids, 4, 5); // L = 25 per stream, 5 chunks
  assert.equal(s.length, 5);
  const [x0, y0] = s.chunk(0);
  const [x1] = s.chunk(1);
  assert.deepEqual(x0.shape, [4, 5]);
  assert.deepEqual([...x0.data()].slice(0, 5), [0, 1, 2, 3, 4]);
  assert.deepEqual([...y0.data()].slice(0, 5), [1, 2, 3, 4, 5]);
  assert.deepEqual([...x0.data()].slice(5, 10), [25, 26, 27, 28, 29]);
  assert.deepEqual([...x1.data()].slice(0, 5), [5, 6, 7, 8, 9]);
  assert.throws(() => streamBatches(ids, 64, 64), /too few/);
});

test('sampleLogits: temperature 0 is argmax, a low temperature concentrates, the banned id never comes', () => {
  const g = new nb.Generator(1);
  assert.equal(sampleLogits([0, 3, 1], 0, g), 1);
  assert.equal(sampleLogits([0, 3, 1], 0, g, 1), 2);
  let ones = 0;
  for (let i = 0; i < 200; i++) if (sampleLogits([0, 3, 1], 0.1, g) === 1) ones++;
  assert.equal(ones, 200);
  let spread = 0;
  for (let i = 0; i < 300; i++) if (sampleLogits([0, 3, 1], 100, g) !== 1) spread++;
  assert.ok(spread > 150, `tau = 100 is nearly uniform (${spread}/300 not the argmax)`);
  for (let i = 0; i < 100; i++) assert.notEqual(sampleLogits([5, 0, 0], 1, g, 0), 0);
});

test('CharLSTM learns a repeating text with carried, detached state; checkpoint round trip; nabla generate', () => {
  nb.manualSeed(0);
  const text = 'abcabcabcabc'.repeat(20);
  const vocab = CharVocab.build(text);
  const model = new CharLSTM({ vocabSize: vocab.size, embedDim: 8, hiddenSize: 16, numLayers: 1 });
  const opt = new nb.optim.Adam(model.parameters(), { lr: 0.05 });
  const batches = streamBatches(vocab.encode(text), 4, 8);
  let state: nb.text.LSTMState | null = null;
  let last = Infinity;
  for (let epoch = 0; epoch < 6; epoch++) {
    state = null;
    for (let k = 0; k < batches.length; k++) {
      const [x, y] = batches.chunk(k);
      const [logits, s] = model.forward(x, state);
      const loss = nb.nn.functional.crossEntropy(logits.reshape([-1, vocab.size]), y.reshape([-1]));
      opt.zeroGrad();
      loss.backward();
      nb.nn.utils.clipGradNorm(model.parameters(), 5);
      opt.step();
      state = nb.nn.detachState(s);
      assert.equal(state[0].requiresGrad, false);
      last = loss.item();
    }
  }
  assert.ok(last < 0.2, `loss ${last} on a period-3 text`);
  assert.equal(sampleText(model, vocab, { prime: 'ab', length: 7, temperature: 0 }), 'cabcabc');
  const dir = mkdtempSync(join(tmpdir(), 'nabla-charlstm-'));
  try {
    saveCharModel(dir, model, vocab, { corpus: 'test' });
    const loaded = loadCharModel(dir);
    assert.deepEqual(loaded.model.config, model.config);
    assert.equal(loaded.metadata['corpus'], 'test');
    const a = sampleText(model, vocab, { prime: 'a', length: 30, temperature: 0.8, seed: 3 });
    assert.equal(sampleText(loaded.model, loaded.vocab, { prime: 'a', length: 30, temperature: 0.8, seed: 3 }), a);
    // the command, as a user runs it (a child process)
    const r = cli(['generate', '--checkpoint', dir, '--temperature', '0', '--length', '5', '--prime', 'bc']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'bcabcab\n');
    const bad = cli(['generate', '--checkpoint', dir, '--temperature', 'hot']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--temperature must be a number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => loadCharModel(join(tmpdir(), 'no-such-nabla-checkpoint')), /model\.safetensors not found/);
});

test('fortunes corpora: a missing package names the apt package; the real files when installed', (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'nabla-fortunes-'));
  try {
    assert.throws(() => fortunesCorpus('en', { dir: empty }), /apt-get install fortunes fortunes-min/);
    assert.throws(() => fortunesCorpus('zh', { dir: empty }), /apt-get install fortunes-zh/);
    assert.throws(() => fortunesCorpus('tang', { dir: empty }), /the Tang poems .*apt-get install fortunes-zh/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  assert.equal(stripAnsi('\x1b[32m《静夜思》\x1b[m'), '《静夜思》');
  if (!existsSync('/usr/share/games/fortunes/tang300')) return t.skip('fortunes-zh is not installed');
  const zh = fortunesCorpus('zh');
  assert.deepEqual(zh.files, ['tang300', 'song100']);
  assert.ok(!zh.text.includes('\x1b'), 'colour codes removed');
  assert.ok(zh.text.includes('床前明月光'), 'Li Bai is in the Tang 300');
  const tang = fortunesCorpus('tang');
  assert.deepEqual(tang.files, ['tang300']);
  assert.ok(zh.text.startsWith(tang.text), 'the Tang poems are the first part of zh');
  assert.ok(!tang.text.includes('\x1b'));
});
