/**
 * Fills the platform hooks with Node's own: environment variables, process warnings, stderr,
 * packaged files read from disk, uninitialised memory from `Buffer.allocUnsafeSlow`, and the
 * parts of `fit` that keep a run directory; and V8's ArrayBuffer sweeping set for training loops
 * (gc-tune.ts). Imported for its effect by the Node entry
 * (src/index.ts), first, before anything runs. The browser entry never reaches this file.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setPlatform } from '../core/platform.js';
import { setUninitAllocator, setUninitPoison } from '../core/dtype.js';
import { setRunFiles } from '../train/run-files.js';
import { nodeRunFiles } from '../train/run-files-node.js';
import { setHtmlRenderer } from '../explain/explain.js';
import { renderHtml } from '../explain/html.js';
import { tuneGc } from './gc-tune.js';

setPlatform({
  env: (name) => process.env[name],
  warn: (message, code) => process.emitWarning(message, { code }),
  stderr: process.stderr,
  async readAsset(href) {
    if (href.startsWith('file:')) return new Uint8Array(await readFile(fileURLToPath(href)));
    const r = await fetch(href);
    if (!r.ok) throw new Error(`HTTP ${r.status} ${r.statusText}`);
    return new Uint8Array(await r.arrayBuffer());
  },
});
setUninitAllocator((bytes) => {
  const b = Buffer.allocUnsafeSlow(bytes);
  // allocUnsafeSlow never pools: the Buffer is the whole of its own ArrayBuffer
  return b.buffer as ArrayBuffer;
});
setUninitPoison(process.env['NABLA_POISON_UNINIT'] === '1');
setRunFiles(nodeRunFiles);
setHtmlRenderer(renderHtml);
tuneGc();
