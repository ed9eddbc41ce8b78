/**
 * The translation example's data: every number in [0, maxNumber) written both ways (numbers.ts),
 * a random held-out set of numbers never seen in training (in either direction), one shared
 * vocabulary, and padded batches. Each number gives two pairs: <2zh> + English -> Chinese and
 * <2en> + Chinese -> English (the first source token says which way to translate).
 */
import * as nb from '../../src/index.js';
import { Rng } from '../shared/rng.js';
import { MAX_NUMBER, chinese, chineseTokens, english, englishTokens } from './numbers.js';

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const TO_ZH = 3;
export const TO_EN = 4;
const SPECIALS = ['<pad>', '<bos>', '<eos>', '<2zh>', '<2en>'];

export type Direction = 'en-zh' | 'zh-en';

export interface Pair {
  n: number;
  dir: Direction;
  /** source ids, direction token first */
  src: number[];
  /** target ids without <bos>/<eos> */
  tgt: number[];
}

export class Vocab {
  readonly tokens: string[];
  private readonly index = new Map<string, number>();
  constructor(tokens: Iterable<string>) {
    this.tokens = [...SPECIALS, ...[...new Set(tokens)].sort()];
    this.tokens.forEach((t, i) => this.index.set(t, i));
  }
  get size(): number {
    return this.tokens.length;
  }
  id(t: string): number {
    const i = this.index.get(t);
    if (i === undefined) throw new Error(`translation vocabulary: unknown token '${t}'`);
    return i;
  }
}

export interface TranslationData {
  vocab: Vocab;
  train: Pair[];
  test: Pair[];
  trainNumbers: number[];
  testNumbers: number[];
  /** longest source or target in tokens, plus <bos>/<eos> */
  maxLen: number;
}

/** All numbers below maxNumber, `testCount` of them (chosen by `seed`) held out. */
export function makeData(maxNumber: number, testCount: number, seed: number): TranslationData {
  if (!(maxNumber > 1 && maxNumber <= MAX_NUMBER)) throw new RangeError(`translation data: maxNumber must be in (1, ${MAX_NUMBER}], got ${maxNumber}`);
  if (!(testCount > 0 && testCount < maxNumber)) throw new RangeError(`translation data: testCount must be in (0, ${maxNumber}), got ${testCount}`);
  const en = Array.from({ length: maxNumber }, (_, n) => englishTokens(english(n)));
  const zh = Array.from({ length: maxNumber }, (_, n) => chineseTokens(chinese(n)));
  const vocab = new Vocab([...en.flat(), ...zh.flat()]);
  const perm = new Rng(seed).permutation(maxNumber);
  const testNumbers = perm.slice(0, testCount).sort((a, b) => a - b);
  const trainNumbers = perm.slice(testCount).sort((a, b) => a - b);
  const pairs = (n: number): Pair[] => {
    const e = en[n]!.map((t) => vocab.id(t));
    const z = zh[n]!.map((t) => vocab.id(t));
    return [{ n, dir: 'en-zh', src: [TO_ZH, ...e], tgt: z }, { n, dir: 'zh-en', src: [TO_EN, ...z], tgt: e }];
  };
  const maxLen = [...en, ...zh].reduce((m, t) => Math.max(m, t.length), 0) + 2;
  return { vocab, train: trainNumbers.flatMap(pairs), test: testNumbers.flatMap(pairs), trainNumbers, testNumbers, maxLen };
}

function padded(rows: readonly (readonly number[])[]): nb.Tensor {
  const L = Math.max(...rows.map((r) => r.length));
  const a = new Int32Array(rows.length * L);
  rows.forEach((r, i) => a.set(r, i * L));
  return nb.tensor(a, { shape: [rows.length, L], dtype: 'int32' });
}

/** A batch for teacher forcing: src [N, S], decoder input <bos> + tgt [N, T], expected tgt + <eos> flattened [N*T] (0 = padding, ignored). */
export function batch(pairs: readonly Pair[]): { src: nb.Tensor; tgtIn: nb.Tensor; tgtOut: nb.Tensor } {
  const tgtOut = padded(pairs.map((p) => [...p.tgt, EOS]));
  return { src: padded(pairs.map((p) => p.src)), tgtIn: padded(pairs.map((p) => [BOS, ...p.tgt])), tgtOut: tgtOut.reshape([-1]) };
}

export function sourceTensor(pairs: readonly Pair[]): nb.Tensor {
  return padded(pairs.map((p) => p.src));
}

/** Levenshtein distance between two token sequences. */
export function editDistance(a: readonly number[], b: readonly number[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The baseline: translate by retrieval. For each test source, the training pair (same direction)
 * whose source is nearest in token edit distance (first in number order on ties), and its target.
 * It can never be exactly right on a held-out number (every number's target is unique), so it is
 * compared on token error rate too.
 */
export function nearestNeighbour(train: readonly Pair[], test: readonly Pair[]): number[][] {
  return test.map((q) => {
    let best: Pair | null = null;
    let bestD = Infinity;
    for (const p of train) {
      if (p.dir !== q.dir || Math.abs(p.src.length - q.src.length) >= bestD) continue;
      const d = editDistance(p.src, q.src);
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    return best!.tgt;
  });
}
