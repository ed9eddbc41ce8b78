#!/usr/bin/env node
// Builds the native addon (build/Release/nabla_native.node) with node-gyp. Never fails the
// install: if the build cannot run (no compiler, no Python, no headers), it prints one warning
// and exits 0, and nabla runs on its TypeScript kernels.
//
// node-gyp: the project's own (node_modules/.bin), else the copy bundled with npm. Headers:
// npm's `nodedir` setting if given, else the headers installed beside this node binary
// (<prefix>/include/node), so the build works offline.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

function findNodeGyp() {
  const candidates = [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  if (process.env.npm_config_node_gyp) candidates.unshift(process.env.npm_config_node_gyp);
  // npm's bundled copy: <npm root>/node_modules/node-gyp
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    const npmBin = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
    if (npmBin) candidates.push(join(dirname(realpathSync(npmBin)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch {
    // no npm on PATH
  }
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return [`--nodedir=${prefix}`];
  return [];
}

function warn(why) {
  console.warn(
    `nabla: WARNING: the native addon was not built (${why}); nabla will use its TypeScript kernels, ` +
      'which are much slower. Install a C++ compiler (g++ or clang), make and Python 3, then run `npm run build:native`.',
  );
  process.exit(0);
}

if (process.env.NABLA_SKIP_NATIVE === '1') {
  if (!quiet) console.log('nabla: NABLA_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}
// A compiler first: its absence is the common failure, and worth naming plainly.
function hasCompiler() {
  if (process.platform === 'win32') return true; // node-gyp finds MSVC itself
  const cxx = process.env.CXX ? [process.env.CXX.split(' ')[0]] : ['c++', 'g++', 'clang++'];
  return cxx.some((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
}
if (!hasCompiler()) warn(process.env.CXX ? `the C++ compiler CXX=${process.env.CXX} does not run` : 'no C++ compiler found (c++, g++ or clang++)');
const gyp = findNodeGyp();
if (!gyp) warn('node-gyp not found');
const args = [gyp, 'rebuild', '--release', ...nodedirArgs()];
if (process.env.JOBS || process.env.npm_config_jobs === undefined) args.push('--jobs=max');
const r = spawnSync(process.execPath, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit', encoding: 'utf8' });
if (r.error) warn(`node-gyp could not run: ${r.error.message}`);
if (r.status !== 0) {
  // the most telling line: the first compiler/make error, else the last lines of node-gyp
  const lines = (r.stderr ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  const first =
    lines.find((l) => !l.startsWith('gyp') && /error|not found|no such file|cannot/i.test(l)) ??
    lines.find((l) => /You need to install|not found:|ENOENT/.test(l))?.replace(/^gyp ERR!( find Python| stack)?\s*/, '');
  const tail = first ? first.trim() : lines.slice(-2).join(' | ');
  warn(`node-gyp exited with code ${r.status}${tail ? `: ${tail}` : ''}`);
}
if (!existsSync(join(root, 'build', 'Release', 'nabla_native.node'))) warn('the build produced no addon');
console.log('nabla: native addon built (build/Release/nabla_native.node)');
