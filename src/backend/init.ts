/**
 * Chooses the default backend when the library is imported: the native addon if it loads
 * (registered as 'native' and made current), otherwise the TypeScript reference backend with
 * ONE warning that says why and how to build the fast path.
 *
 * Environment: NABLA_BACKEND=ts|native forces a backend; NABLA_NO_NATIVE_WARNING=1 silences the
 * warning (e.g. on machines without a compiler, where 'ts' is intended).
 */
// Node's platform hooks (environment, warnings, stderr, files) come with Node's backends
import '../node/install.js';
import { registerBackend, setBackend } from './registry.js';
import { loadNativeBackend, nativeLoadError } from './native/index.js';
import { nativeBuildHint } from './native/hint.js';

let initialized = false;

/** Registers the native backend if it loads and selects the default; runs once (later calls do nothing). */
export function initBackends(): void {
  if (initialized) return;
  initialized = true;
  const native = loadNativeBackend();
  if (native !== null) registerBackend(native);
  let wanted = process.env['NABLA_BACKEND'] || undefined;
  if (wanted !== undefined && wanted !== 'ts' && wanted !== 'native') {
    process.emitWarning(`nabla: NABLA_BACKEND='${wanted}' is not a backend (use 'ts' or 'native'); ignoring it`, { code: 'NABLA_BAD_BACKEND' });
    wanted = undefined;
  }
  if (native !== null && wanted !== 'ts') {
    setBackend('native');
    return;
  }
  setBackend('ts');
  if (native === null && wanted !== 'ts' && !process.env['NABLA_NO_NATIVE_WARNING']) {
    // one line on stderr (process.emitWarning would add a second line about --trace-warnings)
    process.stderr.write(
      `nabla: running on the TypeScript backend, which is much slower: the native addon is not available (${nativeLoadError() ?? 'unknown reason'}); ${nativeBuildHint()}. NABLA_NO_NATIVE_WARNING=1 silences this.\n`,
    );
  }
}
