/**
 * Benchmark-only peers that are not dependencies of nabla (onnxruntime-node, ...), loaded on
 * demand: from the project's own node_modules if installed there, else from the directory named
 * by NABLA_BENCH_PEERS_DIR (a separate `npm install --prefix <dir>` that leaves the project's
 * dependencies alone). Missing is not an error: the peer's cells are skipped and the run says how
 * to install it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How to install each optional peer (printed when it is missing). */
export const INSTALL_HINT: Record<string, string> = {
  'onnxruntime-node':
    'ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save onnxruntime-node   ' +
    '(or into a separate directory: ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix <dir> onnxruntime-node, then NABLA_BENCH_PEERS_DIR=<dir>)',
};

function resolveFrom(dir: string, name: string): string | null {
  try {
    return createRequire(join(dir, 'noop.js')).resolve(name);
  } catch {
    return null;
  }
}

/** The resolved entry file of an optional peer, or null if it is not installed. */
export function resolveOptional(name: string): string | null {
  const here = resolveFrom(process.cwd(), name);
  if (here) return here;
  const dir = process.env['NABLA_BENCH_PEERS_DIR'];
  return dir ? resolveFrom(dir, name) : null;
}

/** The installed version of an optional peer, or null. */
export function optionalVersion(name: string): string | null {
  const entry = resolveOptional(name);
  if (!entry) return null;
  const root = entry.slice(0, entry.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length);
  try {
    return (createRequire(entry)(join(root, 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Imports an optional peer (dynamic import), or throws naming how to install it. */
export async function importOptional<T>(name: string): Promise<T> {
  const entry = resolveOptional(name);
  if (!entry) throw new Error(`${name} is not installed; install it with: ${INSTALL_HINT[name] ?? `npm install --no-save ${name}`}`);
  return (await import(pathToFileURL(entry).href)) as T;
}
