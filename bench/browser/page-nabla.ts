/**
 * The nabla page of the browser run: W1, W2 and W5 from bench/web/nabla.ts on the backend the spec
 * names. One thread runs on the page's main thread; more run in a module Web Worker of the page
 * (bench/browser/worker-nabla.ts, served as /nabla-worker.js), since the wasm backend's calling
 * thread waits for its helpers with memory.atomic.wait32, which a page's main thread may not do:
 * in a page that is how a user gets nabla's threads (`nb.initWasmThreads` in a worker).
 */
import { exposeCells } from '../web/page.js';
import { nablaCell } from './nabla-cell.js';
import type { CellResult, CellSpec } from '../lib/types.js';

interface Reply { results?: CellResult[]; error?: { name: string; message: string } }
interface PageWorker {
  onmessage: ((e: { data: Reply }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(m: unknown): void;
  terminate(): void;
}
type WorkerCtor = new (url: string, opts: { type: 'module'; name: string }) => PageWorker;

function inWorker(spec: CellSpec): Promise<CellResult[]> {
  const w = new (globalThis as unknown as { Worker: WorkerCtor }).Worker('/nabla-worker.js', { type: 'module', name: 'nabla-bench' });
  return new Promise<CellResult[]>((resolve, reject) => {
    w.onmessage = (e) => {
      if (e.data.results) return resolve(e.data.results);
      const err = new Error(e.data.error?.message ?? 'the worker failed');
      err.name = e.data.error?.name ?? 'Error';
      reject(err);
    };
    w.onerror = (e) => reject(new Error(`nabla worker: ${e.message ?? 'failed to start'}`));
    w.postMessage(spec);
  }).finally(() => w.terminate());
}

exposeCells((spec, train) => (spec.threads > 1 ? inWorker(spec) : nablaCell(spec, train)));
