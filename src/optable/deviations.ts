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
  { id: 'float-to-int-overflow', text: 'Casting NaN, +-inf or values outside int32 to int32 follows JavaScript (NaN and +-inf become 0, others wrap modulo 2^32); in PyTorch the result is undefined (x86 gives -2^31).' },
];

export function deviation(id: string): Deviation {
  const d = DEVIATIONS.find((x) => x.id === id);
  if (!d) throw new Error(`optable: unknown deviation '${id}'`);
  return d;
}
