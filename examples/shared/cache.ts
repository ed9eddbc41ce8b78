/**
 * Where the application examples keep data they fetch or generate (the breast-cancer CSV from
 * Debian's python3-sklearn package, synthesised speech): `$NABLA_DATA_DIR`, else `data/` at the
 * repository root (git-ignored).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function dataDir(...parts: string[]): string {
  const root = process.env.NABLA_DATA_DIR ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'data');
  return join(root, ...parts);
}
