/**
 * The reference backend: every kernel as readable TypeScript loops. It is the specification
 * that faster backends are tested against.
 */
import type { Backend } from '../types.js';
import { binary, copy, fill, geluBackward, geluForward, unary, where } from './elementwise.js';
import { argReduce, gather, reduce, scatterAdd, softmax, softmaxBackward } from './reduce.js';
import { gemm } from './gemm.js';
import { linearBackward } from './linear.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { adamStep } from './optim.js';
import { batchNormBackward, batchNormForward, batchNormStats } from './batchnorm.js';
import { layerNormBackward, layerNormForward } from './layernorm.js';
import { attentionBackward, attentionForward } from './attention.js';
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from './rnn.js';

export const referenceBackend: Backend = {
  name: 'ts',
  unary,
  binary,
  where,
  copy,
  fill,
  reduce,
  argReduce,
  gemm,
  linearBackward,
  softmax,
  softmaxBackward,
  gather,
  scatterAdd,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  batchNormStats,
  batchNormForward,
  batchNormBackward,
  layerNormForward,
  layerNormBackward,
  geluForward,
  geluBackward,
  attentionForward,
  attentionBackward,
  adamStep,
  lstmCellForward,
  lstmCellBackward,
  gruCellForward,
  gruCellBackward,
};
