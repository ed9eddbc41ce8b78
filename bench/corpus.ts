/**
 * The W4 corpus (WORKLOADS.md): every regular file directly in /usr/share/games/fortunes whose
 * name contains no '.', sorted by name, read as UTF-8 (invalid bytes -> U+FFFD), concatenated:
 * the 43 files of the Debian packages fortunes + fortunes-min (2,576,627 characters). Files that
 * other packages put in the same directory (fortunes-zh's chinese, song100, tang300) are left
 * out, by asking dpkg which files belong to those two packages when dpkg is available.
 * Vocabulary: the 64 most frequent characters (ties by code point), sorted by code point -> ids
 * 0..63; every other character -> 64 (UNK). Written to data/text/corpus.ids (one uint8 per
 * character) and data/text/vocab.json, built on first use (data/text/ holds its own .gitignore).
 *
 * Run directly to (re)build: `npx tsx bench/corpus.ts`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FORTUNES_DIR = '/usr/share/games/fortunes';
export const TEXT_DIR = resolve(fileURLToPath(new URL('../data/text', import.meta.url)));
export const VOCAB = 65;
export const UNK = 64;

export interface Corpus {
  ids: Uint8Array;
  /** the 64 kept characters, by id */
  chars: string[];
}

/** Names of the files of packages fortunes + fortunes-min directly in `dir`, or null without dpkg. */
function packageFiles(dir: string): Set<string> | null {
  const r = spawnSync('dpkg-query', ['-L', 'fortunes', 'fortunes-min'], { encoding: 'utf8' });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  const prefix = dir.replace(/\/$/, '') + '/';
  const names = r.stdout.split('\n').filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).filter((n) => n !== '' && !n.includes('/'));
  return new Set(names);
}

export function buildCorpus(dir = FORTUNES_DIR, out = TEXT_DIR): Corpus {
  if (!existsSync(dir)) throw new Error(`W4 corpus: ${dir} not found; install it with \`sudo apt-get install fortunes fortunes-min\``);
  const owned = packageFiles(dir);
  const names = readdirSync(dir)
    .filter((n) => !n.includes('.') && statSync(join(dir, n)).isFile() && (owned === null || owned.has(n)))
    .sort();
  const dec = new TextDecoder('utf-8', { fatal: false });
  const text = names.map((n) => dec.decode(readFileSync(join(dir, n)))).join('');
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  const freq = new Map<number, number>();
  for (const c of cps) freq.set(c, (freq.get(c) ?? 0) + 1);
  const kept = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 64).map((e) => e[0]).sort((a, b) => a - b);
  const id = new Map(kept.map((c, i) => [c, i]));
  const ids = new Uint8Array(cps.length);
  for (let i = 0; i < cps.length; i++) ids[i] = id.get(cps[i]!) ?? UNK;
  const chars = kept.map((c) => String.fromCodePoint(c));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, '.gitignore'), '*\n');
  writeFileSync(join(out, 'corpus.ids'), ids);
  writeFileSync(join(out, 'vocab.json'), JSON.stringify({ files: names, characters: cps.length, chars, unk: UNK }, null, 1) + '\n');
  return { ids, chars };
}

/** Reads data/text/corpus.ids (building it first if absent). */
export function loadCorpus(out = TEXT_DIR): Corpus {
  const idsPath = join(out, 'corpus.ids');
  const vocabPath = join(out, 'vocab.json');
  if (!existsSync(idsPath) || !existsSync(vocabPath)) return buildCorpus(FORTUNES_DIR, out);
  const ids = new Uint8Array(readFileSync(idsPath));
  const { chars } = JSON.parse(readFileSync(vocabPath, 'utf8')) as { chars: string[] };
  return { ids, chars };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const c = buildCorpus();
  const unk = c.ids.reduce((s, v) => s + (v === UNK ? 1 : 0), 0);
  console.log(`W4 corpus: ${c.ids.length} characters (WORKLOADS.md: 2,576,627), UNK ${(100 * unk / c.ids.length).toFixed(2)} %, kept ${JSON.stringify(c.chars.join(''))} -> ${TEXT_DIR}`);
}
