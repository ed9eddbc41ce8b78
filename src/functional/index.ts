/**
 * `nb.nn.functional`: the math behind the modules, as functions (composed from ops, so their
 * gradients come from autograd; hot fused ops live in src/ops with hand-written backward).
 * Each line re-exports one file; add a line per new file.
 */
export { softmax, logSoftmax } from '../ops/softmax.js';
export { relu, sigmoid, tanh } from '../ops/elementwise.js';
export { rnnCell, lstmCell, gruCell, rnn, lstm, gru, embedding, detachState } from './rnn.js';
export type { CellWeights, Nonlinearity, RecurrentOptions, RNNOptions, RecurrentState } from './rnn.js';
export { conv2d, conv1d, pad2d } from './conv.js';
export type { Conv2dOptions, Conv2dPadding, Conv1dOptions, Pair } from './conv.js';
export { convTranspose2d } from '../ops/conv-transpose.js';
export type { ConvTranspose2dOptions } from '../ops/conv-transpose.js';
export { interpolate } from '../ops/upsample.js';
export type { InterpolateOptions, UpsampleMode } from '../ops/upsample.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, maxPool1d, avgPool1d } from './pool.js';
export type { MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize, Pool1dOptions } from './pool.js';
export { linear } from './linear.js';
export { silu, gelu, softplus, leakyRelu, elu } from './activation.js';
export type { GeluApproximation } from './activation.js';
export { dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { batchNorm } from './batchnorm.js';
export type { BatchNormOptions } from './batchnorm.js';
export { layerNorm } from './layernorm.js';
export { scaledDotProductAttention } from './attention.js';
export type { ScaledDotProductAttentionOptions } from './attention.js';
export { multiHeadAttentionForward } from './multihead.js';
export type { MultiheadWeights, MultiheadAttentionOptions, MultiheadForwardOptions } from './multihead.js';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
} from './loss.js';
export type {
  Reduction, LossOptions, SmoothL1Options, HuberOptions, NLLOptions, CrossEntropyOptions, BCEOptions, BCEWithLogitsOptions,
} from './loss.js';
