/**
 * safetensors files on disk (Node): `save` writes atomically (temp file, fsync, rename), `load` and
 * `loadSafetensors` read and validate. The format itself, on bytes, is in safetensors.ts.
 */
import fs from 'node:fs';
import { FileFormatError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';
import { parseSafetensors, serialize, type SafetensorsContents, type Saveable, type SaveOptions, type StateDict } from './safetensors.js';

/**
 * Saves tensors to `path` as safetensors, atomically (a temporary file in the same directory,
 * fsync, rename): an error leaves any existing file untouched. Parent directories are created.
 *
 *   nb.save(model.stateDict(), 'ckpt/model.safetensors', { metadata: { epoch: '3' } });
 */
export function save(sd: Saveable, path: string, opts: SaveOptions = {}): void {
  writeFileAtomic(path, serialize(sd, opts));
}

function readFile(path: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new FileFormatError(`safetensors: cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

/** Loads a safetensors file with its metadata. */
export function loadSafetensors(path: string): SafetensorsContents {
  return parseSafetensors(readFile(path), path);
}

/**
 * Loads the tensors of a safetensors file (written by nabla, PyTorch's `safetensors.torch.save_file`,
 * or any conforming writer), validating it completely.
 *
 *   model.loadStateDict(nb.load('model.safetensors'));
 */
export function load(path: string): StateDict {
  return loadSafetensors(path).tensors;
}
