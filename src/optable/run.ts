/**
 * Running a row of the op table: building a sample's input tensors (leaves, then their views),
 * calling the op, and backpropagating the table's fixed upstream gradients. The tests, the
 * `nabla gradcheck` command and the fixture dump all go through here, so they run the same calls.
 */
import { Tensor } from '../core/tensor.js';
import { allocate, isFloat } from '../core/dtype.js';
import type { SliceSpec } from '../core/tensor.js';
import { cat } from '../ops/indexing.js';
import type { InputSpec, OpInfo, Sample, ViewStep } from './types.js';
import { upstream } from './values.js';

/** A fresh contiguous leaf holding the spec's stored values. */
export function leafOf(spec: InputSpec, requiresGrad: boolean): Tensor {
  const s = allocate(spec.dtype, spec.data.length);
  for (let i = 0; i < spec.data.length; i++) s[i] = spec.data[i]!;
  const t = new Tensor(s, [...spec.shape]);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The view a sample's op receives (the leaf itself when there is none). */
export function applyView(t: Tensor, steps: readonly ViewStep[] | undefined): Tensor {
  let v = t;
  for (const s of steps ?? []) {
    if (s[0] === 'transpose') v = v.transpose(s[1], s[2]);
    else if (s[0] === 'stride') {
      const specs: SliceSpec[] = v.shape.map(() => null);
      specs[s[1]] = [s[2], null, s[3]];
      v = v.slice(...specs);
    } else v = v.expand(s[1]);
  }
  return v;
}

/** Whether the row's input gets a gradient: float inputs of a differentiable op, unless the spec says not. */
export function wantsGrad(op: OpInfo, spec: InputSpec): boolean {
  return op.differentiable && isFloat(spec.dtype) && spec.grad !== false;
}

export interface Execution {
  leaves: Tensor[];
  outputs: Tensor[];
}

/** Builds the inputs and calls the op (throws what the op throws). */
export function execute(op: OpInfo, sample: Sample, withGrad = true): Execution {
  const leaves = sample.inputs.map((s) => leafOf(s, withGrad && wantsGrad(op, s)));
  const views = leaves.map((l, i) => applyView(l, sample.inputs[i]!.view));
  const out = op.run(views, sample.args);
  return { leaves, outputs: out instanceof Tensor ? [out] : [...out] };
}

/** Output i's upstream gradient (the same values the fixture script uses). */
export function upstreamFor(i: number, y: Tensor): Tensor {
  const s = allocate(y.dtype, y.size);
  for (let k = 0; k < y.size; k++) s[k] = upstream(i, k);
  return new Tensor(s, y.shape);
}

/**
 * Backpropagates sum_i sum(outputs[i] * R_i) (R_i = upstreamFor(i)) and returns each leaf's
 * gradient (null for a leaf without one, or when no output carries a graph).
 */
export function backwardOf(exec: Execution): (Tensor | null)[] {
  let loss: Tensor | null = null;
  exec.outputs.forEach((y, i) => {
    if (!y.requiresGrad) return;
    const term = y.mul(upstreamFor(i, y)).sum();
    loss = loss === null ? term : loss.add(term);
  });
  if (loss === null) return exec.leaves.map(() => null);
  (loss as Tensor).backward();
  return exec.leaves.map((l) => (l.requiresGrad ? (l.grad ?? null) : null));
}

/**
 * The function gradcheck perturbs: the sample's leaves in, the op's output out (several outputs
 * flattened and joined).
 */
export function gradcheckFn(op: OpInfo, sample: Sample): (...leaves: Tensor[]) => Tensor {
  return (...leaves: Tensor[]) => {
    const views = leaves.map((l, i) => applyView(l, sample.inputs[i]!.view));
    const out = op.run(views, sample.args);
    if (out instanceof Tensor) return out;
    const parts = out.filter((t) => isFloat(t.dtype)).map((t) => t.reshape([-1]));
    return cat(parts, 0);
  };
}

/** The float64 samples of a row that finite differences can check. */
export function gradcheckSamples(op: OpInfo): Sample[] {
  if (!op.differentiable) return [];
  return op.samples.filter((s) => {
    if (s.gradcheck !== undefined) return s.gradcheck;
    if (s.throws) return false;
    const floats = s.inputs.filter((i) => isFloat(i.dtype) && i.grad !== false);
    return (
      floats.length > 0 &&
      s.inputs.every((i) => !isFloat(i.dtype) || i.dtype === 'float64') &&
      s.inputs.every((i) => i.data.every((v) => Number.isFinite(v))) &&
      floats.some((i) => i.data.length > 0) &&
      s.deviation === undefined
    );
  });
}
