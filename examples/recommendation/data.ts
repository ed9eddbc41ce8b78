/**
 * Real ratings for the recommendation example: InstEval from the R package lme4 (Debian's
 * r-cran-lme4, fetched by fetch-data.sh and read by rdata.ts without R): 73,421 lecture
 * evaluations at ETH Zurich, each a student (2,972) rating a lecturer (1,128) from 1 (poor) to
 * 5 (very good), with the lecture's department (14), whether it was a service course taught for
 * another department, the student's semester group and the lecturer's age group.
 *
 * (No user-item rating set such as MovieLens ships in any npm or Debian package this project
 * can reach; InstEval is the real rating matrix that does.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../shared/cache.js';
import { Rng } from '../shared/rng.js';
import { dataFrameColumns, lazyLoad } from './rdata.js';

export const DEFAULT_DIR = dataDir('insteval');

export interface Ratings {
  user: Int32Array;
  item: Int32Array;
  dept: Int32Array;
  service: Int32Array;
  rating: Float32Array;
  n: number;
  users: number;
  items: number;
  depts: number;
}

export function loadInstEval(dir = DEFAULT_DIR): Ratings {
  const base = join(dir, 'Rdata');
  if (!existsSync(`${base}.rdb`)) {
    throw new Error(`InstEval not found at ${base}.rdb; fetch it with examples/recommendation/fetch-data.sh (Debian's r-cran-lme4 package, not installed)`);
  }
  const cols = dataFrameColumns(lazyLoad(base, 'InstEval'));
  const factor = (name: string) => {
    const c = cols.get(name);
    if (!c || !('codes' in c)) throw new Error(`InstEval: column ${name} is missing or not a factor`);
    return c;
  };
  const y = cols.get('y');
  if (!(y instanceof Int32Array)) throw new Error('InstEval: column y is missing or not integer');
  const s = factor('s');
  const d = factor('d');
  const dept = factor('dept');
  const service = factor('service');
  return {
    user: s.codes, item: d.codes, dept: dept.codes, service: service.codes, rating: Float32Array.from(y), n: y.length,
    users: s.levels.length, items: d.levels.length, depts: dept.levels.length,
  };
}

/** A seeded split of the rating indices: `testShare` to test, keeping only test ratings whose user and item appear in training. */
export function splitRatings(r: Ratings, testShare: number, seed: number): { train: number[]; test: number[] } {
  const perm = new Rng(seed).permutation(r.n);
  const cut = Math.round(r.n * (1 - testShare));
  const train = perm.slice(0, cut);
  const seenU = new Uint8Array(r.users);
  const seenI = new Uint8Array(r.items);
  for (const k of train) {
    seenU[r.user[k]!] = 1;
    seenI[r.item[k]!] = 1;
  }
  const test = perm.slice(cut).filter((k) => seenU[r.user[k]!] && seenI[r.item[k]!]);
  return { train, test };
}

export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (pred[i]! - truth[i]!) ** 2;
  return Math.sqrt(s / truth.length);
}

/**
 * The user + item bias baseline: r_hat = mu + b_u + b_i, minimising the squared error plus
 * lambda (b_u^2 + b_i^2) by alternating exact updates (each b_u given the b_i, then each b_i).
 */
export function fitBiases(r: Ratings, idx: readonly number[], lambda = 5, sweeps = 10): { mu: number; bu: Float64Array; bi: Float64Array } {
  let mu = 0;
  for (const k of idx) mu += r.rating[k]! / idx.length;
  const bu = new Float64Array(r.users);
  const bi = new Float64Array(r.items);
  const su = new Float64Array(r.users);
  const nu = new Float64Array(r.users);
  const si = new Float64Array(r.items);
  const ni = new Float64Array(r.items);
  for (let it = 0; it < sweeps; it++) {
    su.fill(0); nu.fill(0);
    for (const k of idx) {
      su[r.user[k]!] += r.rating[k]! - mu - bi[r.item[k]!]!;
      nu[r.user[k]!]++;
    }
    for (let u = 0; u < r.users; u++) bu[u] = su[u]! / (nu[u]! + lambda);
    si.fill(0); ni.fill(0);
    for (const k of idx) {
      si[r.item[k]!] += r.rating[k]! - mu - bu[r.user[k]!]!;
      ni[r.item[k]!]++;
    }
    for (let i = 0; i < r.items; i++) bi[i] = si[i]! / (ni[i]! + lambda);
  }
  return { mu, bu, bi };
}
