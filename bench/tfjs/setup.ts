/**
 * Loads TensorFlow.js with the cpu or wasm backend for a cell. The wasm backend's thread count
 * (`setThreadsCount`) takes effect only where tfjs-backend-wasm enables threads: in a
 * cross-origin-isolated page. In Node it turns threads off (its WASM_HAS_MULTITHREAD_SUPPORT flag
 * is false whenever IS_NODE), so a 2-thread cell there is skipped with that reason.
 */
import * as tf from '@tensorflow/tfjs';
import type { CellSpec } from '../lib/types.js';

class SkipCell extends Error {
  override readonly name = 'SkipCell';
}

export async function prepareTfjs(spec: CellSpec): Promise<void> {
  if (spec.backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (tf.env().get('IS_NODE')) {
      if (spec.threads > 1) throw new SkipCell('TF.js wasm runs one thread in Node: tfjs-backend-wasm 4.22 disables threads when IS_NODE (forcing WASM_HAS_MULTITHREAD_SUPPORT fails to initialise); its 2 threads are measured in the browser run');
    } else {
      // in a page: the .wasm files are served beside the bundle; the thread count is set before the
      // backend starts (TF.js caps it at navigator.hardwareConcurrency / 2, which bench/browser sets)
      wasm.setWasmPaths('/tfjs-wasm/');
      wasm.setThreadsCount(Math.max(1, spec.threads));
    }
  }
  if (!(await tf.setBackend(spec.backend))) throw new Error(`tfjs: backend ${spec.backend} did not initialise`);
  await tf.ready();
  if (spec.backend === 'wasm' && !tf.env().get('IS_NODE')) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const got = wasm.getThreadsCount();
    if (got !== spec.threads) throw new SkipCell(`TF.js wasm: asked for ${spec.threads} threads, runs ${got} (threads need a cross-origin-isolated page and navigator.hardwareConcurrency >= 2x the count)`);
  }
}
