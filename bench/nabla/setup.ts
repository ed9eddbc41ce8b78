/** Chooses nabla's backend and thread count for a cell (the native addon registers via initBackends; a missing backend skips the cell). */
import { initBackends } from '../../src/backend/init.js';
import { useBackend } from '../web/backend.js';
import type { CellSpec } from '../lib/types.js';

export async function prepareNabla(spec: CellSpec): Promise<void> {
  initBackends();
  await useBackend(spec.backend, spec.backend === 'native' || spec.backend === 'wasm' ? spec.threads : 0);
}
