/** IDX files by path (Node only); the format itself, gzip included, is in idx.ts. */
import { readRegularFile } from '../io/read-file.js';
import { parseIdx, type IdxData } from './idx.js';

/** Reads an IDX file (`.gz` or not), validating its header against its size. */
export function readIdx(path: string): IdxData {
  return parseIdx(readRegularFile(path, 'IDX'), path);
}
