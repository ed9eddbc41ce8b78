/**
 * The op table's vocabulary. One `OpInfo` row per public op: how to call it and a list of sample
 * inputs (dtypes, broadcast pairs, 0-d, size-0 and size-1 axes, negative axes, non-contiguous
 * views, edge values). Samples are plain data (JSON with NaN/Infinity/-0 encoded, see values.ts),
 * so the PyTorch fixture script can rebuild exactly the same inputs.
 */
import type { DType } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import type { GradcheckOptions } from '../core/gradcheck.js';

/** An argument of an op call: JSON data (numbers may be NaN, +-Infinity or -0). */
export type ArgValue = number | boolean | string | null | readonly ArgValue[] | { readonly [k: string]: ArgValue };
export type Args = { readonly [k: string]: ArgValue };

/**
 * One step turning a stored (contiguous) input into the view the op receives, applied in order:
 * transpose(a, b); every `step`-th element of `axis` from `start` (a strided slice); expand.
 */
export type ViewStep =
  | readonly ['transpose', number, number]
  | readonly ['stride', number, number, number]
  | readonly ['expand', readonly number[]];

/** One input tensor of a sample: contiguous storage values, then an optional view. */
export interface InputSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: readonly number[];
  readonly view?: readonly ViewStep[];
  /** whether the leaf requires grad (default: float inputs of a differentiable op) */
  readonly grad?: boolean;
}

export interface Sample {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly args: Args;
  /**
   * Checked by float64 finite differences (default: a differentiable op's all-float64 sample
   * whose values are finite). Samples straddling a kink or an edge value turn it off.
   */
  readonly gradcheck?: boolean;
  /** nabla differs from PyTorch here on purpose: the id of the entry in DEVIATIONS */
  readonly deviation?: string;
  /** the call is an error (in nabla and in PyTorch): the replay expects a throw */
  readonly throws?: boolean;
  /** tolerance multiplier for this sample (e.g. long sums in float32) */
  readonly tol?: number;
}

export interface OpInfo {
  /** the name used by the CLI and the fixtures, e.g. 'add', 'logsumexp', 'crossEntropy' */
  readonly name: string;
  /** the nabla call and the PyTorch call it must equal */
  readonly doc: string;
  readonly run: (xs: readonly Tensor[], args: Args) => Tensor | readonly Tensor[];
  readonly samples: readonly Sample[];
  /** false for ops without gradients (comparisons, argmax, casts to int...) */
  readonly differentiable: boolean;
  readonly gradcheck?: GradcheckOptions;
  /** tolerance multiplier for every sample of the op */
  readonly tol?: number;
}
