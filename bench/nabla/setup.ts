/** Chooses nabla's backend and thread count for a cell (the native addon registers via initBackends). */
import { initBackends } from '../../src/backend/init.js';
import { setBackend } from '../../src/backend/registry.js';
import { setNumThreads } from '../../src/backend/native/index.js';
import type { CellSpec } from '../lib/types.js';

export function prepareNabla(spec: CellSpec): void {
  initBackends();
  setBackend(spec.backend);
  if (spec.backend === 'native') setNumThreads(spec.threads);
}
