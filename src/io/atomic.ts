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
    testPause(path);
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

const pauseCounts = new Map<string, number>();

/**
 * Test-only hook: NABLA_TEST_PAUSE_WRITE="<file name>:<n>" makes the n-th atomic write (in this
 * process) onto a file of that name stop after its temporary file is complete and before the
 * rename, print `nabla-test: paused before renaming <tmp>` to stderr, and sleep a minute; a test
 * kills the process there, so the kill lands mid-write every time.
 */
function testPause(target: string): void {
  const spec = process.env['NABLA_TEST_PAUSE_WRITE'];
  if (!spec) return;
  const at = spec.lastIndexOf(':');
  const name = spec.slice(0, at);
  const n = Number(spec.slice(at + 1));
  if (basename(target) !== name) return;
  const count = (pauseCounts.get(name) ?? 0) + 1;
  pauseCounts.set(name, count);
  if (count !== n) return;
  process.stderr.write(`nabla-test: paused before renaming onto ${target}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
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
