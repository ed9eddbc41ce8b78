// Up-to-date checks for the build scripts: a SHA-256 over the inputs of a build (paths and
// contents, so a fresh clone with new file times is still current, and an edit that keeps the
// time is still seen), stored in a stamp file next to the outputs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Every file under `dir` (recursively), sorted. */
export function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

/** The hash of `files` (paths relative to `root`, and contents) and of `extra` strings. */
export function hashInputs(root, files, extra = []) {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(relative(root, f) + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  for (const e of extra) h.update(String(e) + '\0');
  return h.digest('hex');
}

export function readStamp(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

export function writeStamp(path, hash) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, hash + '\n');
}
