/**
 * How to get the native backend, in one line, for where nabla is installed: in a clone, the
 * project's own script; inside a consumer's node_modules, where npm 11 does not run a
 * dependency's install script until it is approved, approving it (then rebuilding) or running
 * the package's build command through its CLI.
 */
import { fileURLToPath } from 'node:url';

/** True when this copy of nabla lives inside a node_modules directory (installed as a dependency). */
export function installedAsDependency(moduleUrl: string = import.meta.url): boolean {
  let path: string;
  try {
    path = fileURLToPath(moduleUrl);
  } catch {
    return false;
  }
  return /[\\/]node_modules[\\/]/.test(path);
}

/** The command(s) that build the addon here. */
export function nativeBuildHint(asDependency: boolean = installedAsDependency()): string {
  return asDependency
    ? 'approve its install script with `npm install-scripts approve nabla && npm rebuild nabla`, or run `npx nabla build-native` (needs a C++ compiler, make and Python 3)'
    : 'build it with `npm run build:native` (needs a C++ compiler, make and Python 3)';
}
