/**
 * Random pieces of op calls for the op fuzzer (tools/fuzz/ops.ts): shapes with 0-d, size-0 and
 * size-1 axes, broadcast partners, axes (negative too), dtypes, values with NaN, +-inf, +-0,
 * denormals and huge numbers, and non-contiguous views (transposed, strided, expanded) of a
 * wanted shape. Everything comes from one seeded generator, so a seed names a set of calls.
 */
import { Generator } from '../../src/core/rng.js';
import type { DType } from '../../src/core/dtype.js';
import type { InputSpec, ViewStep } from '../../src/optable/index.js';

export const EDGE_F32: readonly number[] = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2, 1e-45, -1e-45, 1e-40, 1.1754943508222875e-38,
  3.4028234663852886e38, -3.4028234663852886e38, 1e30, -1e30, 88.75, -104, 16777217, 20, -20, 1e-7,
];
export const EDGE_F64: readonly number[] = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 1e300, -1e300, 710, -746, 9007199254740993, 20, -20, 1e-16,
];
export const EDGE_I32: readonly number[] = [2147483647, -2147483648, 65536, -65536, 46341, 0, 1, -1];

/** What values an input should mostly hold. */
export interface Domain {
  lo?: number;
  hi?: number;
  /** probability that the tensor mixes in edge values (default 0.25) */
  edge?: number;
  /** mix in values of any magnitude 2^-30 .. 2^30 (default: one tensor in 10) */
  wide?: boolean;
  /** integer range for int32 inputs (default [-6, 6]) */
  ilo?: number;
  ihi?: number;
}

export type ViewKind = 'any' | 'contiguous' | 'no-expand';

export class FuzzRand {
  private readonly g: Generator;
  constructor(seed: number) {
    this.g = new Generator(seed);
  }

  random(): number {
    return this.g.random();
  }
  /** an integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + this.g.randint(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.g.random() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.g.randint(xs.length)]!;
  }
  /** one of the keys, drawn with the given weights */
  weighted<T extends string | number>(w: readonly (readonly [T, number])[]): T {
    const total = w.reduce((s, [, x]) => s + x, 0);
    let u = this.g.random() * total;
    for (const [k, x] of w) {
      if ((u -= x) < 0) return k;
    }
    return w[w.length - 1]![0];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    return Array.from(this.g.permutation(xs.length), (i) => xs[i]!);
  }

  /** an axis size: mostly 1..5, sometimes 0 */
  dim(zero = 0.06, one = 0.2): number {
    const u = this.g.random();
    if (u < zero) return 0;
    if (u < zero + one) return 1;
    return this.int(2, 5);
  }

  /** a shape of rank lo..hi (weighted towards 1-3) with at most `maxSize` elements */
  shape(lo = 0, hi = 4, maxSize = 48, zero = 0.06): number[] {
    const weights: [number, number][] = [[0, 1], [1, 2.5], [2, 3.5], [3, 2], [4, 1], [5, 0.3]];
    const rank = this.weighted(weights.filter(([r]) => r >= lo && r <= hi));
    for (;;) {
      const s = Array.from({ length: rank }, () => this.dim(zero));
      if (s.reduce((a, b) => a * b, 1) <= maxSize) return s;
    }
  }

  /** a shape that broadcasts with `a` (or, with probability `bad`, one that does not) */
  broadcastPartner(a: readonly number[], bad = 0.04): number[] {
    if (bad > 0 && this.chance(bad) && a.some((d) => d > 1)) {
      const i = a.findIndex((d) => d > 1);
      const s = [...a];
      s[i] = s[i]! + 1;
      return s.slice(this.int(0, i));
    }
    const keep = this.int(0, a.length);
    const s = a.slice(a.length - keep).map((d) => (this.chance(0.3) ? 1 : d));
    // a partner of higher rank: leading axes the other side broadcasts
    if (this.chance(0.2) && s.length < 4) s.unshift(this.pick([1, 2, 3]));
    // the partner stretches a size-1 axis of `a`
    return s.map((d, i) => {
      const j = a.length - s.length + i;
      return j >= 0 && a[j] === 1 && d === 1 && this.chance(0.3) ? this.int(2, 3) : d;
    });
  }

  /** an axis of a rank-`n` tensor, negative half of the time (0-d tensors take 0 and -1) */
  axis(n: number, bad = 0.03): number {
    const m = Math.max(n, 1);
    if (this.chance(bad)) return this.chance(0.5) ? m : -m - 1;
    const a = this.int(0, m - 1);
    return this.chance(0.5) ? a - m : a;
  }

  dtype(w: readonly (readonly [DType, number])[] = [['float32', 4], ['float64', 3], ['int32', 1.5], ['bool', 1]]): DType {
    return this.weighted(w);
  }

  /** values of one dtype: multiples of 1/64 in the domain, some wide magnitudes, and edge values */
  values(n: number, dtype: DType, d: Domain = {}): number[] {
    const out: number[] = [];
    if (dtype === 'bool') {
      for (let i = 0; i < n; i++) out.push(this.chance(0.5) ? 1 : 0);
      return out;
    }
    const edge = this.chance(d.edge ?? 0.25) ? this.pick([0.15, 0.4]) : 0;
    const wide = d.wide !== false && this.chance(0.1);
    if (dtype === 'int32') {
      const lo = d.ilo ?? -6;
      const hi = d.ihi ?? 6;
      for (let i = 0; i < n; i++) out.push(edge > 0 && this.chance(edge) ? this.pick(EDGE_I32) : this.int(lo, hi));
      return out;
    }
    const lo = d.lo ?? -3;
    const hi = d.hi ?? 3;
    const edges = dtype === 'float32' ? EDGE_F32 : EDGE_F64;
    for (let i = 0; i < n; i++) {
      if (edge > 0 && this.chance(edge)) out.push(this.pick(edges));
      else if (wide && this.chance(0.5)) {
        const v = 2 ** (this.random() * 60 - 30) * (this.chance(0.5) ? -1 : 1);
        out.push(dtype === 'float32' ? Math.fround(v) : v);
      } else out.push((Math.round(lo * 64) + this.g.randint(Math.round((hi - lo) * 64) + 1)) / 64);
    }
    return out;
  }

  /**
   * A tensor whose view has shape `shape`: stored contiguously, or transposed, strided or
   * expanded from a stored tensor of another shape (`kind` limits the choice).
   */
  tensor(shape: readonly number[], dtype: DType, d: Domain = {}, kind: ViewKind = 'any', grad?: boolean): InputSpec {
    const views: ('none' | 'transpose' | 'stride' | 'expand')[] = ['none', 'none', 'none'];
    if (kind !== 'contiguous') {
      if (shape.length >= 2) views.push('transpose');
      if (shape.length >= 1) views.push('stride');
      if (kind === 'any' && shape.some((x) => x > 1)) views.push('expand');
    }
    const v = this.pick(views);
    let stored = [...shape];
    const steps: ViewStep[] = [];
    if (v === 'transpose') {
      const i = this.int(0, shape.length - 1);
      let j = this.int(0, shape.length - 2);
      if (j >= i) j++;
      [stored[i], stored[j]] = [stored[j]!, stored[i]!];
      steps.push(['transpose', i, j]);
    } else if (v === 'stride') {
      const ax = this.int(0, shape.length - 1);
      const step = this.int(2, 3);
      const start = this.int(0, 1);
      const size = shape[ax]!;
      stored[ax] = size === 0 ? start : start + (size - 1) * step + 1;
      steps.push(['stride', ax, start, step]);
    } else if (v === 'expand') {
      stored = shape.map((x) => (x > 1 && this.chance(0.6) ? 1 : x));
      if (stored.every((x, i) => x === shape[i])) stored[shape.findIndex((x) => x > 1)] = 1;
      if (this.chance(0.3)) while (stored[0] === 1) stored.shift();
      steps.push(['expand', [...shape]]);
    }
    const n = stored.reduce((a, b) => a * b, 1);
    const spec: InputSpec = { shape: stored, dtype, data: this.values(n, dtype, d) };
    return { ...spec, ...(steps.length ? { view: steps } : {}), ...(grad !== undefined ? { grad } : {}) };
  }

  /** a plain number operand (PyTorch's wrapped scalar): integers, fractions, edge values */
  scalar(): number {
    return this.weighted<number>([[2, 2], [-3, 1], [0, 1], [1, 1], [0.5, 2], [-2.25, 1], [1.5, 1], [NaN, 0.5], [Infinity, 0.5], [-Infinity, 0.5], [1e30, 0.3], [1e-30, 0.3]]);
  }
}
