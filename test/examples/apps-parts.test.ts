/** Pieces of the application examples with known answers: CartPole physics, ROC AUC, the CSV reader, IoU, number names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CartPole, MAX_STEPS } from '../../examples/cartpole/env.js';
import { movingAverage } from '../../examples/cartpole/agent.js';
import { parseBreastCancer, rocAuc, rocCurve, stratifiedFolds } from '../../examples/biomedicine/data.js';
import { iou } from '../../examples/segmentation/data.js';
import { Rng } from '../../examples/shared/rng.js';
import { averagePrecision, boxIoU, componentBoxes, SIZE, type Box } from '../../examples/detection/data.js';
import { fft, melFilterbank, parseWav, powerSpectrogram } from '../../examples/speech/features.js';
import { dataFrameColumns, unserialize } from '../../examples/recommendation/rdata.js';
import { fitBiases, rmse, splitRatings, type Ratings } from '../../examples/recommendation/data.js';
import { chinese, chineseTokens, english, englishTokens, joinEnglish } from '../../examples/translation/numbers.js';
import { editDistance, makeData, nearestNeighbour } from '../../examples/translation/data.js';

test('CartPole: one step from rest follows the classic equations; episodes end at the limits or 200 steps', () => {
  const env = new CartPole();
  env.reset(new Rng(0));
  env.state = [0, 0, 0, 0];
  const r = env.step(1);
  // theta" = -(10 / 1.1) / (0.5 (4/3 - 0.1 / 1.1)) = -14.634..., x" = 10/1.1 - 0.05 theta" / 1.1
  const thAcc = -(10 / 1.1) / (0.5 * (4 / 3 - 0.1 / 1.1));
  assert.deepEqual(r.state.map((v) => +v.toFixed(12)), [0, +(0.02 * (10 / 1.1 - (0.05 * thAcc) / 1.1)).toFixed(12), 0, +(0.02 * thAcc).toFixed(12)]);
  assert.equal(r.reward, 1);
  env.state = [2.37, 1, 0, 0];
  assert.equal(env.step(1).done, false);
  assert.equal(env.step(1).done, true);
  assert.throws(() => env.step(0), /the episode has ended/);
  const e2 = new CartPole();
  e2.reset(new Rng(1));
  e2.state = [0, 0, 0, 0];
  let n = 0;
  // pushing towards where the pole falls (sign of 3 theta + theta') balances it for the whole
  // episode; always pushing right loses it within a second
  while (!e2.done) {
    e2.step(3 * e2.state[2] + e2.state[3] > 0 ? 1 : 0);
    n++;
  }
  assert.equal(n, MAX_STEPS);
  assert.ok(Math.abs(e2.state[2]) < 0.01);
  e2.reset(new Rng(2));
  let m = 0;
  while (!e2.done) {
    e2.step(1);
    m++;
  }
  assert.ok(m < 50 && Math.abs(e2.state[2]) > 0.2, `always right: ${m} steps`);
  assert.throws(() => new CartPole().step(2), /call reset/);
  assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
});

test('ROC AUC is the Mann-Whitney probability, ties counting half; the curve runs from (0,0) to (1,1)', () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(rocAuc([0.5, 0.5], [0, 1]), 0.5);
  assert.equal(rocAuc([1, 2, 3], [0, 1, 1]), 1);
  assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
  const c = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.deepEqual(c[0], { fpr: 0, tpr: 0 });
  assert.deepEqual(c[c.length - 1], { fpr: 1, tpr: 1 });
});

test('the breast-cancer CSV reader checks the header, row count, fields and classes', () => {
  const row = (c: string) => Array.from({ length: 30 }, (_, i) => i + 0.5).join(',') + ',' + c;
  const t = parseBreastCancer(`2,30,malignant,benign\n${row('0')}\n${row('1')}\n`);
  assert.deepEqual(Array.from(t.y), [1, 0]);
  assert.equal(t.x[31], 1.5);
  assert.throws(() => parseBreastCancer(`3,30,malignant,benign\n${row('0')}\n`), /promises 3 rows, found 1/);
  assert.throws(() => parseBreastCancer(`1,30,malignant,benign\n${row('2')}\n`), /class must be 0 \(malignant\) or 1 \(benign\), got "2"/);
  assert.throws(() => parseBreastCancer(`1,30,malignant,benign\n1,2,3\n`), /line 2 has 3 fields, expected 31/);
  assert.throws(() => parseBreastCancer('a,b\n'), /line 1 should be/);
  const folds = stratifiedFolds(Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]), 2, 0);
  assert.deepEqual(folds.map((f) => f.length), [5, 5]);
  assert.deepEqual(folds.map((f) => f.filter((i) => i < 4).length), [2, 2]);
});

test('IoU of masks', () => {
  assert.equal(iou([1, 1, 0, 0], [1, 0, 1, 0]), 1 / 3);
  assert.equal(iou([0, 0], [0, 0]), 1);
});

test('detection: box IoU, average precision (VOC all-point) and connected components', () => {
  const b = (x0: number, y0: number, x1: number, y1: number, cls = 0, score?: number): Box => ({ x0, y0, x1, y1, cls, ...(score === undefined ? {} : { score }) });
  assert.equal(boxIoU(b(0, 0, 2, 2), b(1, 0, 3, 2)), 1 / 3);
  const truth = [[b(0, 0, 10, 10)], [b(0, 0, 10, 10)]];
  // a false positive ranked first, then both hits: precision 1/2 then 2/3 at recall 1/2 and 1 -> AP = 2/3
  const pred = [[b(0, 0, 10, 10, 0, 0.8), b(20, 20, 30, 30, 0, 0.9)], [b(1, 1, 10, 10, 0, 0.7)]];
  assert.ok(Math.abs(averagePrecision(pred, truth, 0) - 2 / 3) < 1e-12);
  // a duplicate of a matched box is a false positive; the wrong class does not count
  assert.equal(averagePrecision([[b(0, 0, 10, 10, 0, 0.9), b(0, 0, 10, 10, 0, 0.8)], []], [[b(0, 0, 10, 10)], []], 0), 1);
  assert.equal(averagePrecision([[b(0, 0, 10, 10, 1, 0.9)]], [[b(0, 0, 10, 10, 0)]], 0), 0);
  const img = new Float32Array(SIZE * SIZE);
  for (let y = 5; y < 20; y++) for (let x = 7; x < 10; x++) img[y * SIZE + x] = 1;
  img[40 * SIZE + 40] = 1;
  assert.deepEqual(componentBoxes(img).map(({ x0, y0, x1, y1 }) => [x0, y0, x1, y1]), [[7, 5, 10, 20]]);
});

test('speech features: WAV parsing, the FFT against a direct DFT, a pure tone lands in its bin, mel filters', () => {
  const n = 16;
  const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + (i % 3));
  const im = new Float64Array(n);
  const want = Array.from({ length: n }, (_, k) => {
    let a = 0;
    let c = 0;
    for (let t = 0; t < n; t++) {
      a += re[t]! * Math.cos((-2 * Math.PI * k * t) / n);
      c += re[t]! * Math.sin((-2 * Math.PI * k * t) / n);
    }
    return [a, c];
  });
  fft(re, im);
  for (let k = 0; k < n; k++) assert.ok(Math.abs(re[k]! - want[k]![0]!) < 1e-9 && Math.abs(im[k]! - want[k]![1]!) < 1e-9);
  assert.throws(() => fft(new Float64Array(6), new Float64Array(6)), /not a power of 2/);
  const rate = 22050;
  const tone = Float32Array.from({ length: 4096 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / rate));
  const { power, frames, bins } = powerSpectrogram(tone);
  assert.equal(frames, Math.floor((4096 - 512) / 441) + 1);
  let best = 0;
  for (let k = 0; k < bins; k++) if (power[k]! > power[best]!) best = k;
  assert.equal(best, Math.round((1000 * 512) / rate));
  const fb = melFilterbank(rate, 512, 40).data();
  for (let j = 0; j < 40; j++) {
    let peak = 0;
    for (let k = 0; k < bins; k++) peak = Math.max(peak, fb[k * 40 + j]!);
    assert.ok(peak > 0.3 && peak <= 1, `filter ${j} peak ${peak}`);
  }
  // a 3-sample 16-bit mono WAV
  const wav = new Uint8Array(44 + 6);
  const dv = new DataView(wav.buffer);
  wav.set(new TextEncoder().encode('RIFF'), 0);
  dv.setUint32(4, 42, true);
  wav.set(new TextEncoder().encode('WAVEfmt '), 8);
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, 22050, true);
  dv.setUint32(28, 44100, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  wav.set(new TextEncoder().encode('data'), 36);
  dv.setUint32(40, 6, true);
  dv.setInt16(44, 16384, true);
  dv.setInt16(46, -32768, true);
  dv.setInt16(48, 0, true);
  assert.deepEqual(Array.from(parseWav(wav).samples), [0.5, -1, 0]);
  dv.setUint16(34, 8, true);
  assert.throws(() => parseWav(wav, 'x.wav'), /x.wav: need 16-bit mono PCM/);
  assert.throws(() => parseWav(new Uint8Array(8), 'y.wav'), /y.wav: not a RIFF\/WAVE file/);
});

/** Builds an XDR R serialisation by hand: a data frame with a factor column and an integer column. */
function xdrDataFrame(): Uint8Array {
  const parts: number[] = [];
  const int = (v: number) => parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  const chars = (s: string) => {
    int(9);
    int(s.length);
    for (const c of s) parts.push(c.charCodeAt(0));
  };
  const strs = (xs: string[]) => {
    int(16);
    int(xs.length);
    xs.forEach(chars);
  };
  const sym = (s: string) => {
    int(1);
    chars(s);
  };
  parts.push(0x58, 0x0a);
  int(2); int(0x040202); int(0x020300);
  int(19 | (1 << 8) | (1 << 9)); int(2); // list of 2 columns, object with attributes
  int(13 | (1 << 8) | (1 << 9)); int(3); int(2); int(1); int(-2147483648); // factor codes 2, 1, NA
  int(2 | (1 << 10)); sym('levels'); strs(['a', 'b']);
  int(2 | (1 << 10)); sym('class'); strs(['factor']);
  int(254);
  int(13); int(3); int(5); int(4); int(3);
  int(2 | (1 << 10)); sym('names'); strs(['f', 'y']);
  int(2 | (1 << 10)); sym('class'); strs(['data.frame']);
  int(254);
  return Uint8Array.from(parts);
}

test('the R serialisation reader: a data frame with a factor, symbols by reference, errors', () => {
  const cols = dataFrameColumns(unserialize(xdrDataFrame()));
  const f = cols.get('f') as { codes: Int32Array; levels: string[] };
  assert.deepEqual(Array.from(f.codes), [1, 0, -1]);
  assert.deepEqual(f.levels, ['a', 'b']);
  assert.deepEqual(Array.from(cols.get('y') as Int32Array), [5, 4, 3]);
  assert.throws(() => unserialize(Uint8Array.from([1, 2, 3]), 'z.rds'), /z.rds: not an XDR R serialisation/);
  assert.throws(() => unserialize(xdrDataFrame().subarray(0, 40), 'cut.rds'), /cut.rds: unexpected end of data/);
});

test('recommendation: the split keeps test users and items seen in training; biases fit exactly', () => {
  // two users, two items; user 1 rates one point higher
  const r: Ratings = {
    user: Int32Array.from([0, 0, 1, 1]), item: Int32Array.from([0, 1, 0, 1]), dept: new Int32Array(4), service: new Int32Array(4),
    rating: Float32Array.from([2, 4, 3, 5]), n: 4, users: 2, items: 2, depts: 1,
  };
  const b = fitBiases(r, [0, 1, 2, 3], 0, 50);
  const pred = [0, 1, 2, 3].map((k) => b.mu + b.bu[r.user[k]!]! + b.bi[r.item[k]!]!);
  assert.ok(rmse(pred, r.rating) < 1e-9);
  const s = splitRatings(r, 0.5, 1);
  assert.equal(s.train.length, 2);
  for (const k of s.test) assert.ok(s.train.some((t) => r.user[t] === r.user[k]) && s.train.some((t) => r.item[t] === r.item[k]));
});

test('translation: English and Chinese number names follow the rules (and, hyphens, 零, 十 vs 一十)', () => {
  const cases: [number, string, string][] = [
    [0, 'zero', '零'], [7, 'seven', '七'], [10, 'ten', '十'], [15, 'fifteen', '十五'], [20, 'twenty', '二十'], [42, 'forty-two', '四十二'],
    [100, 'one hundred', '一百'], [105, 'one hundred and five', '一百零五'], [110, 'one hundred and ten', '一百一十'], [115, 'one hundred and fifteen', '一百一十五'],
    [1000, 'one thousand', '一千'], [1005, 'one thousand and five', '一千零五'], [1050, 'one thousand and fifty', '一千零五十'], [1203, 'one thousand two hundred and three', '一千二百零三'],
    [3042, 'three thousand and forty-two', '三千零四十二'], [10000, 'ten thousand', '一万'], [10010, 'ten thousand and ten', '一万零一十'], [10100, 'ten thousand one hundred', '一万零一百'],
    [12300, 'twelve thousand three hundred', '一万二千三百'], [20001, 'twenty thousand and one', '二万零一'], [70809, 'seventy thousand eight hundred and nine', '七万零八百零九'],
    [99999, 'ninety-nine thousand nine hundred and ninety-nine', '九万九千九百九十九'],
  ];
  for (const [n, en, zh] of cases) {
    assert.equal(english(n), en, `english(${n})`);
    assert.equal(chinese(n), zh, `chinese(${n})`);
  }
  assert.deepEqual(englishTokens('three thousand and forty-two'), ['three', 'thousand', 'and', 'forty', '-', 'two']);
  assert.equal(joinEnglish(englishTokens('ninety-nine thousand nine hundred and ninety-nine')), 'ninety-nine thousand nine hundred and ninety-nine');
  assert.deepEqual(chineseTokens('三千零四十二'), ['三', '千', '零', '四', '十', '二']);
  // every name is distinct in each language (so a held-out number's translation is never a training target)
  const en = new Set<string>();
  const zh = new Set<string>();
  for (let n = 0; n < 100_000; n++) {
    en.add(english(n));
    zh.add(chinese(n));
  }
  assert.equal(en.size, 100_000);
  assert.equal(zh.size, 100_000);
  assert.throws(() => english(100_000), /integer in \[0, 100000\)/);
  assert.throws(() => chinese(-1), /integer in/);
  assert.throws(() => chinese(1.5), /integer in/);
});

test('translation data: held-out numbers never appear in training; edit distance; nearest neighbour', () => {
  const d = makeData(500, 50, 3);
  assert.equal(d.testNumbers.length, 50);
  assert.equal(d.trainNumbers.length + d.testNumbers.length, 500);
  const train = new Set(d.trainNumbers);
  assert.ok(d.testNumbers.every((n) => !train.has(n)));
  assert.equal(d.train.length, 900);
  assert.ok(d.train.every((p) => train.has(p.n)) && d.test.every((p) => !train.has(p.n)));
  assert.deepEqual(makeData(500, 50, 3).testNumbers, d.testNumbers);
  assert.equal(editDistance([1, 2, 3], [1, 3]), 1);
  assert.equal(editDistance([], [4, 5]), 2);
  assert.equal(editDistance([1, 2, 3, 4], [2, 1, 3, 5]), 3);
  const nn = nearestNeighbour(d.train, d.test.slice(0, 4));
  nn.forEach((tgt, i) => {
    const q = d.test[i]!;
    const best = Math.min(...d.train.filter((p) => p.dir === q.dir).map((p) => editDistance(p.src, q.src)));
    const chosen = d.train.find((p) => p.dir === q.dir && p.tgt === tgt)!;
    assert.equal(editDistance(chosen.src, q.src), best);
  });
});
