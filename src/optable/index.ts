/**
 * The op table: one row per public op with its sample inputs (see types.ts). It drives the
 * float64 gradcheck tests, the backend parity and PyTorch fixture replay tests
 * (test/fixtures/torch/optable.json, made by tools/fixtures/make_optable.py), and
 * `nabla gradcheck <op>`.
 */
import type { OpInfo } from './types.js';
import { ELEMENTWISE_ROWS } from './rows-elementwise.js';
import { REDUCE_ROWS } from './rows-reduce.js';
import { SHAPE_ROWS } from './rows-shape.js';
import { NN_ROWS } from './rows-nn.js';
import { RECURRENT_ROWS } from './rows-recurrent.js';
import { MORE_ROWS } from './rows-more.js';

export type { OpInfo, Sample, InputSpec, ViewStep, Args, ArgValue } from './types.js';
export { DEVIATIONS, deviation } from './deviations.js';
export type { Deviation } from './deviations.js';
export { execute, backwardOf, gradcheckFn, gradcheckSamples, leafOf, applyView, wantsGrad, upstreamFor } from './run.js';
export type { Execution } from './run.js';
export { encodeJson, decodeJson, upstream } from './values.js';

export const OP_TABLE: readonly OpInfo[] = [...ELEMENTWISE_ROWS, ...REDUCE_ROWS, ...SHAPE_ROWS, ...NN_ROWS, ...RECURRENT_ROWS, ...MORE_ROWS];

{
  const seen = new Set<string>();
  for (const op of OP_TABLE) {
    const key = op.name.toLowerCase();
    if (seen.has(key)) throw new Error(`optable: two rows named '${op.name}'`);
    seen.add(key);
    const names = new Set<string>();
    for (const s of op.samples) {
      if (names.has(s.name)) throw new Error(`optable: ${op.name} has two samples named '${s.name}'`);
      names.add(s.name);
    }
  }
}

/** The row called `name`, matched case-insensitively (undefined if there is none). */
export function findOp(name: string): OpInfo | undefined {
  const key = name.toLowerCase();
  return OP_TABLE.find((op) => op.name.toLowerCase() === key);
}

/** Rows x samples, for reports. */
export function tableSize(): { ops: number; samples: number } {
  return { ops: OP_TABLE.length, samples: OP_TABLE.reduce((n, op) => n + op.samples.length, 0) };
}
export { sampleKey } from './key.js';
