/**
 * The Mauna Loa CO2 series of npm `vega-datasets` (co2-concentration.csv, copied here: monthly
 * means in ppm, March 1958 to April 2020), as a gap-free monthly series, and the pieces of a
 * one-step-ahead forecast: differences, windows, a chronological split, baselines and RMSE.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MonthlySeries {
  /** fractional year of each month (1958.167 = March 1958) */
  years: number[];
  /** CO2 in ppm, one value per month; months missing from the file are linearly interpolated */
  ppm: number[];
  /** how many months were interpolated */
  filled: number;
}

/**
 * Path of co2-concentration.csv, kept beside this file (18 KB): the file of npm `vega-datasets`
 * 3.2.1 (BSD-3-Clause), whose numbers are NOAA's Mauna Loa monthly means (public domain). A copy
 * rather than a devDependency, so the repository's install does not carry the other 42 MB.
 */
export function co2CsvPath(): string {
  const p = join(dirname(fileURLToPath(import.meta.url)), 'co2-concentration.csv');
  if (!existsSync(p)) throw new Error(`co2: ${p} is missing; it is part of the repository (examples/co2/)`);
  return p;
}

/** Parses `Date,CO2,adjusted CO2` rows into a monthly series, interpolating missing months. */
export function parseCo2(csv: string): MonthlySeries {
  const rows = csv.trim().split(/\r?\n/).slice(1).map((line) => {
    const [date, co2] = line.split(',');
    const [y, m] = date!.split('-').map(Number);
    return { month: y! * 12 + (m! - 1), ppm: Number(co2) };
  });
  const years: number[] = [];
  const ppm: number[] = [];
  let filled = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (i > 0) {
      const p = rows[i - 1]!;
      for (let k = p.month + 1; k < r.month; k++) {
        const f = (k - p.month) / (r.month - p.month);
        years.push(k / 12);
        ppm.push(p.ppm + f * (r.ppm - p.ppm));
        filled++;
      }
    }
    years.push(r.month / 12);
    ppm.push(r.ppm);
  }
  return { years, ppm, filled };
}

export function loadCo2(): MonthlySeries {
  return parseCo2(readFileSync(co2CsvPath(), 'utf8'));
}

/** Root mean squared error. */
export function rmse(pred: readonly number[], actual: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i]! - actual[i]!) ** 2;
  return Math.sqrt(s / pred.length);
}

/**
 * One-step-ahead baselines for the months `targets` (indices into `ppm`):
 * naive y_hat_t = y_{t-1}; seasonal naive y_hat_t = y_{t-12}.
 */
export function baselines(ppm: readonly number[], targets: readonly number[]): { naive: number[]; seasonal: number[] } {
  return { naive: targets.map((t) => ppm[t - 1]!), seasonal: targets.map((t) => ppm[t - 12]!) };
}
