/**
 * The tutorial's worked example prints z^{(1)} = [1.1, 1.7]; its first entry is an arithmetic
 * slip. On that example, the stop of each unit of layer 1 compares the printed value with the one
 * nabla computed, and says why they differ where they do.
 */
import { SEED_PRINTED, fmt, isSeedFirstLayer, type ExplanationData } from './library.js';

export interface Correction {
  /** the quantity, in LaTeX */
  symbol: string;
  /** what the tutorial prints, and nabla's value, as text */
  printed: string;
  computed: string;
  /** false where the tutorial's value is right */
  differs: boolean;
  /** one sentence: why they differ (or that they agree) */
  why: string;
}

/** The comparison for z^{(1)}_{j+1} when `d` is the tutorial's example, else null. */
export function seedCorrection(d: ExplanationData, j: number): Correction | null {
  const l = d.layers[0];
  const printed = SEED_PRINTED.z1[j];
  if (l === undefined || printed === undefined || d.batchSize !== 1 || !isSeedFirstLayer(l)) return null;
  const n = l.W.shape[1]!;
  const z = l.z.data[j]!;
  const terms = Array.from({ length: n }, (_, i) => `${fmt(l.W.data[j * n + i]!, 4)}·${fmt(l.aPrev.data[i]!, 4)}`);
  const sum = `${terms.join(' + ')} + ${fmt(l.b!.data[j]!, 4)} = ${fmt(z, 4)}`;
  const differs = Math.abs(z - printed) > 1e-9;
  return {
    symbol: `z^{(1)}_{${j + 1}}`,
    printed: fmt(printed, 4),
    computed: fmt(z, 10),
    differs,
    why: differs
      ? `The tutorial's sum is off by ${fmt(printed - z, 4)}: ${sum}; every value after this one follows from ${fmt(z, 4)}.`
      : `Here the tutorial is right: ${sum}.`,
  };
}
