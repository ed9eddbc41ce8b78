#!/usr/bin/env node
// Builds wasm/nabla.wasm, wasm/nabla-relaxed.wasm and the threaded wasm/nabla-threads.wasm and
// wasm/nabla-threads-relaxed.wasm: the native kernels (native/kernels/*.cc, the same sources as the
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
// The second file is the same with relaxed SIMD (-mrelaxed-simd: the GEMM tiles' multiply-adds
// become f32x4.relaxed_madd, fused where the hardware has FMA); the loaders take it where the
// engine validates relaxed SIMD (Chromium; Node 20 only with --experimental-wasm-relaxed-simd).
// The third and fourth are the threaded builds (atomics, an imported shared memory) without and
// with relaxed SIMD, chosen the same way by the thread loaders.
//
//   node scripts/build-wasm.mjs [--out FILE] [--relaxed] [-DNAME=VALUE ...]   (--out: one module,
//   SIMD128 or with --relaxed; defines reach every unit: e.g. -DNABLA_WASM_MR=6 -DNABLA_WASM_NV=2
//   for the GEMM tile measurements)
// The module must import nothing: the build fails if it does.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const variants = outArg >= 0
  ? [{ out: args[outArg + 1], relaxed: args.includes('--relaxed'), threads: args.includes('--threads') }]
  : [
      { out: join(root, 'wasm', 'nabla.wasm'), relaxed: false },
      { out: join(root, 'wasm', 'nabla-relaxed.wasm'), relaxed: true },
      { out: join(root, 'wasm', 'nabla-threads.wasm'), relaxed: false, threads: true },
      { out: join(root, 'wasm', 'nabla-threads-relaxed.wasm'), relaxed: true, threads: true },
    ];
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
  'gemm', 'elementwise', 'reduce', 'conv', 'conv_tiles', 'conv_winograd', 'pool', 'batchnorm', 'layernorm', 'attention', 'activation', 'rnn', 'entry',
].map((n) => join(root, 'native', 'kernels', `${n}.cc`));
// the kernels' C exports are generated from the kernel table (npm run gen:kernels)
const glue = [join(root, 'native', 'gen', 'wasm_exports.cc'), ...['isa_wasm', 'platform', 'runtime'].map((n) => join(root, 'native', 'wasm', `${n}.cc`))];
const sources = [...kernels, ...glue];

const cflags = [
  '--target=wasm32-wasi', '-msimd128', '-O3', '-std=c++17', '-fno-exceptions', '-fno-rtti', '-fno-math-errno', '-fno-trapping-math',
  '-fopenmp-simd', '-fvisibility=hidden', '-nostdinc++', '-isystem', libcxxInclude, '-isystem', wasiInclude,
  '-I', join(root, 'native', 'kernels'), '-I', join(root, 'native', 'gen'), '-Wno-pass-failed', ...defines,
];
function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${basename(argv.at(-3) ?? '')} exited with ${code}`))));
  });
}

async function build({ out, relaxed, threads = false }) {
  const t0 = Date.now();
  const objDir = join(root, 'build', 'wasm', threads ? 'threads' : relaxed ? 'relaxed' : 'simd128');
  mkdirSync(objDir, { recursive: true });
  mkdirSync(dirname(out), { recursive: true });
  const flags = [...cflags, ...(relaxed ? ['-mrelaxed-simd'] : []), ...(threads ? ['-matomics', '-mbulk-memory', '-fno-threadsafe-statics'] : [])];
  process.stderr.write(`build-wasm: compiling ${sources.length} files with ${clang} (wasm32, SIMD128${relaxed ? ' + relaxed SIMD' : ''})...\n`);
  const objects = sources.map((s) => join(objDir, basename(s).replace(/\.cc$/, '.o')));
  // two compilers at a time (the machine's cores are shared with the tests)
  const queue = sources.map((s, i) => [s, objects[i]]);
  async function worker() {
    for (let job; (job = queue.shift()); ) await run(clang, [...flags, '-c', job[0], '-o', job[1]]);
  }
  await Promise.all([worker(), worker()]);
  const tmp = `${out}.tmp`;
  await run(clang, [
    '--target=wasm32-wasi', '-O3', '-nostartfiles', `-L${wasiLib}`, '-Wl,--no-entry', '-Wl,--strip-all',
    '-Wl,-z,stack-size=1048576', ...(threads ? threadLink : []), ...objects, '-o', tmp,
  ]);
  const bytes = readFileSync(tmp);
  // (the relaxed module may not compile in this Node: WebAssembly.Module.imports needs a compiled
  // module, so its imports are read from the binary's import section instead)
  const count = importCount(bytes);
  if (count !== (threads ? 1 : 0)) {
    const names = WebAssembly.validate(bytes) ? WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => `${i.module}.${i.name}`).join(', ') : `${count}`;
    throw new Error(`${basename(out)} imports ${names}; it must import nothing`);
  }
  renameSync(tmp, out);
  process.stderr.write(`build-wasm: wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

// The threaded build: the memory is imported (one shared WebAssembly.Memory for the main instance
// and the workers'), of fixed initial size (THREADS_INITIAL_PAGES in src/backend/wasm/threads.ts)
// and at most 1 GiB; the exports let a worker's instance set up its own stack and thread-local
// storage. wasi-libc is not built with atomics, hence --no-check-features; its allocation
// functions are wrapped with a lock (native/wasm/platform.cc).
const threadLink = [
  '-Wl,--shared-memory', '-Wl,--import-memory', '-Wl,--initial-memory=33554432', '-Wl,--max-memory=1073741824',
  '-Wl,--no-check-features', '-Wl,--export=__wasm_init_tls', '-Wl,--export=__tls_size', '-Wl,--export=__tls_align',
  '-Wl,--export=__stack_pointer',
  ...['malloc', 'free', 'calloc', 'realloc', 'aligned_alloc', 'posix_memalign'].map((f) => `-Wl,--wrap=${f}`),
];

/** Number of entries of a module's import section (0 without one), read from the binary. */
function importCount(b) {
  let p = 8;
  const leb = () => {
    let v = 0, shift = 0, byte;
    do {
      byte = b[p++];
      v |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return v >>> 0;
  };
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    if (id === 2) return leb();
    p += size;
  }
  return 0;
}

try {
  for (const v of variants) await build(v);
} catch (e) {
  console.error(`build-wasm: ${e.message}`);
  process.exit(1);
}
