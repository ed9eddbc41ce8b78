/**
 * What `fit` needs from a file system to keep a run directory (a lock, the checkpoint of each
 * epoch, metrics.jsonl, resuming). The Node entry installs the implementation (run-dir.ts, through
 * run-files-node.ts); where none is installed (a browser), `fit` trains as usual and only
 * `outDir` / `resume` are refused.
 */
import { NablaError } from '../core/errors.js';
import type { CheckpointData } from './checkpoint.js';

/** An open run directory (Node: RunDir). Close it when the run ends, however it ends. */
export interface RunHandle {
  /** the checkpoint resumed from (loaded, not yet applied) */
  readonly checkpoint: CheckpointData | undefined;
  readonly resumedFrom: string | undefined;
  /** once the checkpoint is applied: clean up interrupted writes, one metrics row per past epoch */
  begin(history: readonly object[]): void;
  /** the epoch's checkpoint (atomically), then its metrics row */
  endEpoch(record: object, checkpoint: CheckpointData): void;
  /** releases the lock */
  close(): void;
}

export interface RunFiles {
  /** opens (and locks) a run directory; `resume`: a checkpoint file, or true for the directory's own */
  open(dir: string, opts: { resume?: string | boolean; log: (line: string) => void }): RunHandle;
  /** reads a checkpoint file (resuming without a run directory) */
  readCheckpoint(file: string): CheckpointData;
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
