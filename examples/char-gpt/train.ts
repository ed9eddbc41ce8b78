/**
 * A character GPT on real text: Debian's English fortunes (`--corpus en`, fortunes + fortunes-min,
 * the W4/W6 corpus), the Tang and Song poems (`--corpus zh`, fortunes-zh: 46 k characters, so a
 * smaller model) or the Tang poems alone (`--corpus tang`, 30 k characters).
 *
 *   h_0 = E[x_t] + P[t];  h_l = h + SA(LN(h)), h + FF(LN(h)) for l = 1..L (causal);  z_t = LN(h_L) W^T + b
 *   loss = mean over every position of -log softmax(z_t)[x_{t+1}]   (nats per character)
 *
 * Batches are random windows of the training text (the first 95%); validation is the mean loss
 * over fixed windows of the held-out 5%. AdamW (weight decay 0.01) with a linear warm-up over the
 * first 2% of the run and a cosine decay to lr/10 (the run's length: --minutes or --steps,
 * whichever ends first), gradients clipped to norm 1. With --steps and no --minutes the schedule
 * follows the step count alone, so the run (and its weights) depend only on the flags and --seed.
 *
 * Writes <out>/model.safetensors + vocab.json (sample with `npx nabla generate --checkpoint <out>`,
 * which uses the GPT's key/value cache), <out>/metrics.json and <out>/report.html (loss curves,
 * the attention maps of every head on a prompt, a sample and its tokens/s; --no-report skips it).
 *
 *   npx tsx examples/char-gpt/train.ts --corpus en --minutes 10
 *   npx tsx examples/char-gpt/train.ts --corpus zh --minutes 5
 *   npm run train:poems      # the playground's Tang-poem model (web/public/models/tang-gpt/)
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';

const { values: a } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'en' },
    minutes: { type: 'string' },
    steps: { type: 'string', default: '1000000' },
    dim: { type: 'string' },
    layers: { type: 'string' },
    heads: { type: 'string' },
    context: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    dropout: { type: 'string', default: '0' },
    'min-count': { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (a.help) {
  console.log([
    'Usage: npx tsx examples/char-gpt/train.ts [flags]',
    '  --corpus en|zh|tang  English fortunes; Tang and Song poems; Tang poems alone (default en)',
    '  --minutes M          time budget (default 10, or none when --steps is given)',
    '  --steps N            step budget; with no --minutes the run is deterministic given --seed',
    '  --dim D --layers L --heads H --context T --batch B --lr LR   model and optimiser',
    '  --dropout P          dropout in the blocks while training (default 0)',
    '  --min-count C        keep characters seen at least C times (Chinese corpora; default 2)',
    '  --seed S             initialisation and batch order (default 0)',
    '  --out DIR            checkpoint directory (default runs/char-gpt-<corpus>)',
    '  --no-report          write no report.html',
  ].join('\n'));
  process.exit(0);
}
const corpusName = a.corpus as nb.text.CorpusName;
if (!nb.text.CORPORA.includes(corpusName)) throw new Error(`--corpus must be one of ${nb.text.CORPORA.join(', ')}, got '${a.corpus}'`);
const en = corpusName === 'en';
// English: W6's model (0.83 M parameters); Chinese: 46 k characters and 2,847 distinct ones, so a small model
const D = Number(a.dim ?? (en ? 128 : 64));
const L = Number(a.layers ?? (en ? 4 : 2));
const H = Number(a.heads ?? (en ? 4 : 4));
const T = Number(a.context ?? (en ? 128 : 64));
const B = Number(a.batch ?? (en ? 32 : 16));
const lr0 = Number(a.lr ?? (en ? 1e-3 : 1e-3));
const dropout = Number(a.dropout);
if (!(dropout >= 0 && dropout < 1)) throw new Error(`--dropout must be in [0, 1), got '${a.dropout}'`);
const minCount = Number(a['min-count'] ?? 2);
if (!Number.isInteger(minCount) || minCount < 1) throw new Error(`--min-count must be a positive integer, got '${a['min-count']}'`);
const outDir = a.out ?? `runs/char-gpt-${corpusName}`;

nb.manualSeed(Number(a.seed));
const corpus = nb.text.fortunesCorpus(corpusName);
const vocab = en ? nb.text.CharVocab.build(corpus.text, { maxSize: 96 }) : nb.text.CharVocab.build(corpus.text, { minCount });
const ids = vocab.encode(corpus.text);
const split = Math.floor(ids.length * 0.95);
const trainIds = ids.subarray(0, split);
const validIds = ids.subarray(split);
const V = vocab.size;
const model = new nb.text.CharGPT({ vocabSize: V, contextSize: T, dModel: D, numHeads: H, numLayers: L, dropout });
const params = model.parameters();
const nParams = model.numParameters();
const opt = new nb.optim.AdamW(params, { lr: lr0, weightDecay: 0.01 });
const rng = new nb.Generator(Number(a.seed) + 1);
console.log(`char-gpt: corpus ${corpusName} (${ids.length.toLocaleString('en')} characters, vocabulary ${V} incl. UNK), ` +
  `model ${nParams.toLocaleString('en')} parameters (d ${D}, ${L} layers, ${H} heads, context ${T}), batch ${B} x ${T}, backend ${nb.getBackend()}`);

/** B random windows of `src`: x [B, T] and the next characters y [B*T]. */
function windows(src: Int32Array, n: number, pick: () => number): [nb.Tensor, nb.Tensor] {
  const x = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  for (let b = 0; b < n; b++) {
    const o = pick();
    x.set(src.subarray(o, o + T), b * T);
    y.set(src.subarray(o + 1, o + T + 1), b * T);
  }
  return [nb.tensor(x, { shape: [n, T], dtype: 'int32' }), nb.tensor(y, { shape: [n * T], dtype: 'int32' })];
}
const trainPick = (): number => Math.floor(rng.random() * (trainIds.length - T - 1));
// fixed validation windows, evenly spaced over the held-out text
const nValid = Math.min(64, Math.floor((validIds.length - T - 1) / T));
const validBatch = windows(validIds, nValid, (() => { let k = 0; return () => Math.floor(((k++ + 0.5) / nValid) * (validIds.length - T - 1)); })());

const lossOf = (x: nb.Tensor, y: nb.Tensor): nb.Tensor => nb.nn.functional.crossEntropy(model.forward(x).reshape([-1, V]), y);
function validate(): number {
  model.eval();
  const v = nb.noGrad(() => lossOf(validBatch[0], validBatch[1]).item());
  model.train();
  return v;
}

const budget = a.minutes !== undefined ? Number(a.minutes) * 60 : a.steps !== undefined ? Infinity : 600;
const maxSteps = Number(a.steps);
const start = performance.now();
const elapsed = (): number => (performance.now() - start) / 1000;
const curve: { x: number; y: number }[] = [];
const validCurve: { x: number; y: number }[] = [];
const history: { step: number; minutes: number; trainLoss: number; validLoss: number }[] = [];
const evalEvery = en ? 100 : 50;
const bar = new nb.train.ProgressBar({ total: maxSteps < 1e6 ? maxSteps : Math.round(budget), label: `char-gpt ${corpusName}` });
let step = 0;
let recent = 0;
let recentN = 0;
let lastTick = 0;
for (; step < maxSteps && elapsed() < budget; ) {
  const progress = Math.min(1, Math.max(elapsed() / budget, step / maxSteps));
  const warm = Math.min(1, progress / 0.02);
  for (const g of opt.paramGroups) g.lr = lr0 * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
  const [x, y] = windows(trainIds, B, trainPick);
  const loss = lossOf(x, y);
  opt.zeroGrad();
  loss.backward();
  nb.nn.utils.clipGradNorm(params, 1);
  opt.step();
  step++;
  const lv = loss.item();
  recent += lv;
  recentN++;
  if (step % 10 === 0) curve.push({ x: step, y: lv });
  if (step % evalEvery === 0) {
    const v = validate();
    validCurve.push({ x: step, y: v });
    history.push({ step, minutes: elapsed() / 60, trainLoss: recent / recentN, validLoss: v });
    recent = 0;
    recentN = 0;
  }
  const now = maxSteps < 1e6 ? step : Math.round(elapsed());
  bar.tick(now - lastTick, { loss: lv, step });
  lastTick = now;
}
const finalValid = validate();
history.push({ step, minutes: elapsed() / 60, trainLoss: recentN > 0 ? recent / recentN : NaN, validLoss: finalValid });
validCurve.push({ x: step, y: finalValid });
bar.finish(`${step} steps in ${(elapsed() / 60).toFixed(1)} min: validation ${finalValid.toFixed(3)} nats/char`);
nb.text.saveCharModel(outDir, model, vocab, { corpus: corpusName, steps: String(step), seed: String(a.seed), validLoss: finalValid.toFixed(4) });
const trainTokensPerSecond = (step * B * T) / elapsed();

// sampling with the key/value cache, timed
const prime = en ? 'The ' : '《';
model.eval();
const t0 = performance.now();
const sampleLen = 400;
const sample = prime + nb.text.sampleText(model, vocab, { prime, length: sampleLen, temperature: 0.8, seed: 1 });
const sampleTps = sampleLen / ((performance.now() - t0) / 1000);

// attention maps of every head on a prompt
const promptText = en ? 'A fool and his money are soon parted.' : '床前明月光，疑是地上霜。';
const promptIds = vocab.encode(promptText).slice(0, T);
const maps = model.attentionMaps(nb.tensor(Int32Array.from(promptIds), { shape: [1, promptIds.length], dtype: 'int32' }));
const labels = [...promptText].slice(0, promptIds.length).map((c, i) => `${i}:${c === ' ' ? '␣' : c}`);
const mapSvgs: string[] = [];
for (let l = 0; l < (a['no-report'] ? 0 : maps.length); l++) {
  for (let h = 0; h < maps[l]!.length; h++) {
    mapSvgs.push(await nb.report.heatmap({
      values: maps[l]![h]!, xLabels: labels, yLabels: labels, title: `layer ${l + 1}, head ${h + 1}`, xTitle: 'key (attended to)', yTitle: 'query', showValues: false, cellSize: 12,
    }));
  }
}

const summary = {
  corpus: corpusName, backend: nb.getBackend(), characters: ids.length, vocabulary: V, parameters: nParams,
  dModel: D, layers: L, heads: H, context: T, batch: B, lr: lr0, steps: step, minutes: +(elapsed() / 60).toFixed(2),
  trainTokensPerSecond: Math.round(trainTokensPerSecond), validLoss: +finalValid.toFixed(4),
  sampleTokensPerSecond: Math.round(sampleTps), history, sample,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 1) + '\n');
if (!a['no-report']) nb.report.writeReport(join(outDir, 'report.html'), {
  title: `Character GPT on ${en ? 'English fortunes' : corpusName === 'zh' ? 'Tang and Song poems' : 'Tang poems'}`,
  subtitle: `token + position embeddings -> ${L} pre-norm Transformer blocks (causal self-attention, GELU) -> LayerNorm -> Linear`,
  summary: {
    backend: summary.backend, characters: ids.length, vocabulary: V, parameters: nParams, 'd / layers / heads / context': `${D} / ${L} / ${H} / ${T}`,
    'batch x context': `${B} x ${T}`, steps: step, minutes: summary.minutes, 'training tokens/s': summary.trainTokensPerSecond,
    'validation loss (nats/char)': summary.validLoss, 'sampling tokens/s (key/value cache)': summary.sampleTokensPerSecond,
  },
  sections: [
    {
      heading: 'Loss',
      svg: [await nb.report.lineChart({ series: [{ name: 'train (per step)', points: curve }, { name: 'validation', points: validCurve }], xTitle: 'step', yTitle: 'cross-entropy (nats/char)', points: false })],
      table: { columns: ['step', 'minutes', 'train', 'validation'], rows: history.map((h) => [h.step, h.minutes.toFixed(1), h.trainLoss.toFixed(3), h.validLoss.toFixed(3)]) },
    },
    { heading: `Attention maps on "${promptText}"`, text: 'Each row is a query position, each column the position it attends to (causal: nothing above the diagonal); one map per layer and head.', svg: mapSvgs },
    { heading: 'A sample (temperature 0.8, key/value cache)', pre: sample },
  ],
});
console.log(`\nsample (temperature 0.8, ${Math.round(sampleTps)} characters/s with the key/value cache):\n${sample}\n`);
console.log(`validation loss ${finalValid.toFixed(3)} nats/char after ${step} steps, ${(elapsed() / 60).toFixed(1)} min on the ${nb.getBackend()} backend (${Math.round(trainTokensPerSecond)} training tokens/s)`);
console.log(`checkpoint: ${outDir}/model.safetensors + vocab.json; sample more with: npx nabla generate --checkpoint ${outDir} --temperature 0.8 --length 300 --prime "${prime}"`);
