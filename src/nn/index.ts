/**
 * `nb.nn`: modules (layers, containers, losses), `nb.nn.functional`, `nb.nn.init`, `nb.nn.utils`.
 * Each line re-exports one file; add a line per new file.
 */
export { Module, Parameter, expectRank } from './module.js';
export type { StateDict, LoadStateDictOptions } from './module.js';
export { RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU } from './rnn.js';
export type { CellOptions, RNNCellOptions, RecurrentLayerOptions, RNNOptions } from './rnn.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { detachState } from '../functional/rnn.js';
export { Conv2d, Conv1d } from './conv.js';
export type { Conv2dLayerOptions, Conv1dLayerOptions } from './conv.js';
export { ConvTranspose2d } from './conv-transpose.js';
export type { ConvTranspose2dLayerOptions } from './conv-transpose.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsample.js';
export type { UpsampleOptions } from './upsample.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxPool1d, AvgPool1d } from './pool.js';
export { Linear, Identity } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Sequential, ModuleList } from './container.js';
export type { AnyModule } from './container.js';
export { ReLU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, LeakyReLU, ELU, Softplus, SiLU } from './activation.js';
export { Flatten } from './flatten.js';
export { Dropout } from './dropout.js';
export { BatchNorm1d, BatchNorm2d, BatchNormBase } from './batchnorm.js';
export type { BatchNormOptions } from './batchnorm.js';
export { LayerNorm } from './layernorm.js';
export type { LayerNormOptions } from './layernorm.js';
export { MultiheadAttention } from './attention.js';
export type { MultiheadAttentionLayerOptions } from './attention.js';
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, generateSquareSubsequentMask,
} from './transformer.js';
export type {
  TransformerActivation, TransformerLayerOptions, EncoderLayerForwardOptions, DecoderLayerForwardOptions,
  TransformerEncoderOptions, EncoderForwardOptions, DecoderForwardOptions,
} from './transformer.js';
export { cloneModule } from './clone.js';
export { Loss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss.js';
export type { Reduction } from './loss.js';
export * as init from './init.js';
export * as utils from './utils.js';
export * as functional from '../functional/index.js';
