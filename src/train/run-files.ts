/**
 * What `fit` needs from a file system to keep a run directory (metrics.jsonl, the checkpoint of
 * each epoch, resuming). The Node entry installs the implementation (run-files-node.ts); where
 * none is installed (a browser), `fit` trains as usual and only `outDir` / `resume` are refused.
 */
import { NablaError } from '../core/errors.js';
import type { CheckpointData } from './checkpoint.js';

export interface RunFiles {
  join(dir: string, name: string): string;
  /** creates the directory and its parents */
  mkdir(dir: string): void;
  exists(path: string): boolean;
  remove(path: string): void;
  appendLine(path: string, line: string): void;
  saveCheckpoint(path: string, data: CheckpointData): void;
  loadCheckpoint(path: string): CheckpointData;
}

let installed: RunFiles | null = null;

/** Installs the file system behind `fit`'s `outDir` and `resume` (the Node entry does). */
export function setRunFiles(files: RunFiles | null): void {
  installed = files;
}

/** The installed file system, or a clear error naming the option that needs one. */
export function runFiles(option: string): RunFiles {
  if (installed === null) {
    throw new NablaError(
      `fit: ${option} reads and writes files, which needs nabla's Node entry; here, leave outDir and resume unset ` +
        '(the history comes back from fit and through callbacks, and nb.serialize(model.stateDict()) gives the weights as bytes)',
    );
  }
  return installed;
}
