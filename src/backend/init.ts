/**
 * Chooses the default backend when the library is imported: the native addon if it loads
 * (registered as 'native' and made current), else the WebAssembly kernels (wasm/nabla.wasm,
 * registered as 'wasm') with ONE line saying so and how to build the addon, else the TypeScript
 * reference backend with one warning that says why. Both 'native' and 'wasm' are registered when
 * both load, so `setBackend` can switch between them.
 *
 * Environment: NABLA_BACKEND=ts|native|wasm forces a backend; NABLA_NO_NATIVE_WARNING=1 silences
 * the line (e.g. on machines without a compiler, where 'wasm' is intended); NABLA_WASM=0 keeps
 * the WebAssembly module from loading.
 */
// Node's platform hooks (environment, warnings, stderr, files) come with Node's backends
import '../node/install.js';
import { registerBackend, setBackend } from './registry.js';
import { loadNativeBackend, nativeLoadError } from './native/index.js';
import { nativeBuildHint } from './native/hint.js';
import { loadWasmBackendSync, wasmLoadError } from './wasm/node.js';

let initialized = false;
const NAMES = ['ts', 'native', 'wasm'];

/** Registers the native and wasm backends that load and selects the default; runs once (later calls do nothing). */
export function initBackends(): void {
  if (initialized) return;
  initialized = true;
  const native = loadNativeBackend();
  if (native !== null) registerBackend(native);
  let wanted = process.env['NABLA_BACKEND'] || undefined;
  if (wanted !== undefined && !NAMES.includes(wanted)) {
    process.emitWarning(`nabla: NABLA_BACKEND='${wanted}' is not a backend (use 'ts', 'native' or 'wasm'); ignoring it`, { code: 'NABLA_BAD_BACKEND' });
    wanted = undefined;
  }
  const wasm = loadWasmBackendSync();
  if (wanted !== undefined && wanted !== 'ts' && !(wanted === 'native' ? native !== null : wasm)) {
    const why = wanted === 'native' ? nativeLoadError() : wasmLoadError();
    process.emitWarning(`nabla: NABLA_BACKEND='${wanted}' did not load (${why ?? 'unknown reason'}); using the default`, { code: 'NABLA_BAD_BACKEND' });
    wanted = undefined;
  }
  if (wanted !== undefined) {
    setBackend(wanted);
    return;
  }
  if (native !== null) {
    setBackend('native');
    return;
  }
  setBackend(wasm ? 'wasm' : 'ts');
  if (process.env['NABLA_NO_NATIVE_WARNING']) return;
  // one line on stderr (process.emitWarning would add a second line about --trace-warnings)
  const why = nativeLoadError() ?? 'unknown reason';
  process.stderr.write(
    wasm
      ? `nabla: the native addon is not available (${why}); falling back to the WebAssembly kernels ('wasm'), slower than native; ${nativeBuildHint()}. NABLA_NO_NATIVE_WARNING=1 silences this.\n`
      : `nabla: running on the TypeScript backend, which is much slower: the native addon is not available (${why}) and neither is the WebAssembly module (${wasmLoadError() ?? 'unknown reason'}); ${nativeBuildHint()}. NABLA_NO_NATIVE_WARNING=1 silences this.\n`,
  );
}
