/** Loads TensorFlow.js with the cpu or wasm backend (single-threaded in Node) for a cell. */
import * as tf from '@tensorflow/tfjs';
import type { CellSpec } from '../lib/types.js';

export async function prepareTfjs(spec: CellSpec): Promise<void> {
  if (spec.backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
  if (!(await tf.setBackend(spec.backend))) throw new Error(`tfjs: backend ${spec.backend} did not initialise`);
  await tf.ready();
}
