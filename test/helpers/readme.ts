/** The README's code blocks, so tests can check that they compile and run as printed. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The first ```ts block after the heading `heading` (e.g. '### In the browser'). */
export function readmeBlock(heading: string): string {
  const text = readFileSync(README, 'utf8');
  const at = text.split('\n').findIndex((l) => l.trim() === heading);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const rest = text.split('\n').slice(at + 1).join('\n');
  const m = /^```ts\n([\s\S]*?)^```$/m.exec(rest);
  if (m === null) throw new Error(`README.md: no ts code block after "${heading}"`);
  return m[1]!;
}
