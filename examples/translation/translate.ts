/**
 * The translation example: one encoder-decoder Transformer (model.ts) translating numbers between
 * English words and Chinese numerals in both directions (data.ts), trained with teacher forcing
 * (cross-entropy on the next token, padding ignored), AdamW with a warm-up and cosine decay,
 * then greedy decoding of held-out numbers: exact-match accuracy per direction and token error
 * rate (edit distance / reference length), beside the nearest-neighbour retrieval baseline.
 * Writes report.html (loss curve, accuracy, examples and errors, cross-attention maps of every
 * head of the last decoder layer on one example each way) and metrics.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { Rng } from '../shared/rng.js';
import { secondsSince } from '../shared/picture.js';
import { BOS, EOS, type Direction, type Pair, batch, editDistance, makeData, nearestNeighbour, sourceTensor } from './data.js';
import { Seq2Seq } from './model.js';
import { joinEnglish } from './numbers.js';

export interface TranslationOptions {
  quick?: boolean;
  /** numbers 0..maxNumber-1 (default 1,000 quick, 100,000 full) */
  maxNumber?: number;
  /** held-out numbers (default 150 quick, 2,000 full) */
  testCount?: number;
  steps?: number;
  batchSize?: number;
  dModel?: number;
  lr?: number;
  seed?: number;
  outDir?: string;
  log?: (line: string) => void;
}

export interface DirectionScore {
  exact: number;
  tokenErrorRate: number;
}

export interface TranslationResult {
  /** exact match over both directions on the held-out numbers */
  accuracy: number;
  byDirection: Record<Direction, DirectionScore>;
  baseline: { accuracy: number; tokenErrorRate: number; byDirection: Record<Direction, DirectionScore> };
  tokenErrorRate: number;
  trainNumbers: number;
  testNumbers: number;
  parameters: number;
  steps: number;
  finalLoss: number;
  seconds: number;
}

function score(test: readonly Pair[], outputs: readonly (readonly number[])[]): { all: DirectionScore; byDirection: Record<Direction, DirectionScore> } {
  const acc = (idx: number[]): DirectionScore => {
    let exact = 0;
    let edits = 0;
    let len = 0;
    for (const i of idx) {
      const d = editDistance(outputs[i]!, test[i]!.tgt);
      if (d === 0) exact++;
      edits += d;
      len += test[i]!.tgt.length;
    }
    return { exact: exact / idx.length, tokenErrorRate: edits / len };
  };
  const all = test.map((_, i) => i);
  return {
    all: acc(all),
    byDirection: { 'en-zh': acc(all.filter((i) => test[i]!.dir === 'en-zh')), 'zh-en': acc(all.filter((i) => test[i]!.dir === 'zh-en')) },
  };
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

export async function runTranslation(o: TranslationOptions = {}): Promise<TranslationResult> {
  const quick = o.quick ?? false;
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/translation-quick' : 'runs/translation');
  const maxNumber = o.maxNumber ?? (quick ? 1000 : 100_000);
  const testCount = o.testCount ?? (quick ? 150 : 2000);
  const steps = o.steps ?? (quick ? 350 : 3000);
  const B = o.batchSize ?? (quick ? 32 : 64);
  const D = o.dModel ?? 64;
  const lr0 = o.lr ?? 2e-3;
  const t0 = performance.now();
  nb.manualSeed(seed);
  const data = makeData(maxNumber, testCount, seed);
  const V = data.vocab.size;
  const model = new Seq2Seq({ vocabSize: V, maxLen: data.maxLen, dModel: D, heads: 4, layers: 2, dimFeedforward: 2 * D, dropout: 0 });
  const params = model.parameters();
  const nParams = params.reduce((s, p) => s + p.size, 0);
  const opt = new nb.optim.AdamW(params, { lr: lr0, weightDecay: 0.01 });
  log(`translation: numbers 0..${maxNumber - 1}, ${data.trainNumbers.length} for training (${data.train.length} pairs, both directions), ${testCount} held out; ` +
    `vocabulary ${V}; Transformer d ${D}, 2+2 layers, 4 heads, ${nParams.toLocaleString('en')} parameters; ${steps} steps of ${B}; backend ${nb.getBackend()}`);

  const rng = new Rng(seed + 1);
  const curve: { x: number; y: number }[] = [];
  const warmup = Math.max(1, Math.round(steps * 0.05));
  let order = rng.permutation(data.train.length);
  let cursor = 0;
  let smooth = NaN;
  for (let step = 1; step <= steps; step++) {
    const progress = (step - 1) / steps;
    for (const g of opt.paramGroups) g.lr = lr0 * Math.min(1, step / warmup) * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    if (cursor + B > order.length) {
      order = rng.permutation(data.train.length);
      cursor = 0;
    }
    const b = batch(order.slice(cursor, cursor + B).map((i) => data.train[i]!));
    cursor += B;
    const logits = model.forward(b.src, b.tgtIn);
    const loss = nb.nn.functional.crossEntropy(logits.reshape([-1, V]), b.tgtOut, { ignoreIndex: 0 });
    opt.zeroGrad();
    loss.backward();
    nb.nn.utils.clipGradNorm(params, 1);
    opt.step();
    const lv = loss.item();
    smooth = Number.isNaN(smooth) ? lv : 0.95 * smooth + 0.05 * lv;
    if (step % 10 === 0 || step === steps) curve.push({ x: step, y: smooth });
    if (step % Math.max(1, Math.round(steps / 10)) === 0) log(`  step ${step}/${steps}: loss ${smooth.toFixed(4)} (${secondsSince(t0).toFixed(0)} s)`);
  }
  const trainSeconds = secondsSince(t0);

  // greedy decoding of every held-out pair
  model.eval();
  const outputs: number[][] = [];
  const evalBatch = 256;
  for (let i = 0; i < data.test.length; i += evalBatch) {
    const chunk = data.test.slice(i, i + evalBatch);
    outputs.push(...model.greedy(sourceTensor(chunk), BOS, EOS, data.maxLen + 2));
  }
  const m = score(data.test, outputs);
  // the retrieval baseline, on at most 400 held-out pairs (both directions) (it scans the whole training set for each)
  const bRng = new Rng(seed + 2);
  const bIdx = bRng.permutation(data.test.length).slice(0, 400).sort((a, b) => a - b);
  const bTest = bIdx.map((i) => data.test[i]!);
  const bOut = nearestNeighbour(data.train, bTest);
  const bs = score(bTest, bOut);
  const seconds = secondsSince(t0);

  const result: TranslationResult = {
    accuracy: m.all.exact, byDirection: m.byDirection, tokenErrorRate: m.all.tokenErrorRate,
    baseline: { accuracy: bs.all.exact, tokenErrorRate: bs.all.tokenErrorRate, byDirection: bs.byDirection },
    trainNumbers: data.trainNumbers.length, testNumbers: testCount, parameters: nParams, steps, finalLoss: smooth, seconds,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, maxNumber, batchSize: B, dModel: D, lr: lr0, trainSeconds, baselinePairs: bTest.length, seed, backend: nb.getBackend() }, null, 1) + '\n');

  // report
  const text = (ids: readonly number[], dir: Direction, side: 'src' | 'tgt'): string => {
    const toks = ids.map((i) => data.vocab.tokens[i]!);
    const english = (dir === 'en-zh') === (side === 'src');
    return english ? joinEnglish(toks) : toks.join('');
  };
  const show = (i: number) => {
    const p = data.test[i]!;
    return [p.n, p.dir, text(p.src.slice(1), p.dir, 'src'), text(p.tgt, p.dir, 'tgt'), text(outputs[i]!, p.dir, 'tgt'), editDistance(outputs[i]!, p.tgt) === 0 ? 'yes' : 'no'];
  };
  const pick = new Rng(seed + 3).permutation(data.test.length).slice(0, 16).sort((a, b) => a - b);
  const wrong = data.test.map((_, i) => i).filter((i) => editDistance(outputs[i]!, data.test[i]!.tgt) !== 0);
  const attnSvgs: string[] = [];
  for (const dir of ['en-zh', 'zh-en'] as const) {
    // the correctly translated held-out number with the longest source (else the first of this direction)
    let i = data.test.findIndex((p) => p.dir === dir);
    data.test.forEach((p, k) => {
      if (p.dir === dir && editDistance(outputs[k]!, p.tgt) === 0 && (editDistance(outputs[i]!, data.test[i]!.tgt) !== 0 || p.src.length > data.test[i]!.src.length)) i = k;
    });
    const p = data.test[i]!;
    const src = nb.tensor(Int32Array.from(p.src), { shape: [1, p.src.length], dtype: 'int32' });
    const out = outputs[i]!;
    const tgtIds = [BOS, ...out];
    const maps = model.crossAttention(src, nb.tensor(Int32Array.from(tgtIds), { shape: [1, tgtIds.length], dtype: 'int32' }));
    const xLabels = p.src.map((t) => data.vocab.tokens[t]!);
    // row t is the query that predicts output token t
    const yLabels = [...out.map((t) => data.vocab.tokens[t]!), '<eos>'];
    for (let h = 0; h < maps.length; h++) {
      attnSvgs.push(await nb.report.heatmap({
        values: maps[h]!, xLabels, yLabels, title: `${dir} ${p.n}, head ${h + 1}`, xTitle: 'source token', yTitle: 'predicting', showValues: false, cellSize: 22,
      }));
    }
  }
  const dirRow = (name: string, s: DirectionScore, b: DirectionScore) => [name, pct(s.exact), s.tokenErrorRate.toFixed(3), pct(b.exact), b.tokenErrorRate.toFixed(3)];
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Translation: numbers between English words and Chinese numerals',
    subtitle: 'One encoder-decoder Transformer, both directions (a direction token first in the source); rule-generated pairs, exact match on held-out numbers',
    summary: {
      backend: nb.getBackend(), numbers: `0..${maxNumber - 1}`, 'training numbers': data.trainNumbers.length, 'held-out numbers': testCount,
      parameters: nParams, steps, 'batch size': B, 'exact match, held out (both directions)': pct(result.accuracy),
      'English -> Chinese': pct(m.byDirection['en-zh'].exact), 'Chinese -> English': pct(m.byDirection['zh-en'].exact),
      'token error rate': result.tokenErrorRate.toFixed(4), 'nearest-neighbour baseline: exact / token error rate': `${pct(result.baseline.accuracy)} / ${result.baseline.tokenErrorRate.toFixed(4)}`,
      'time (s)': seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Training loss',
        text: 'Cross-entropy per target token (teacher forcing, padding ignored), exponentially smoothed.',
        svg: [await nb.report.lineChart({ series: [{ name: 'loss', points: curve }], xTitle: 'step', yTitle: 'nats per token', points: false, width: 720 })],
      },
      {
        heading: 'Held-out accuracy',
        text: `Greedy decoding of the ${testCount} held-out numbers in each direction. The baseline answers with the target of the training pair whose source is nearest in token edit distance (${bTest.length} held-out pairs); it cannot be exactly right on a number it never saw, so token error rate (edit distance over reference length) compares them too.`,
        table: { columns: ['direction', 'Transformer exact', 'Transformer token errors', 'baseline exact', 'baseline token errors'], rows: [dirRow('English -> Chinese', m.byDirection['en-zh'], bs.byDirection['en-zh']), dirRow('Chinese -> English', m.byDirection['zh-en'], bs.byDirection['zh-en']), dirRow('both', m.all, bs.all)] },
      },
      {
        heading: 'Examples (held out)',
        table: { columns: ['number', 'direction', 'source', 'reference', 'Transformer', 'exact'], rows: pick.map(show) },
      },
      {
        heading: `Errors (${wrong.length} of ${data.test.length})`,
        table: { columns: ['number', 'direction', 'source', 'reference', 'Transformer', 'exact'], rows: wrong.slice(0, 30).map(show) },
      },
      {
        heading: 'Cross-attention',
        text: 'The weights of each head of the last decoder layer\'s cross-attention while decoding one held-out number each way (the correctly translated one with the longest source): each row is the decoder step that predicts the labelled token, each column a source token.',
        svg: attnSvgs,
      },
    ],
  });
  log(`translation: held-out exact match ${pct(result.accuracy)} (en->zh ${pct(m.byDirection['en-zh'].exact)}, zh->en ${pct(m.byDirection['zh-en'].exact)}), token error rate ${result.tokenErrorRate.toFixed(4)}; ` +
    `nearest neighbour ${pct(result.baseline.accuracy)}, token error rate ${result.baseline.tokenErrorRate.toFixed(4)}; ${seconds.toFixed(1)} s (training ${trainSeconds.toFixed(1)} s)`);
  return result;
}
