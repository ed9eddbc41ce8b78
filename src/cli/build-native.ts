/**
 * `nabla build-native`: builds the native addon of this copy of nabla (scripts/build-native.mjs
 * in the package), for consumers whose npm did not run the install script. Skips when the addon
 * is up to date; `--force` rebuilds. The new addon is used by the next `nabla` process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';

export async function buildNativeCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'Usage: nabla build-native [--force]\n\nCompile the native addon (C++ kernels) of this nabla installation; needs a C++ compiler, make and Python 3.\n' +
        'Skips when the addon is up to date; --force rebuilds it.\n',
    );
    return 0;
  }
  const bad = argv.filter((a) => a !== '--force');
  if (bad.length > 0) throw new UsageError(`nabla build-native: unknown argument ${bad[0]}; the only flag is --force`);
  // dist/cli/ or src/cli/ -> the package root
  const script = fileURLToPath(new URL('../../scripts/build-native.mjs', import.meta.url));
  if (!existsSync(script)) throw new UsageError(`nabla build-native: ${script} is missing from this installation`);
  const r = spawnSync(process.execPath, [script, ...argv], { stdio: 'inherit' });
  return r.status ?? 1;
}
