#!/usr/bin/env node
// Builds wasm/nabla.wasm: the native kernels (native/kernels/*.cc, the same sources as the
// addon) compiled to wasm32 with SIMD128 by clang 16, with native/wasm/ in place of what needs
// an operating system (the x86 ISA dispatch, cache detection, the thread pool), the kernels' C
// exports generated from the kernel table (native/gen/wasm_exports.cc) and the runtime's
// (native/wasm/runtime.cc). The built file is committed and shipped in the npm package,
// so users need no compiler; CI rebuilds it (.ci/run) and runs the tests on the rebuilt file.
//
// Needs Debian's clang-16 and lld-16, wasi-libc, libc++-16-dev-wasm32, libc++abi-16-dev-wasm32
// and libclang-rt-16-dev-wasm32 (clang 14 emits pre-final relaxed-SIMD opcodes that engines
// reject, so no other clang is tried). Override with CLANG=..., WASI_INCLUDE=..., WASI_LIB=...,
// LIBCXX_INCLUDE=...
//
//   node scripts/build-wasm.mjs [--out FILE] [-DNAME=VALUE ...]   (defines reach every unit:
//   e.g. -DNABLA_WASM_MR=6 -DNABLA_WASM_NV=2 for the GEMM tile measurements)
// The module must import nothing: the build fails if it does.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? args[outArg + 1] : join(root, 'wasm', 'nabla.wasm');
const defines = args.filter((a) => a.startsWith('-D'));

const clang = process.env.CLANG ?? 'clang++-16';
const wasiInclude = process.env.WASI_INCLUDE ?? '/usr/include/wasm32-wasi';
const wasiLib = process.env.WASI_LIB ?? '/usr/lib/wasm32-wasi';
const libcxxInclude = process.env.LIBCXX_INCLUDE ?? '/usr/lib/llvm-16/include/wasm32-wasi/c++/v1';
for (const [what, p] of [['wasi-libc headers (WASI_INCLUDE)', wasiInclude], ['wasi-libc (WASI_LIB)', wasiLib], ['libc++ wasm32 headers (LIBCXX_INCLUDE)', libcxxInclude]]) {
  if (!existsSync(p)) {
    console.error(`build-wasm: ${what} not found at ${p}; install clang-16 lld-16 wasi-libc libc++-16-dev-wasm32 libc++abi-16-dev-wasm32 libclang-rt-16-dev-wasm32`);
    process.exit(1);
  }
}

// the kernels the addon compiles, minus what native/wasm/ replaces (x86 ISA builds, cpuinfo, threads)
const kernels = [
  'gemm', 'elementwise', 'reduce', 'conv', 'conv_tiles', 'pool', 'batchnorm', 'layernorm', 'attention', 'activation', 'rnn', 'entry',
].map((n) => join(root, 'native', 'kernels', `${n}.cc`));
// the kernels' C exports are generated from the kernel table (npm run gen:kernels)
const glue = [join(root, 'native', 'gen', 'wasm_exports.cc'), ...['isa_wasm', 'platform', 'runtime'].map((n) => join(root, 'native', 'wasm', `${n}.cc`))];
const sources = [...kernels, ...glue];

const cflags = [
  '--target=wasm32-wasi', '-msimd128', '-O3', '-std=c++17', '-fno-exceptions', '-fno-rtti', '-fno-math-errno', '-fno-trapping-math',
  '-fopenmp-simd', '-fvisibility=hidden', '-nostdinc++', '-isystem', libcxxInclude, '-isystem', wasiInclude,
  '-I', join(root, 'native', 'kernels'), '-I', join(root, 'native', 'gen'), '-Wno-pass-failed', ...defines,
];
const objDir = join(root, 'build', 'wasm');
mkdirSync(objDir, { recursive: true });
mkdirSync(dirname(out), { recursive: true });

function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${basename(argv.at(-3) ?? '')} exited with ${code}`))));
  });
}

const t0 = Date.now();
process.stderr.write(`build-wasm: compiling ${sources.length} files with ${clang} (wasm32, SIMD128)...\n`);
const objects = sources.map((s) => join(objDir, basename(s).replace(/\.cc$/, '.o')));
// two compilers at a time (the machine's cores are shared with the tests)
const queue = sources.map((s, i) => [s, objects[i]]);
async function worker() {
  for (let job; (job = queue.shift()); ) await run(clang, [...cflags, '-c', job[0], '-o', job[1]]);
}
try {
  await Promise.all([worker(), worker()]);
  const tmp = `${out}.tmp`;
  await run(clang, [
    '--target=wasm32-wasi', '-O3', '-nostartfiles', `-L${wasiLib}`, '-Wl,--no-entry', '-Wl,--strip-all',
    '-Wl,-z,stack-size=1048576', ...objects, '-o', tmp,
  ]);
  const mod = new WebAssembly.Module(readFileSync(tmp));
  const imports = WebAssembly.Module.imports(mod);
  if (imports.length > 0) {
    throw new Error(`the module imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}; it must import nothing`);
  }
  renameSync(tmp, out);
} catch (e) {
  console.error(`build-wasm: ${e.message}`);
  process.exit(1);
}
const exportsCount = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(out))).length;
process.stderr.write(`build-wasm: wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB, ${exportsCount} exports) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
