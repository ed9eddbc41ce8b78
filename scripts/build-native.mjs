#!/usr/bin/env node
// Builds the native addon (build/Release/nabla_native.node) with node-gyp. Never fails the
// install: if the build cannot run (no compiler, no Python, no headers), it prints one warning
// and exits 0, and nabla runs on its TypeScript kernels.
//
// node-gyp: the project's own (node_modules/.bin), else the copy bundled with npm. Headers:
// npm's `nodedir` setting if given, else the headers installed beside this node binary
// (<prefix>/include/node), so the build works offline.
//
// Skips when the addon is up to date: build/Release/.nabla-native-stamp holds a hash of the
// sources (native/, binding.gyp), node-addon-api's version, the platform and the compiler
// settings; `--force` rebuilds anyway. While compiling it prints one line saying so, then the
// progress (one updating line on a terminal, a line per file otherwise); `--quiet` keeps the
// "compiling" line and the result but not the per-file progress.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, hashInputs, readStamp, writeStamp } from './stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const force = process.argv.includes('--force');
const addonPath = join(root, 'build', 'Release', 'nabla_native.node');
const stampPath = join(root, 'build', 'Release', '.nabla-native-stamp');

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

// inside a consumer's node_modules the package's own npm scripts are not at hand: the CLI is
const rebuildCommand = /[\\/]node_modules[\\/]/.test(root) ? 'npx nabla build-native' : 'npm run build:native';

function warn(why) {
  console.warn(
    `nabla: WARNING: the native addon was not built (${why}); nabla will use its TypeScript kernels, ` +
      `which are much slower. Install a C++ compiler (g++ or clang), make and Python 3, then run \`${rebuildCommand}\`.`,
  );
  process.exit(0);
}

if (process.env.NABLA_SKIP_NATIVE === '1') {
  if (!quiet) console.log('nabla: NABLA_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}
function addonApiVersion() {
  try {
    const req = createRequire(join(root, 'package.json'));
    return JSON.parse(readFileSync(req.resolve('node-addon-api/package.json'), 'utf8')).version;
  } catch {
    return 'none';
  }
}
// the glue generated from the kernel table is committed; in a checkout, regenerate it first
// (a no-op when current; skipped in an installed package, which has no generator)
spawnSync(process.execPath, [join(root, 'scripts', 'gen-kernels.mjs'), '--if-possible'], { cwd: root, stdio: 'inherit' });
const sources = [...filesUnder(join(root, 'native')), join(root, 'binding.gyp')].filter((f) => existsSync(f));
const hash = hashInputs(root, sources, [process.platform, process.arch, addonApiVersion(), process.env.CXX ?? '', process.env.CXXFLAGS ?? '', nodedirArgs().join(' ')]);
if (!force && existsSync(addonPath) && readStamp(stampPath) === hash) {
  if (!quiet) console.log('nabla: the native addon is up to date (build/Release/nabla_native.node); `npm run build:native -- --force` rebuilds it');
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
// the compile steps, for the progress count: each .cc named in binding.gyp
const gypText = readFileSync(join(root, 'binding.gyp'), 'utf8');
const total = new Set(gypText.match(/native\/[\w/.-]+\.cc/g) ?? []).size;
const tty = process.stderr.isTTY === true && !quiet;
process.stderr.write(`nabla: compiling the native addon (${total} C++ files; a minute or two on 2 cores)...\n`);
const t0 = Date.now();
rmSync(stampPath, { force: true });
const args = [gyp, 'rebuild', '--release', ...nodedirArgs()];
if (process.env.JOBS || process.env.npm_config_jobs === undefined) args.push('--jobs=max');
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let done = 0;
let stderr = '';
let pending = '';
child.stdout.setEncoding('utf8');
child.stderr.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const l of lines) {
    // make prints "  CXX(target) Release/obj.target/<target>/native/kernels/gemm.o" per file
    const m = /CXX\(target\) \S*?obj\.target\/[^/\s]+\/(\S+)\.o\b/.exec(l);
    if (!m) continue;
    done++;
    if (quiet) continue;
    const msg = `nabla: [${done}/${total}] ${m[1]}.cc`;
    if (tty) process.stderr.write(`\r\x1b[K${msg}`);
    else process.stderr.write(msg + '\n');
  }
});
child.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const status = await new Promise((resolve) => {
  child.on('error', (e) => resolve({ error: e }));
  child.on('close', (code) => resolve({ code }));
});
if (tty) process.stderr.write('\r\x1b[K');
if (status.error) warn(`node-gyp could not run: ${status.error.message}`);
if (status.code !== 0) {
  // the most telling line: the first compiler/make error, else the last lines of node-gyp
  const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
  const first =
    lines.find((l) => !l.startsWith('gyp') && /error|not found|no such file|cannot/i.test(l)) ??
    lines.find((l) => /You need to install|not found:|ENOENT/.test(l))?.replace(/^gyp ERR!( find Python| stack)?\s*/, '');
  const tail = first ? first.trim() : lines.slice(-2).join(' | ');
  warn(`node-gyp exited with code ${status.code}${tail ? `: ${tail}` : ''}`);
}
if (!existsSync(addonPath)) warn('the build produced no addon');
writeStamp(stampPath, hash);
// In a consumer's node_modules the build's intermediates (object files, archives, makefiles:
// about 2 MB) serve no one after the link: keep only the addon and its stamp there. In a
// checkout they stay, for incremental rebuilds.
if (root.split(/[\\/]/).includes('node_modules')) {
  const release = join(root, 'build', 'Release');
  for (const f of readdirSync(release)) {
    if (f !== 'nabla_native.node' && f !== '.nabla-native-stamp') rmSync(join(release, f), { recursive: true, force: true });
  }
  for (const f of readdirSync(join(root, 'build'))) if (f !== 'Release') rmSync(join(root, 'build', f), { recursive: true, force: true });
}
console.log(`nabla: native addon built in ${((Date.now() - t0) / 1000).toFixed(0)} s (build/Release/nabla_native.node)`);
