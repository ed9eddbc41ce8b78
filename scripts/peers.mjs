#!/usr/bin/env node
// On-demand tool dependencies: packages only one task needs (the benchmark peers, the API
// documentation generator) are not devDependencies of the repository, so its `npm install`
// stays small. Each task has a folder with its own package.json (bench/, tools/typedoc/); the
// first run of the task installs them there (once) and says so.
//
//   node scripts/peers.mjs bench          # install what bench/package.json lists, if missing
//   node scripts/peers.mjs tools/typedoc --check   # exit 1 when something is missing, install nothing
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages `dir`/package.json lists, and whether each is installed in `dir`/node_modules. */
export function peerStatus(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return Object.entries(pkg.dependencies ?? {}).map(([name, version]) => ({
    name,
    version,
    installed: existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json')),
  }));
}

/** The npm command line that installs them (npm's own CLI when running under npm). */
export function installCommand(env = process.env) {
  const args = ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'];
  const npmCli = env.npm_execpath;
  if (npmCli && /npm-cli\.js$/.test(npmCli)) return { cmd: process.execPath, args: [npmCli, ...args] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args };
}

/**
 * Installs what is missing in `dir` (once) and returns true when everything is installed
 * afterwards; on failure (e.g. no network) it says what is missing and returns false.
 */
export function ensurePeers(dir, opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const what = opts.what ?? 'tools';
  const missing = peerStatus(dir).filter((p) => !p.installed);
  if (missing.length === 0) return true;
  const where = dir.startsWith(ROOT) ? dir.slice(ROOT.length + 1) : dir;
  log(`nabla: installing the ${what} ${missing.map((p) => `${p.name}@${p.version}`).join(', ')} into ${where}/node_modules (once${opts.size ? `, ${opts.size}` : ''})...`);
  const { cmd, args } = installCommand();
  const r = spawnSync(cmd, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  const still = peerStatus(dir).filter((p) => !p.installed);
  if (r.status !== 0 || still.length > 0) {
    log(`nabla: could not install ${still.map((p) => p.name).join(', ') || `the ${what}`} (npm ${r.error ? r.error.message : `exited ${r.status}`})`);
    return false;
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node scripts/peers.mjs <folder with package.json> [--check]\n');
    process.exit(2);
  }
  const abs = resolve(ROOT, dir);
  if (process.argv.includes('--check')) {
    const missing = peerStatus(abs).filter((p) => !p.installed);
    for (const p of missing) process.stderr.write(`missing: ${p.name}@${p.version}\n`);
    process.exit(missing.length === 0 ? 0 : 1);
  }
  process.exit(ensurePeers(abs) ? 0 : 1);
}
