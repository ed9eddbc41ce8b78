/**
 * The Wisconsin diagnostic breast-cancer table (W. H. Wolberg, W. N. Street, O. L. Mangasarian;
 * UCI): 569 fine-needle aspirates of breast masses, 30 features of the cell nuclei in the
 * digitised image (mean, standard error and worst value of radius, texture, perimeter, area,
 * smoothness, compactness, concavity, concave points, symmetry, fractal dimension), diagnosis
 * malignant (212) or benign (357). Read from the CSV that Debian's python3-sklearn package ships
 * (fetch-data.sh): a header line "569,30,malignant,benign", then 30 numbers and the class
 * (0 = malignant, 1 = benign) per line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../shared/cache.js';
import { Rng } from '../shared/rng.js';

const BASE = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension'];
export const FEATURES = [...BASE.map((b) => `mean ${b}`), ...BASE.map((b) => `${b} error`), ...BASE.map((b) => `worst ${b}`)];

export interface Table {
  /** features, row-major [n, 30] */
  x: Float64Array;
  /** 1 = malignant (the positive class), 0 = benign */
  y: Uint8Array;
  n: number;
  d: number;
}

export const DEFAULT_CSV = dataDir('breast-cancer', 'breast_cancer.csv');

/** Parses the sklearn CSV, checking the header's counts against the rows. Malignant becomes 1. */
export function parseBreastCancer(text: string, file = 'breast_cancer.csv'): Table {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = lines[0]?.split(',') ?? [];
  const n = Number(head[0]);
  const d = Number(head[1]);
  if (!Number.isInteger(n) || !Number.isInteger(d) || head[2] !== 'malignant' || head[3] !== 'benign') {
    throw new Error(`${file}: line 1 should be "<rows>,<features>,malignant,benign", got "${lines[0] ?? ''}"`);
  }
  if (lines.length - 1 !== n) throw new Error(`${file}: the header promises ${n} rows, found ${lines.length - 1}`);
  const x = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1]!.split(',');
    if (f.length !== d + 1) throw new Error(`${file}: line ${i + 2} has ${f.length} fields, expected ${d + 1}`);
    for (let j = 0; j < d; j++) {
      const v = Number(f[j]);
      if (!Number.isFinite(v)) throw new Error(`${file}: line ${i + 2}, field ${j + 1} is not a number: "${f[j]}"`);
      x[i * d + j] = v;
    }
    const c = f[d]!.trim();
    if (c !== '0' && c !== '1') throw new Error(`${file}: line ${i + 2}: class must be 0 (malignant) or 1 (benign), got "${c}"`);
    y[i] = c === '0' ? 1 : 0;
  }
  return { x, y, n, d };
}

export function loadBreastCancer(file = DEFAULT_CSV): Table {
  if (!existsSync(file)) {
    throw new Error(`breast-cancer data not found at ${file}; fetch it with examples/biomedicine/fetch-data.sh (Debian's python3-sklearn package, not installed)`);
  }
  return parseBreastCancer(readFileSync(file, 'utf8'), file);
}

/** Stratified k-fold split: each fold gets its share of each class; returns the test indices of each fold. */
export function stratifiedFolds(y: Uint8Array, k: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const cls of [0, 1]) {
    const idx = [...y.keys()].filter((i) => y[i] === cls);
    const perm = rng.permutation(idx.length).map((p) => idx[p]!);
    perm.forEach((i, j) => folds[j % k]!.push(i));
  }
  return folds;
}

/** Area under the ROC curve = P(score of a random positive > score of a random negative), ties count 1/2. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // average ranks over ties, then the Mann-Whitney U statistic
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[idx[t]!] === 1) {
      rankSumPos += rank;
      pos++;
    }
    i = j + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** The ROC curve's points (false-positive rate, true-positive rate), thresholds from high to low. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): { fpr: number; tpr: number }[] {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let P = 0;
  for (let i = 0; i < labels.length; i++) P += labels[i]!;
  const N = labels.length - P;
  const pts = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; i++) {
    if (labels[idx[i]!] === 1) tp++;
    else fp++;
    if (i + 1 === idx.length || scores[idx[i + 1]!] !== scores[idx[i]!]) pts.push({ fpr: fp / N, tpr: tp / P });
  }
  return pts;
}
