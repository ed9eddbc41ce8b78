/**
 * Replaying the op table against its PyTorch fixture (test/fixtures/torch/optable.json, made by
 * tools/fixtures/make_optable.py) and comparing two runs of a sample (backend parity).
 *
 * Outputs must equal PyTorch's: the same number of outputs, shapes (0-d is not [1]), dtypes
 * (int64 is int32 here), NaN at the same positions, infinities with the same sign, integers and
 * bools exactly, and finite floats within a tolerance scaled by the dtype and by the largest
 * magnitude in the expected tensor. Gradients likewise, input by input.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Tensor } from '../../src/core/tensor.js';
import type { DType } from '../../src/core/dtype.js';
import { NablaError, fmtShape } from '../../src/core/errors.js';
import { formatIndex } from '../../src/core/shape.js';
import { type OpInfo, type Sample, backwardOf, decodeJson, execute, sampleKey } from '../../src/optable/index.js';

export interface FixtureT {
  shape: number[];
  dtype: DType;
  data: number[];
}

export interface FixtureSample {
  name: string;
  key: string;
  error?: string;
  out?: FixtureT[];
  grads?: (FixtureT | null)[];
  gradError?: string;
}

let cache: Map<string, Map<string, FixtureSample>> | null = null;

/** The fixture's samples of one op, by sample name. */
export function fixtureOf(op: string): Map<string, FixtureSample> {
  if (cache === null) {
    const path = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'torch', 'optable.json');
    const raw = decodeJson<{ ops: Record<string, FixtureSample[]> }>(readFileSync(path, 'utf8'));
    cache = new Map(Object.entries(raw.ops).map(([k, v]) => [k, new Map(v.map((s) => [s.name, s]))]));
  }
  return cache.get(op) ?? new Map();
}

/** Relative and absolute tolerance (times the tensor's largest finite magnitude, at least 1) per dtype. */
const TOL: Record<'float32' | 'float64', { rtol: number; atol: number }> = {
  float32: { rtol: 2e-5, atol: 2e-6 },
  float64: { rtol: 1e-10, atol: 1e-12 },
};

interface Comparable {
  shape: readonly number[];
  dtype: DType;
  data: ArrayLike<number>;
}

function asComparable(t: Tensor | FixtureT): Comparable {
  if (t instanceof Tensor) return { shape: t.shape, dtype: t.dtype, data: t.data() };
  const data = t.dtype === 'float32' ? Float32Array.from(t.data) : t.data;
  return { shape: t.shape, dtype: t.dtype, data };
}

/**
 * null if `actual` equals `expected` as described above, else what differs. `tolDType` forces
 * the tolerance of a dtype (float32 for a float64 result computed from float32 inputs).
 */
export function compareTensors(actual: Tensor | FixtureT, expected: Tensor | FixtureT, tolMul = 1, tolDType?: 'float32'): string | null {
  const a = asComparable(actual);
  const e = asComparable(expected);
  if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) return `shape ${fmtShape(a.shape)}, expected ${fmtShape(e.shape)}`;
  if (a.dtype !== e.dtype) return `dtype ${a.dtype}, expected ${e.dtype}`;
  let scale = 1;
  for (let i = 0; i < e.data.length; i++) {
    const v = Math.abs(e.data[i]!);
    if (Number.isFinite(v) && v > scale) scale = v;
  }
  const exact = a.dtype === 'int32' || a.dtype === 'bool';
  const tol = exact ? { rtol: 0, atol: 0 } : TOL[tolDType ?? (a.dtype as 'float32' | 'float64')];
  const rtol = tol.rtol * tolMul;
  const atol = tol.atol * tolMul * scale;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    let ok: boolean;
    if (Number.isNaN(y) || Number.isNaN(x)) ok = Number.isNaN(x) && Number.isNaN(y);
    else if (!Number.isFinite(y) || !Number.isFinite(x)) ok = x === y;
    else ok = Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad === 0) return null;
  const idx = e.shape.length > 0 ? formatIndex(first, e.shape) : '[]';
  return `${bad} of ${e.data.length} values differ; first at ${idx}: ${a.data[first]} vs expected ${e.data[first]} (${a.dtype}, rtol ${rtol.toExponential(0)}, atol ${atol.toExponential(1)})`;
}

export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** The result of one sample on the current backend: outputs and gradients, or the error. */
export interface Outcome {
  error?: unknown;
  outputs?: Tensor[];
  grads?: (Tensor | null)[];
  gradError?: unknown;
}

export function runOutcome(op: OpInfo, s: Sample): Outcome {
  let exec;
  try {
    exec = execute(op, s);
  } catch (e) {
    return { error: e };
  }
  try {
    return { outputs: exec.outputs, grads: backwardOf(exec) };
  } catch (e) {
    return { outputs: exec.outputs, gradError: e };
  }
}

/** Compares one sample on the current backend with its PyTorch fixture; returns the problems found. */
export function checkAgainstTorch(op: OpInfo, s: Sample, f: FixtureSample | undefined): string[] {
  if (f === undefined || f.key !== sampleKey(s)) return ['the fixture is missing or stale: run `npm run fixtures:optable`'];
  const problems: string[] = [];
  if (s.throws && f.error === undefined) problems.push('the table expects an error, PyTorch returned a result');
  return [...problems, ...compareWithTorch(op, s, f)];
}

/**
 * Runs a sample (or a random call in the same form) on the current backend and compares it with
 * PyTorch's result: both raise or neither; then outputs and gradients. An error that is not a
 * NablaError (a raw TypeError or RangeError) is a problem even where PyTorch raises too.
 */
export function compareWithTorch(op: OpInfo, s: Sample, f: Omit<FixtureSample, 'key' | 'name'>): string[] {
  const problems: string[] = [];
  const low = s.inputs.some((i) => i.dtype === 'float32') ? 'float32' : undefined;
  const tolMul = (s.tol ?? 1) * (op.tol ?? 1);
  const r = runOutcome(op, s);
  if (r.error !== undefined && !(r.error instanceof NablaError)) return [`nabla throws a raw ${describeError(r.error)}`];
  if (f.error !== undefined) {
    if (r.error === undefined) problems.push(`PyTorch raises (${f.error}) but nabla returned a result`);
    return problems;
  }
  if (r.error !== undefined) return [...problems, `nabla throws ${describeError(r.error)}`];
  const outs = r.outputs!;
  const exp = f.out!;
  if (outs.length !== exp.length) return [...problems, `${outs.length} outputs, PyTorch gives ${exp.length}`];
  outs.forEach((y, i) => {
    const d = compareTensors(y, exp[i]!, tolMul, low);
    if (d !== null) problems.push(`output ${i}: ${d}`);
  });
  if (f.gradError !== undefined || f.grads === undefined) return problems;
  if (r.gradError !== undefined) return [...problems, `backward throws ${describeError(r.gradError)}`];
  f.grads.forEach((g, i) => {
    if (g === null) return;
    const mine = r.grads![i] ?? null;
    if (mine === null) {
      if (g.data.some((v) => v !== 0)) problems.push(`input ${i}: no gradient, PyTorch's is non-zero`);
      return;
    }
    const d = compareTensors(mine, g, 4 * tolMul, low);
    if (d !== null) problems.push(`gradient of input ${i}: ${d}`);
  });
  return problems;
}

/** Compares two outcomes of one sample (e.g. on two backends); returns the problems found. */
export function compareOutcomes(a: Outcome, b: Outcome, tolMul: number, tolDType?: 'float32'): string[] {
  if ((a.error === undefined) !== (b.error === undefined)) return [`one throws (${describeError(a.error ?? b.error)}), the other does not`];
  if (a.error !== undefined) return [];
  const problems: string[] = [];
  if (a.outputs!.length !== b.outputs!.length) return [`${a.outputs!.length} vs ${b.outputs!.length} outputs`];
  a.outputs!.forEach((y, i) => {
    const d = compareTensors(y, b.outputs![i]!, tolMul, tolDType);
    if (d !== null) problems.push(`output ${i}: ${d}`);
  });
  if ((a.gradError === undefined) !== (b.gradError === undefined)) return [...problems, 'backward throws on one only'];
  (a.grads ?? []).forEach((g, i) => {
    const h = b.grads?.[i] ?? null;
    if ((g === null) !== (h === null)) problems.push(`input ${i}: gradient on one only`);
    else if (g !== null) {
      const d = compareTensors(g, h!, 4 * tolMul, tolDType);
      if (d !== null) problems.push(`gradient of input ${i}: ${d}`);
    }
  });
  return problems;
}
