/**
 * `nb.nn.functional`: the math behind the modules, as functions (composed from ops, so their
 * gradients come from autograd; hot fused ops live in src/ops with hand-written backward).
 * Each line re-exports one file; add a line per new file.
 */
export { softmax, logSoftmax } from '../ops/softmax.js';
export { relu, sigmoid, tanh, gelu, softplus, leakyRelu, elu } from '../ops/elementwise.js';
export { rnnCell, lstmCell, gruCell, rnn, lstm, gru, embedding, detachState } from './rnn.js';
export type { CellWeights, Nonlinearity, RecurrentOptions, RNNOptions, RecurrentState } from './rnn.js';
