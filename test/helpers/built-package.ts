/**
 * The package as a consumer installs it (package.json, dist/, assets/, src/), built from the
 * current sources. The repository itself when its dist/ is current (CI: `npm ci` builds it);
 * otherwise `tsc -p tsconfig.build.json` into .tmp/pkg-<hash of the sources>/ once, shared by
 * every test that asks (a lock directory keeps concurrent test files from building twice).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(c|m)?ts$/.test(name)) out.push(p);
  }
  return out;
}

/** dist/x.js exists and is newer than src/x.ts for every source file. */
function distIsCurrent(): boolean {
  for (const src of sourceFiles(join(ROOT, 'src'))) {
    const rel = relative(join(ROOT, 'src'), src).replace(/\.ts$/, '.js').replace(/\.cts$/, '.cjs').replace(/\.mts$/, '.mjs');
    const out = join(ROOT, 'dist', rel);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) return false;
  }
  const d = join(ROOT, 'dist', 'browser.d.ts');
  return existsSync(d) && statSync(d).mtimeMs >= statSync(join(ROOT, 'package.json')).mtimeMs;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The directory of a built package whose dist/ matches the sources. */
export function builtPackage(): string {
  if (distIsCurrent()) return ROOT;
  const h = createHash('sha1');
  for (const f of [...sourceFiles(join(ROOT, 'src')), join(ROOT, 'package.json'), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')]) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  const dir = join(ROOT, '.tmp', `pkg-${h.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'dist', 'browser.d.ts'))) return dir;
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const lock = `${dir}.lock`;
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(dir, 'dist', 'browser.d.ts'))) return dir;
      if (waited > 180_000) rmSync(lock, { recursive: true, force: true }); // a stale lock
      sleep(200);
    }
  }
  try {
    if (existsSync(join(dir, 'dist', 'browser.d.ts'))) return dir;
    const tmp = `${dir}.build`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // the sources are copied in and compiled there, so the source maps point at the package's own src/
    cpSync(join(ROOT, 'src'), join(tmp, 'src'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'LICENSE']) if (existsSync(join(ROOT, f))) copyFileSync(join(ROOT, f), join(tmp, f));
    symlinkSync(join(ROOT, 'assets'), join(tmp, 'assets'));
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(tmp, 'tsconfig.build.json')], { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the package failed:\n${r.stdout}${r.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A scratch consumer project in `dir`: package.json (an ES module) and node_modules/nabla linked
 * to the built package.
 */
export function consumerProject(dir: string, files: Record<string, string>): string {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(builtPackage(), join(dir, 'node_modules', 'nabla'));
  const all = { 'package.json': JSON.stringify({ name: 'consumer', private: true, type: 'module' }), ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
