/**
 * nabla's Node entry (the `node` condition of package.json, also `nabla/node`): everything of the
 * browser entry (src/browser.ts) plus what needs Node: the native addon (chosen at import when it
 * loads), `nb.save` / `nb.load` on paths, the synchronous `nb.data.mnist()`, Fashion-MNIST and IDX
 * files, reports written to disk (`nb.report`), `fit`'s run directory, `nb.onnx.export` to a
 * file, and the text corpora and checkpoints of `nb.text`.
 *
 *   import * as nb from 'nabla';
 *   const x = nb.tensor([[1, 2]], { requiresGrad: true });
 */
// Node's platform hooks first (environment, warnings, stderr, files), then the backends
import './node/install.js';
import { initBackends } from './backend/init.js';

// choose the default backend: the native addon if it loads, else 'wasm' (with one line saying
// so), else 'ts' with one warning
initBackends();

export * from './browser.js';
// Node's versions of these replace the browser entry's (an explicit export wins over export *)
export { setNumThreads, getNumThreads, nativeInfo, nativeLoadError } from './backend/native/index.js';
export { initWasm } from './backend/wasm/node.js';
export { gcTuning } from './node/gc-tune.js';
export { setWasmThreads, stopWasmThreads, wasmThreadsError, initWasmThreads } from './backend/wasm/threads-node.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as onnx from './onnx/index.js';
export * as text from './text/index.js';
// Node only
export { save, load, loadSafetensors } from './io/safetensors-file.js';
export * as report from './report/index.js';
