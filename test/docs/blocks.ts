/**
 * The code blocks of the tutorial in docs/: every ```ts block is a program that must run.
 * A block fenced ```ts no-run is shown but not executed (long training loops only).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DocBlock {
  /** docs/<file>.md */
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  code: string;
  run: boolean;
}

export const ROOT = new URL('../../', import.meta.url).pathname;
export const DOCS = join(ROOT, 'docs');

/** The Markdown chapters directly in docs/ (not the generated API reference). */
export function docFiles(): string[] {
  return readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .sort();
}

/** The ```ts blocks of a Markdown text (```typescript too), in order. */
export function extractBlocks(file: string, text: string): DocBlock[] {
  const out: DocBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trimStart().startsWith(fence); j++) body.push(lines[j]!);
    if (j === lines.length) throw new Error(`${file}:${i + 1}: the code block is never closed`);
    out.push({ file, line: i + 1, code: body.join('\n') + '\n', run: !/\bno-run\b/.test(open[4]!) });
    i = j;
  }
  return out;
}

export function blocksOf(file: string): DocBlock[] {
  return extractBlocks(`docs/${file}`, readFileSync(join(DOCS, file), 'utf8'));
}

/** The block as a module importing the repository's sources instead of the published package. */
export function toModule(b: DocBlock): string {
  const index = join(ROOT, 'src', 'index.ts');
  return b.code.replace(/from\s+(['"])nabla\1/g, `from '${index}'`);
}
