/**
 * Atomic file replacement: write to a temporary file in the target's directory, fsync it, then
 * rename it over the target. A crash or an error at any point leaves either the old file or the
 * new one, never a torn mix; the temporary file is removed on error.
 */
import fs from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `bytes` to `path` atomically, creating parent directories. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: keep the first error
      }
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dir);
}

/** fsync the directory so the rename itself is durable (best effort: not every platform allows it). */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse to fsync a directory; the data itself is synced.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
