/**
 * The few node:fs / node:url / node:path functions test/helpers/fixtures.ts uses, for the browser
 * page: the PyTorch fixture files are embedded in the bundle (`virtual:fixture-files`, made by
 * the bundling test) and read by their file name. Only test files reach this; the library never does.
 */
// @ts-expect-error a virtual module made at bundle time
import { files } from 'virtual:fixture-files';

const table = files as Record<string, string>;

export function readFileSync(path: string): string {
  const name = String(path).split('/').pop() ?? '';
  const text = table[name];
  if (text === undefined) throw new Error(`ENOENT: the browser page embeds no ${name} (embedded: ${Object.keys(table).join(', ')})`);
  return text;
}

export function fileURLToPath(url: URL | string): string {
  return new URL(String(url)).pathname;
}

export function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

export default { readFileSync };
