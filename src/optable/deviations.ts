/**
 * Where nabla differs from PyTorch on purpose. The README's "Deviations from PyTorch" section is
 * this list; test/core/deviations.test.ts checks each entry, and an op-table sample that differs
 * from its PyTorch fixture must name one of these ids.
 */
export interface Deviation {
  readonly id: string;
  readonly text: string;
}

export const DEVIATIONS: readonly Deviation[] = [
  { id: 'no-int64', text: 'There is no int64: where PyTorch returns int64 (argmax, sums of int32 or bool, a bool tensor plus an integer), nabla returns int32.' },
  { id: 'int-input-float-op', text: 'Float-only ops (mean, var, std, gelu, softplus, elu, leakyRelu, silu) accept int32 and bool inputs and compute in float32, where PyTorch raises.' },
  { id: 'int-matmul', text: 'matmul of integer tensors is refused (PyTorch computes it in integers).' },
  { id: 'mixed-float-matmul', text: 'matmul of float32 with float64 promotes to float64 (PyTorch raises).' },
  { id: 'non-bool-condition', text: 'where and maskedFill take an int32 or float condition as true where it is non-zero (PyTorch requires bool).' },
  { id: 'one-hot-float', text: 'oneHot returns float32 (PyTorch: int64), ready to multiply with float tensors.' },
  { id: 'loss-shape-broadcast', text: 'Regression losses (mseLoss, l1Loss, smoothL1Loss, huberLoss) and binary cross-entropy require input and target of one shape; PyTorch broadcasts them with a warning, which silently computes a different loss.' },
  { id: 'clamp-nan-bound', text: 'clamp with a NaN bound gives NaN everywhere; PyTorch 1.13 ignores a NaN min or max when it is the only bound (and gives NaN when both are given).' },
  { id: 'index-select-0d', text: 'indexSelect of a 0-d tensor takes an index of exactly one element; PyTorch 1.13 accepts any number of elements (and reads uninitialised memory for an empty index).' },
  { id: 'empty-axis-list', text: 'A reduction over an empty axis list reduces every axis, as PyTorch 1.13 computes sum, mean, max, min, var and std; nabla keeps that meaning where PyTorch 1.13 does not: logsumexp (which raises without keepdim) and the gradients of var and std (computed as if no axis were reduced).' },
  { id: 'max-pool-empty-window', text: 'A max-pooling window that holds only padding (possible with dilation) outputs -inf and passes no gradient; PyTorch 1.13 sends its gradient to an element outside the window.' },
  { id: 'overflow-order', text: 'Where the terms of a sum are near the largest float (3.4e38 in float32, 1e300 and beyond in float64), the result depends on the order of summation, and nabla adds in another order (or in float64): it may be finite where PyTorch gives +-inf or NaN, the reverse, or another finite value.' },
  { id: 'log1p-float32-huge', text: 'log1p of a float32 value above 1.7e38 is finite (log1p(3.4e38) = 88.72); PyTorch 1.13 returns inf there.' },
  { id: 'elu-nan-gradient', text: "elu's gradient at NaN is NaN; PyTorch 1.13 gives NaN in its vectorised loop but the upstream gradient in the loop's scalar remainder, so its value depends on the element's position." },
  { id: 'full-float-default', text: 'full without a dtype is float32 whatever the value; PyTorch 1.13 infers int64 from an integer value and bool from a bool.' },
  { id: 'float-to-int-overflow', text: 'Casting NaN, +-inf or values outside int32 to int32 follows JavaScript (NaN and +-inf become 0, others wrap modulo 2^32); in PyTorch the result is undefined (x86 gives -2^31).' },
];

export function deviation(id: string): Deviation {
  const d = DEVIATIONS.find((x) => x.id === id);
  if (!d) throw new Error(`optable: unknown deviation '${id}'`);
  return d;
}
