/**
 * Reading the PyTorch reference fixtures (test/fixtures/torch/*.json; format in
 * test/fixtures/README.md) and comparing tensors against them.
 *
 *   for (const c of loadFixture('linear')) {
 *     const x = fixtureTensor(c.inputs.x!, { requiresGrad: true });
 *     assertClose(y, c.outputs.y!, { msg: c.name });
 *   }
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tensor } from '../../src/core/tensor.js';
import type { DType, TypedArray } from '../../src/core/dtype.js';
import { fmtShape } from '../../src/core/errors.js';
import { formatIndex } from '../../src/core/shape.js';

/** A tensor as the fixtures store it: flat row-major data. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32';
  data: number[];
}

/** One case of a fixture family. */
export interface Case {
  name: string;
  config: Record<string, unknown> & { type: string };
  params: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'torch');
const cache = new Map<string, Case[]>();

/** Every case of `test/fixtures/torch/<family>.json` (e.g. 'linear', 'losses', 'optim'). */
export function loadFixture(family: string): Case[] {
  const hit = cache.get(family);
  if (hit) return hit;
  const raw = JSON.parse(readFileSync(join(root, `${family}.json`), 'utf8')) as { cases: Partial<Case>[] };
  const cases = raw.cases.map((c) => ({
    name: c.name ?? '?',
    config: c.config ?? { type: '?' },
    params: c.params ?? {},
    inputs: c.inputs ?? {},
    outputs: c.outputs ?? {},
    grads: c.grads ?? {},
  })) as Case[];
  cache.set(family, cases);
  return cases;
}

/** The case called `name` in a family (throws if absent). */
export function fixtureCase(family: string, name: string): Case {
  const c = loadFixture(family).find((x) => x.name === name);
  if (!c) throw new Error(`fixture ${family}/${name} not found`);
  return c;
}

/** A case's config, typed as the caller expects it (the fixtures are trusted). */
export function configOf<T extends object>(c: Case): T & { type: string } {
  return c.config as unknown as T & { type: string };
}

/** True for a `{shape, dtype, data}` object. */
export function isFixtureTensor(x: unknown): x is FixtureTensor {
  return typeof x === 'object' && x !== null && Array.isArray((x as FixtureTensor).shape) && Array.isArray((x as FixtureTensor).data);
}

export interface FixtureTensorOptions {
  /** convert to this dtype (default: the stored one) */
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A fixture tensor as a nabla Tensor (a fresh contiguous copy). */
export function fixtureTensor(obj: FixtureTensor, opts: FixtureTensorOptions | DType = {}): Tensor {
  const o = typeof opts === 'string' ? { dtype: opts } : opts;
  const dtype = o.dtype ?? obj.dtype;
  const data: TypedArray =
    dtype === 'float64' ? Float64Array.from(obj.data) : dtype === 'float32' ? Float32Array.from(obj.data) : dtype === 'int32' ? Int32Array.from(obj.data) : Uint8Array.from(obj.data);
  const t = new Tensor(data, [...obj.shape]);
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

export interface CloseOptions {
  atol?: number;
  rtol?: number;
  msg?: string;
}

/** nested arrays are compared flattened (row-major) */
type Nested = number | readonly Nested[];
type Comparable = Tensor | FixtureTensor | number | ArrayLike<number> | readonly Nested[];

function flat(x: Comparable): { data: ArrayLike<number>; shape: readonly number[] | null } {
  if (x instanceof Tensor) return { data: x.data(), shape: x.shape };
  if (typeof x === 'number') return { data: [x], shape: null };
  if (isFixtureTensor(x)) return { data: x.data, shape: x.shape };
  if (Array.isArray(x)) return { data: flatten(x as readonly Nested[]), shape: null };
  return { data: x as ArrayLike<number>, shape: null };
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (defaults 1e-5 and 1e-5),
 * and equal shapes when both sides have one. The failure message names the worst element.
 */
export function assertClose(actual: Comparable, expected: Comparable, opts: CloseOptions = {}): void {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-5;
  const where = opts.msg ? `${opts.msg}: ` : '';
  const a = flat(actual);
  const e = flat(expected);
  if (a.shape !== null && e.shape !== null && (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))) {
    throw new Error(`${where}shape ${fmtShape(a.shape)} differs from expected ${fmtShape(e.shape)}`);
  }
  if (a.data.length !== e.data.length) throw new Error(`${where}${a.data.length} elements, expected ${e.data.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    if (x === y) continue; // also equal infinities
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
      if (Number.isNaN(excess)) break;
    }
  }
  if (worst >= 0) {
    const shape = a.shape ?? e.shape;
    const idx = shape ? formatIndex(worst, shape) : `[${worst}]`;
    const x = a.data[worst]!;
    const y = e.data[worst]!;
    throw new Error(
      `${where}element ${idx} is ${x}, expected ${y} (|diff| ${Math.abs(x - y).toExponential(3)} > atol ${atol} + rtol ${rtol} * |expected|; ${countBad(a.data, e.data, atol, rtol)} of ${a.data.length} elements differ)`,
    );
  }
}

/** assertClose with one tolerance for both terms: |actual - expected| <= tol * (1 + |expected|). */
export function assertNear(actual: Comparable, expected: Comparable, tol: number, msg: string): void {
  assertClose(actual, expected, { atol: tol, rtol: tol, msg });
}

function flatten(x: readonly Nested[], out: number[] = []): number[] {
  for (const v of x) {
    if (typeof v === 'number') out.push(v);
    else flatten(v, out);
  }
  return out;
}

function countBad(a: ArrayLike<number>, e: ArrayLike<number>, atol: number, rtol: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i] && !(Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!))) n++;
  return n;
}
