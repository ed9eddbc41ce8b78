/**
 * Deterministic sample values for the op table, and the JSON encoding the fixtures share with
 * tools/fixtures/make_optable.py.
 *
 * Random values are multiples of 1/64: exact in float32 and float64 and short in JSON, so the
 * same numbers reach nabla and PyTorch. Each op draws from its own generator, seeded by its name,
 * so adding a row leaves every other row's samples unchanged.
 */
import type { DType } from '../core/dtype.js';
import { Generator } from '../core/rng.js';
import type { InputSpec, ViewStep } from './types.js';

/** FNV-1a hash of a string: the per-op seed. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Edge values: NaN, infinities, signed zeros, +-1, halves, huge and tiny, softplus's threshold. */
export const EDGE32: readonly number[] = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 1e38, -1e38, 1e-38, 1e-45, 88.75, -104, 20.5, -20.5];
export const EDGE64: readonly number[] = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 1e300, -1e300, 1e-300, 5e-324, 710, -746, 20.5, -20.5];
/** a small grid for binary ops: every pair of these */
export const EDGE_PAIR: readonly number[] = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2.5];

/** A value source for one op's samples. */
export class Values {
  private readonly g: Generator;
  constructor(name: string) {
    this.g = new Generator(seedOf(name));
  }

  /** Uniform multiples of 1/64 in [lo, hi] (integers for int32, 0/1 for bool). */
  rand(shape: readonly number[], dtype: DType = 'float64', lo = -1, hi = 1): InputSpec {
    const n = size(shape);
    const data: number[] = [];
    for (let i = 0; i < n; i++) {
      if (dtype === 'bool') data.push(this.g.random() < 0.5 ? 1 : 0);
      else if (dtype === 'int32') data.push(Math.floor(lo) + this.g.randint(Math.floor(hi) - Math.floor(lo) + 1));
      else data.push((Math.round(lo * 64) + this.g.randint(Math.round((hi - lo) * 64) + 1)) / 64);
    }
    return { shape: [...shape], dtype, data };
  }

  /**
   * Distinct values `step` apart around `center`, in random order: no ties, no value within
   * step/4 of the center (kinks at 0 of relu/abs/max are not straddled by finite differences),
   * and none at an integer or a half-integer (floor, round) for step 1/8.
   */
  spread(shape: readonly number[], dtype: DType = 'float64', step = 0.125, center = 0): InputSpec {
    const n = size(shape);
    const perm = Array.from(this.g.permutation(n));
    const data = perm.map((p) => center + (p - n / 2 + 0.75) * step);
    return { shape: [...shape], dtype, data };
  }

  /** A random permutation of 0..n-1. */
  perm(n: number): number[] {
    return Array.from(this.g.permutation(n));
  }

  int(n: number): number {
    return this.g.randint(n);
  }
}

/** A tensor spec from explicit values. */
export function vals(shape: readonly number[], dtype: DType, data: readonly number[], extra: { view?: readonly ViewStep[]; grad?: boolean } = {}): InputSpec {
  if (data.length !== size(shape)) throw new Error(`optable: ${data.length} values for shape [${shape.join(',')}]`);
  return { shape: [...shape], dtype, data: [...data], ...extra };
}

/** The same spec seen through a view (its stored shape must be the view's source). */
export function view(spec: InputSpec, ...steps: ViewStep[]): InputSpec {
  return { ...spec, view: [...(spec.view ?? []), ...steps] };
}

export function noGrad(spec: InputSpec): InputSpec {
  return { ...spec, grad: false };
}

export function asDType(spec: InputSpec, dtype: DType): InputSpec {
  return { ...spec, dtype, data: dtype === 'int32' ? spec.data.map((v) => Math.trunc(v)) : dtype === 'bool' ? spec.data.map((v) => (v ? 1 : 0)) : spec.data };
}

/**
 * The upstream gradient the table uses for output `i` (k-th element, row-major), in TS and in
 * the fixture script alike: +-0.25 .. +-2.25, never 0, exact in every float dtype.
 */
export function upstream(i: number, k: number): number {
  return ((((k + 13 * i) * 7 + 3) % 10) - 4.5) / 2;
}

// ------------------------------------------------------------------ JSON with NaN, infinities, -0

const TOKENS: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };

/** JSON.stringify that writes NaN, +-Infinity and -0 as the strings 'nan', 'inf', '-inf', '-0'. */
export function encodeJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v !== 'number') return v;
      if (Number.isNaN(v)) return 'nan';
      if (v === Infinity) return 'inf';
      if (v === -Infinity) return '-inf';
      if (Object.is(v, -0)) return '-0';
      return v;
    },
    indent,
  );
}

/** JSON.parse that turns those strings back into numbers. */
export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && v in TOKENS ? TOKENS[v] : v)) as T;
}
