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
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxPool1d, AvgPool1d } from './pool.js';
