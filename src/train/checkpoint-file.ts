/**
 * Checkpoint files (Node): `saveCheckpoint` writes one safetensors file atomically (temp file +
 * rename), `loadCheckpoint` reads it back. The format is in checkpoint.ts.
 */
import { loadSafetensors, save } from '../io/safetensors-file.js';
import { checkpointContents, checkpointFromContents, type CheckpointData } from './checkpoint.js';

export function saveCheckpoint(path: string, data: CheckpointData): void {
  const { tensors, metadata } = checkpointContents(data);
  save(tensors, path, { metadata });
}

export function loadCheckpoint(path: string): CheckpointData {
  return checkpointFromContents(loadSafetensors(path), path);
}
