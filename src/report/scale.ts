/**
 * Scales for the report charts: a data interval mapped onto a pixel range, with "nice" ticks
 * (steps of 1, 2 or 5 times a power of ten; powers of ten on a log axis), and a band scale for
 * categories. Pure arithmetic, no DOM.
 */

export interface Scale {
  /** data value -> pixel */
  map(v: number): number;
  /** data values where ticks go, in increasing order */
  ticks: number[];
  /** a label formatter suited to the ticks (used when the chart gives none) */
  defaultFormat: (v: number) => string;
  domain: readonly [number, number];
}

/** The tick step for about `count` ticks over `span`: 1, 2 or 5 times a power of ten. */
export function tickStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const err = raw / power;
  return power * (err >= 7.07 ? 10 : err >= 3.16 ? 5 : err >= 1.41 ? 2 : 1);
}

/** Decimal places that show a step exactly (0.25 -> 2, 5 -> 0). */
function decimalsOf(step: number): number {
  for (let d = 0; d < 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 12;
}

function fixedFormat(decimals: number): (v: number) => string {
  return (v) => {
    const s = Math.abs(v).toFixed(decimals);
    const g = s.replace(/^(\d+)/, (int) => (int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int));
    return (v < 0 && /[1-9]/.test(s) ? '−' : '') + g;
  };
}

export interface LinearOptions {
  /** extend the domain to tick steps (default true) */
  nice?: boolean;
  /** the domain must include 0 */
  zero?: boolean;
  /** only integer ticks (for epochs and steps) */
  integer?: boolean;
  /** pixels kept free at both ends of the range */
  padding?: number;
}

/** A linear scale of `[lo, hi]` onto the pixels `[r0, r1]` (r1 < r0 for a y axis). */
export function linearScale(lo: number, hi: number, r0: number, r1: number, count: number, opts: LinearOptions = {}): Scale {
  if (opts.zero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  if (!(hi > lo)) {
    // one value (or none): a unit interval around it
    const c = Number.isFinite(lo) ? lo : 0;
    const half = c === 0 ? 1 : Math.abs(c) * 0.1;
    lo = c - half;
    hi = c + half;
    if (opts.integer) {
      lo = Math.floor(c - 1);
      hi = Math.ceil(c + 1);
    }
  }
  let step = tickStep(hi - lo, count);
  if (opts.integer) step = Math.max(1, Math.round(step));
  if (opts.nice !== false) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
    step = opts.integer ? Math.max(1, Math.round(tickStep(hi - lo, count))) : tickStep(hi - lo, count);
  }
  const ticks: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  const pad = opts.padding ?? 0;
  const a = r0 + Math.sign(r1 - r0) * pad;
  const b = r1 - Math.sign(r1 - r0) * pad;
  const L = lo;
  const H = hi;
  return {
    map: (v) => a + ((v - L) / (H - L)) * (b - a),
    ticks,
    defaultFormat: fixedFormat(opts.integer ? 0 : decimalsOf(step)),
    domain: [lo, hi],
  };
}

/** A log10 scale of `[lo, hi]` (both > 0), extended to powers of ten, onto `[r0, r1]`. */
export function logScale(lo: number, hi: number, r0: number, r1: number, count: number): Scale {
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
  if (!(hi > lo)) hi = lo * 10;
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  const e1 = Math.max(e0 + 1, Math.ceil(Math.log10(hi) - 1e-9));
  const decades = e1 - e0;
  const ticks: number[] = [];
  if (decades <= 2) {
    // few decades: 1, 2 and 5 in each
    for (let e = e0; e <= e1; e++) for (const m of [1, 2, 5]) if (e < e1 || m === 1) ticks.push(Number((m * 10 ** e).toPrecision(12)));
  } else {
    const every = Math.max(1, Math.ceil(decades / Math.max(1, count)));
    for (let e = e0; e <= e1; e += every) ticks.push(Number((10 ** e).toPrecision(12)));
  }
  const L = e0;
  const H = e1;
  return {
    map: (v) => r0 + ((Math.log10(v) - L) / (H - L)) * (r1 - r0),
    ticks,
    defaultFormat: (v) => {
      const a = Math.abs(v);
      if (a >= 1e-3 && a < 1e5) return fixedFormat(Math.max(0, -Math.floor(Math.log10(a) + 1e-9)))(v);
      return v.toExponential(0).replace('e+', 'e');
    },
    domain: [10 ** e0, 10 ** e1],
  };
}

/** Evenly spaced bands for `n` categories over `[r0, r1]`; `inner` is the gap as a fraction of a step. */
export function bandScale(n: number, r0: number, r1: number, inner = 0.1, outer = 0.05): { start(i: number): number; width: number; center(i: number): number } {
  const step = (r1 - r0) / Math.max(1, n - inner + 2 * outer);
  const width = step * (1 - inner);
  const start = (i: number): number => r0 + step * (outer + i);
  return { start, width, center: (i) => start(i) + width / 2 };
}
