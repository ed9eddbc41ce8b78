/**
 * safetensors files by path (Node only): `save` writes atomically, `load` and `loadSafetensors`
 * read a regular file and parse it with the byte-level reader of safetensors.ts, which also runs
 * in browsers (`serialize`, `deserialize`, `parseSafetensors`).
 */
import { writeFileAtomic } from './atomic.js';
import { readRegularFile } from './read-file.js';
import { parseSafetensors, serialize, type SafetensorsContents, type SaveOptions, type Saveable, type StateDict } from './safetensors.js';

/**
 * Saves tensors to `path` as safetensors, atomically (a temporary file in the same directory,
 * fsync, rename): an error leaves any existing file untouched. Parent directories are created.
 *
 *   nb.save(model.stateDict(), 'ckpt/model.safetensors', { metadata: { epoch: '3' } });
 */
export function save(sd: Saveable, path: string, opts: SaveOptions = {}): void {
  writeFileAtomic(path, serialize(sd, opts));
}

/**
 * Loads a safetensors file with its metadata. Anything but a regular file (a directory,
 * /dev/zero, a FIFO) is refused with a FileFormatError before any byte is read.
 */
export function loadSafetensors(path: string): SafetensorsContents {
  return parseSafetensors(readRegularFile(path, 'safetensors'), path);
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
