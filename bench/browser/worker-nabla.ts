/** The nabla page's worker (bench/browser/page-nabla.ts): runs one cell with the threads it asks for and posts the results back. */
import { trainSet } from '../web/page.js';
import { nablaCell } from './nabla-cell.js';
import type { CellSpec } from '../lib/types.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: CellSpec }) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  nablaCell(e.data, trainSet).then(
    (results) => scope.postMessage({ results }),
    (err: unknown) => {
      const x = err instanceof Error ? err : new Error(String(err));
      scope.postMessage({ error: { name: x.name, message: x.message } });
    },
  );
};
