#!/usr/bin/env node
// Builds and runs the native kernels' own test driver (native/test/kernels_test.cc: every kernel
// set against scalar oracles, every GEMM edge tile), without Node-API:
//
//   node scripts/test-kernels.mjs              # this machine's architecture (x86-64: generic, avx2, avx512)
//   node scripts/test-kernels.mjs --arch aarch64
//       cross-compiles with aarch64-linux-gnu-g++ (Debian g++-aarch64-linux-gnu), runs the driver
//       under qemu-aarch64 -L /usr/aarch64-linux-gnu (Debian qemu-user), and also builds the
//       whole addon (native/addon.cc + kernels) as an aarch64 shared object, to show it compiles
//       and links for ARM64. Emulation checks results, not speed.
//   --skip-missing   exit 0 with a note when the compiler or qemu is not installed (npm test uses it)
//
// Objects are cached under build/kernel-test/<arch>/ (rebuilt when a source is newer).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arch = argv.includes('--arch') ? argv[argv.indexOf('--arch') + 1] : process.arch === 'arm64' ? 'aarch64' : 'x86_64';
const skipMissing = argv.includes('--skip-missing');
const hostArch = process.arch === 'arm64' ? 'aarch64' : process.arch === 'x64' ? 'x86_64' : process.arch;
const cross = arch !== hostArch;
const cxx = cross ? `${arch}-linux-gnu-g++` : process.env.CXX || 'g++';
const runner = cross ? [`qemu-${arch}`, '-L', `/usr/${arch}-linux-gnu`] : [];

function has(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}
function missing(what) {
  const msg = `test-kernels: ${what} not found; ${arch === 'aarch64' ? 'apt-get install g++-aarch64-linux-gnu qemu-user' : 'install g++'}`;
  if (skipMissing) {
    console.log(`${msg} (skipped)`);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}
if (!has(cxx)) missing(cxx);
if (cross && !has(runner[0])) missing(runner[0]);

const kdir = join(root, 'native', 'kernels');
const out = join(root, 'build', 'kernel-test', arch);
mkdirSync(out, { recursive: true });
const base = ['-O2', '-std=c++17', '-fno-math-errno', '-fno-trapping-math', '-fopenmp-simd', '-fPIC'];
const x86 = arch === 'x86_64';
if (x86) base.push('-DNABLA_X86=1');
const avx2 = ['-mavx2', '-mfma', '-mf16c'];
const avx512 = ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma', '-mprefer-vector-width=512', '-Wno-maybe-uninitialized'];

const sources = readdirSync(kdir)
  .filter((f) => f.endsWith('.cc'))
  .filter((f) => x86 || !/_avx(2|512)\.cc$/.test(f));
const headers = readdirSync(kdir).filter((f) => f.endsWith('.h')).map((f) => join(kdir, f));
headers.push(join(root, 'native', 'gen', 'kernels.h'));
const newestHeader = Math.max(...headers.map((h) => statSync(h).mtimeMs));

function compile(src, obj, flags) {
  if (existsSync(obj) && statSync(obj).mtimeMs > Math.max(statSync(src).mtimeMs, newestHeader, statSync(fileURLToPath(import.meta.url)).mtimeMs))
    return Promise.resolve();
  return new Promise((resolve, reject) => {
    const p = spawn(cxx, [...base, ...flags, '-c', src, '-o', obj], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cxx} failed on ${src}`))));
  });
}

async function pool(tasks, n) {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

const objs = [];
const tasks = [];
for (const f of sources) {
  const flags = /_avx512\.cc$/.test(f) ? avx512 : /_avx2\.cc$/.test(f) ? avx2 : [];
  const obj = join(out, f.replace(/\.cc$/, '.o'));
  objs.push(obj);
  tasks.push(() => compile(join(kdir, f), obj, flags));
}
// the plain C exports generated for the WebAssembly build (native/gen/wasm_exports.cc), compiled
// for the host and called by the driver, so they cannot rot before the wasm build uses them
const wasmExportsObj = join(out, 'wasm_exports.o');
objs.push(wasmExportsObj);
tasks.push(() => compile(join(root, 'native', 'gen', 'wasm_exports.cc'), wasmExportsObj, []));
const driverObj = join(out, 'kernels_test.o');
tasks.push(() => compile(join(root, 'native', 'test', 'kernels_test.cc'), driverObj, []));
let addonObj = null;
let mallocObj = null;
if (cross) {
  // the addon's glue too: Node-API headers are architecture independent
  const req = createRequire(import.meta.url);
  const napiInc = req('node-addon-api').include_dir;
  const nodeInc = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (existsSync(join(nodeInc, 'node_api.h'))) {
    addonObj = join(out, 'addon.o');
    tasks.push(() => compile(join(root, 'native', 'addon.cc'), addonObj, [
      `-I${napiInc}`, `-I${nodeInc}`, '-DNAPI_VERSION=8', '-DNAPI_DISABLE_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED',
      '-fno-exceptions', '-fvisibility=hidden',
    ]));
    mallocObj = join(out, 'malloc_tune.o');
    tasks.push(() => compile(join(root, 'native', 'malloc_tune.cc'), mallocObj, []));
  } else {
    console.log(`test-kernels: no Node headers at ${nodeInc}; the addon glue is not cross-compiled`);
  }
}
const t0 = Date.now();
try {
  await pool(tasks, 4);
} catch (e) {
  console.error(`test-kernels: ${e.message}`);
  process.exit(1);
}
const exe = join(out, 'kernels_test');
let r = spawnSync(cxx, [driverObj, ...objs, '-o', exe, '-pthread'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(1);
if (addonObj) {
  const so = join(out, 'nabla_native.node');
  r = spawnSync(cxx, ['-shared', '-pthread', addonObj, mallocObj, ...objs.filter((o) => o !== wasmExportsObj), '-o', so], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
  const elf = readFileSync(so).subarray(0, 20);
  const machine = elf.readUInt16LE(18);  // e_machine: 183 = AArch64, 62 = x86-64
  console.log(`test-kernels: built ${so} (ELF machine ${machine}${machine === 183 ? ', AArch64' : ''})`);
}
console.log(`test-kernels: ${arch} build ${((Date.now() - t0) / 1000).toFixed(1)} s${cross ? `, running under ${runner[0]}` : ''}`);
const [cmd, ...pre] = cross ? runner : [exe];
r = spawnSync(cmd, cross ? [...pre, exe, ...argv.filter((a) => /^(generic|avx2|avx512)$/.test(a))] : argv.filter((a) => /^(generic|avx2|avx512)$/.test(a)), {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
