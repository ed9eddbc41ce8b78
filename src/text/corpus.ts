/**
 * Real text from Debian's fortune packages, for character-level language models:
 * - `'en'`: the English fortunes of packages `fortunes` + `fortunes-min` (the W4 corpus of
 *   WORKLOADS.md: every file directly in /usr/share/games/fortunes whose name has no '.', less
 *   fortunes-zh's files, sorted by name, concatenated unchanged; about 2.58 M characters);
 * - `'zh'`: fortunes-zh's `tang300` (300 Tang poems) and `song100` (100 Song ci), with the
 *   terminal colour codes around titles and authors removed (about 46 k characters);
 * - `'tang'`: `tang300` alone, the same way (29,891 characters; mostly 5- and 7-character lines).
 * A missing package is a NablaError naming the apt package to install.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NablaError } from '../core/errors.js';

export const FORTUNES_DIR = '/usr/share/games/fortunes';

export type CorpusName = 'en' | 'zh' | 'tang';
export const CORPORA: readonly CorpusName[] = ['en', 'zh', 'tang'];

/** Files that fortunes-zh installs into the same directory (not English). */
const ZH_FILES = new Set(['chinese', 'tang300', 'song100']);

export interface TextCorpus {
  name: CorpusName;
  text: string;
  /** the files read, in order */
  files: string[];
}

export interface CorpusOptions {
  /** the fortunes directory (default /usr/share/games/fortunes) */
  dir?: string;
}

function missing(what: string, pkgs: string): NablaError {
  return new NablaError(`fortunesCorpus: ${what} not found; install it with \`sudo apt-get install ${pkgs}\` (Debian/Ubuntu)`);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Strips ANSI SGR colour codes (`ESC[32m ... ESC[m`), which fortunes-zh puts around titles. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Reads one of the fortune corpora (see the module comment). */
export function fortunesCorpus(name: CorpusName, opts: CorpusOptions = {}): TextCorpus {
  const dir = opts.dir ?? FORTUNES_DIR;
  if (name === 'en') {
    if (!existsSync(join(dir, 'fortunes'))) throw missing(`the English fortunes (${join(dir, 'fortunes')})`, 'fortunes fortunes-min');
    const files = readdirSync(dir)
      .filter((n) => !n.includes('.') && !ZH_FILES.has(n) && statSync(join(dir, n)).isFile())
      .sort();
    const text = files.map((n) => decoder.decode(readFileSync(join(dir, n)))).join('');
    return { name, text, files };
  }
  if (name === 'zh' || name === 'tang') {
    const files = name === 'zh' ? ['tang300', 'song100'] : ['tang300'];
    for (const f of files) if (!existsSync(join(dir, f))) throw missing(`the ${name === 'zh' ? 'Tang and Song' : 'Tang'} poems (${join(dir, f)})`, 'fortunes-zh');
    const text = files.map((n) => stripAnsi(decoder.decode(readFileSync(join(dir, n))))).join('');
    return { name, text, files };
  }
  throw new NablaError(`fortunesCorpus: unknown corpus '${String(name)}'; choose one of ${CORPORA.join(', ')}`);
}
