/**
 * Classification metrics from predicted and true class indices, for the trainer and the report.
 * Convention (as scikit-learn): `matrix[i][j]` counts samples whose true class is i and whose
 * predicted class is j, so rows sum to class sizes and the diagonal holds the correct ones.
 */
import { NablaError } from '../core/errors.js';

/** `numClasses x numClasses` confusion counts; throws if lengths differ or a label is out of range. */
export function confusionMatrix(pred: Int32Array | ArrayLike<number>, target: Int32Array | ArrayLike<number>, numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new NablaError(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (pred.length !== target.length) {
    throw new NablaError(`confusionMatrix: pred has ${pred.length} entries but target has ${target.length}; pass one prediction per target`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let k = 0; k < pred.length; k++) {
    const p = pred[k]!;
    const t = target[k]!;
    if (!(Number.isInteger(p) && p >= 0 && p < numClasses && Number.isInteger(t) && t >= 0 && t < numClasses)) {
      throw new NablaError(
        `confusionMatrix: at index ${k}, pred ${p} / target ${t} is not a class in [0, ${numClasses - 1}]; pass class indices (argmax of the logits), not scores`,
      );
    }
    m[t]![p]!++;
  }
  return m;
}

/** Fraction of samples on the diagonal (0 when the matrix is empty). */
export function accuracyFromConfusion(matrix: readonly (readonly number[])[]): number {
  let right = 0;
  let total = 0;
  matrix.forEach((row, i) => row.forEach((c, j) => {
    total += c;
    if (i === j) right += c;
  }));
  return total > 0 ? right / total : 0;
}

export interface ClassMetrics {
  /** Samples whose true class this is (the row sum). */
  support: number;
  /** Of the samples predicted as this class, the fraction that are (NaN if none predicted). */
  precision: number;
  /** Of the samples of this class, the fraction predicted as it (NaN if none). */
  recall: number;
  /** Harmonic mean of precision and recall (NaN if either is NaN or both are 0). */
  f1: number;
}

/** Precision, recall, F1 and support per class, from a confusion matrix. */
export function perClassMetrics(matrix: readonly (readonly number[])[]): ClassMetrics[] {
  const n = matrix.length;
  return matrix.map((row, i) => {
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < n; r++) predicted += matrix[r]![i]!;
    const tp = row[i]!;
    const precision = predicted > 0 ? tp / predicted : NaN;
    const recall = support > 0 ? tp / support : NaN;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : NaN;
    return { support, precision, recall, f1 };
  });
}
