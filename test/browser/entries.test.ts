/**
 * The two entries agree: the Node entry (src/index.ts) has every name of the browser entry
 * (src/browser.ts), in every namespace, and adds only the Node-only names listed here. A name
 * added to the Node entry alone fails this test: put it in src/browser.ts if it works without
 * Node (no node: module, process or Buffer), or in NODE_ONLY below if it needs Node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as web from '../../src/browser.js';
import * as node from '../../src/index.js';

const NODE_ONLY: Record<string, string[]> = {
  '': ['gcTuning', 'load', 'loadSafetensors', 'report', 'save', 'setWasmThreads', 'stopWasmThreads'],
  data: ['FASHION_MNIST_DIR', 'fashionMNIST', 'fashionMNISTClasses', 'readIdx'],
  train: ['DATASETS', 'RunDir', 'asLayout', 'datasetRecipe', 'loadCheckpoint', 'lockOwnerAlive', 'saveCheckpoint'],
  onnx: ['export', 'exportOnnx'],
  text: ['CORPORA', 'FORTUNES_DIR', 'fortunesCorpus', 'loadCharModel', 'saveCharModel', 'stripAnsi'],
};
const NAMESPACES = ['nn', 'optim', 'data', 'train', 'onnx', 'text'] as const;

function keys(o: object): string[] {
  return Object.keys(o).sort();
}

test('the Node entry has every name of the browser entry and only the listed Node-only ones besides', () => {
  const extra = (a: object, b: object): string[] => keys(a).filter((k) => !(k in b));
  assert.deepEqual(extra(web, node), [], 'names missing from the Node entry');
  assert.deepEqual(extra(node, web), NODE_ONLY['']);
  for (const ns of NAMESPACES) {
    const w = web[ns] as object;
    const n = node[ns] as object;
    assert.deepEqual(extra(w, n), [], `nb.${ns}: names missing from the Node entry`);
    assert.deepEqual(extra(n, w), NODE_ONLY[ns] ?? [], `nb.${ns}: Node-only names`);
  }
});

test('both entries share one implementation of everything they both have (one Tensor class, one registry)', () => {
  for (const k of keys(web)) {
    if ((NAMESPACES as readonly string[]).includes(k)) continue;
    // the native-addon controls, initWasm, the wasm threads and nb.data.mnist differ by design (the browser
    // has no addon and fetches the wasm files, Node reads them from disk and starts node:worker_threads,
    // the browser Web Workers; the browser's mnist is async)
    if (['setNumThreads', 'getNumThreads', 'nativeInfo', 'nativeLoadError', 'initWasm', 'initWasmThreads', 'wasmThreadsError'].includes(k)) continue;
    assert.equal((node as Record<string, unknown>)[k], (web as Record<string, unknown>)[k], k);
  }
  for (const ns of NAMESPACES) {
    for (const k of keys(web[ns] as object)) {
      if (ns === 'data' && k === 'mnist') continue;
      assert.equal((node[ns] as Record<string, unknown>)[k], (web[ns] as Record<string, unknown>)[k], `nb.${ns}.${k}`);
    }
  }
  assert.equal(web.nativeInfo(), null);
  assert.equal(web.setNumThreads(4), 1);
});

test('nb.data.mnist: synchronous in Node, a promise in the browser entry, the same digits', async () => {
  const sync = node.data.mnist({ trainSize: 30, testSize: 20 });
  const pending = web.data.mnist({ trainSize: 30, testSize: 20 });
  assert.ok(pending instanceof Promise);
  const viaAwait = await pending;
  assert.deepEqual(viaAwait.train.tensors[0].data(), sync.train.tensors[0].data());
  assert.deepEqual(viaAwait.test.tensors[1].data(), sync.test.tensors[1].data());
  // loadMnist is the same in both, and `await nb.data.mnist()` works in Node too
  assert.equal(node.data.loadMnist, web.data.loadMnist);
  assert.deepEqual((await node.data.mnist({ trainSize: 5, testSize: 5 })).train.length, 5);
});
