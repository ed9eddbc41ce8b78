/** `fit`'s run directory on Node's file system (installed by src/node/install.ts). */
import type { RunFiles } from './run-files.js';
import { RunDir } from './run-dir.js';

export const nodeRunFiles: RunFiles = {
  open: (dir, opts) => RunDir.open(dir, opts),
  readCheckpoint: (file) => RunDir.readCheckpoint(file),
};
