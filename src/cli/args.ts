/**
 * Command-line flag parsing on top of Node's `util.parseArgs`, with the messages a user needs:
 * an unknown flag names itself, the closest valid flag and the command's flags; a bad number
 * names the flag and value. Flag names are matched case-insensitively, `--lr -1` reads like
 * `--lr=-1`, and arguments the command does not take are refused.
 */
import { parseArgs } from 'node:util';
import { NablaError } from '../core/errors.js';

export class UsageError extends NablaError {}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  help: string;
  default?: string | boolean;
}

export type FlagValues = Record<string, string | boolean | undefined>;

export interface ParseOptions {
  /** how many positional arguments the command takes (default 0), and what they are, for messages */
  positionals?: { max: number; name: string };
}

/** Looks like a number, negative ones included (`-1`, `-.5`, `-1e-3`): a value, never a flag. */
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

export function parseFlags(
  command: string,
  argv: readonly string[],
  flags: Record<string, FlagSpec>,
  opts: ParseOptions = {},
): { values: FlagValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [k, f] of Object.entries(flags)) options[k] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  const args = normalise(command, argv, flags);
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '([^']+)'/.exec(msg);
    if (m) throw unknownFlag(command, m[1]!, flags);
    const missing = /Option '(?:-\w, )?--([^ ']+)[^']*' argument missing/.exec(msg);
    if (missing) throw new UsageError(`nabla ${command}: --${missing[1]} needs a value (see nabla ${command} --help)`);
    const ambiguous = /Option '-?-?([^']+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const flag = Object.entries(flags).find(([k, f]) => k === ambiguous[1] || f.short === ambiguous[1])?.[0] ?? ambiguous[1];
      throw new UsageError(`nabla ${command}: --${flag} needs a value; to give one that starts with '-', write --${flag}=<value> (see nabla ${command} --help)`);
    }
    throw new UsageError(`nabla ${command}: ${msg.replace(/^Option/, 'flag')} (see nabla ${command} --help)`);
  }
  const max = opts.positionals?.max ?? 0;
  if (r.positionals.length > max) {
    const extra = r.positionals.slice(max);
    const what = max === 0 ? 'takes no arguments besides flags' : `takes at most ${max} ${opts.positionals!.name}`;
    throw new UsageError(`nabla ${command}: unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => `'${a}'`).join(', ')}: it ${what} (see nabla ${command} --help)`);
  }
  const values: FlagValues = {};
  for (const [k, f] of Object.entries(flags)) values[k] = (r.values as FlagValues)[k] ?? f.default;
  values['help'] = (r.values as FlagValues)['help'];
  return { values, positionals: r.positionals };
}

/**
 * Rewrites argv for parseArgs: flag names matched case-insensitively (`--Epochs` is `--epochs`),
 * and a string flag followed by a negative number takes it as its value (`--lr -1` is `--lr=-1`,
 * so that it gets the same message as `--lr=-1` instead of "unknown flag -1").
 */
function normalise(command: string, argv: readonly string[], flags: Record<string, FlagSpec>): string[] {
  const byLower = new Map<string, string>([['help', 'help']]);
  const byShort = new Map<string, string>();
  for (const [k, f] of Object.entries(flags)) {
    byLower.set(k.toLowerCase(), k);
    if (f.short) byShort.set(f.short, k);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const short = /^-([A-Za-z])$/.exec(a);
    const shortName = short ? byShort.get(short[1]!) : undefined;
    if (shortName !== undefined && flags[shortName]!.type === 'string' && argv[i + 1] !== undefined && NUMBER.test(argv[i + 1]!)) {
      out.push(`--${shortName}=${argv[i + 1]}`);
      i++;
      continue;
    }
    if (!a.startsWith('--')) {
      out.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const raw = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const name = byLower.get(raw.toLowerCase()) ?? raw;
    const rest = eq >= 0 ? a.slice(eq) : '';
    const next = argv[i + 1];
    if (eq < 0 && flags[name]?.type === 'string' && next !== undefined && NUMBER.test(next) && next.startsWith('-')) {
      out.push(`--${name}=${next}`);
      i++;
    } else if (eq >= 0 && flags[name]?.type === 'boolean') {
      throw new UsageError(`nabla ${command}: --${name} is a switch and takes no value (got '${a.slice(eq + 1)}')`);
    } else out.push(`--${name}${rest}`);
  }
  return out;
}

function unknownFlag(command: string, given: string, flags: Record<string, FlagSpec>): UsageError {
  const names = Object.keys(flags);
  const bare = given.replace(/^-+/, '');
  const hint = closest(bare, [...names, 'help']);
  const shown = given.startsWith('--') || given.length > 2 ? `--${bare}` : given;
  if (/^-\d/.test(given)) {
    return new UsageError(`nabla ${command}: unexpected ${given}: a negative number must follow a flag that takes a value, e.g. --lr ${given} (see nabla ${command} --help)`);
  }
  return new UsageError(
    `nabla ${command}: unknown flag ${shown}${hint ? ` (did you mean --${hint}?)` : ''}; valid flags: ${names.map((k) => '--' + k).join(', ')} (see nabla ${command} --help)`,
  );
}

/**
 * Resolves a name the user typed against the valid ones: exact, then case-insensitive, then
 * with `_`/space read as `-`; otherwise a UsageError naming the closest valid name.
 */
export function matchName(command: string, kind: string, given: string, valid: readonly string[]): string {
  if (valid.includes(given)) return given;
  const norm = (s: string): string => s.toLowerCase().replace(/[_\s]+/g, '-');
  const found = valid.find((v) => norm(v) === norm(given));
  if (found !== undefined) return found;
  const hint = closest(given, valid);
  throw new UsageError(`nabla ${command}: unknown ${kind} '${given}'${hint ? ` (did you mean '${hint}'?)` : ''}; choose one of: ${valid.join(', ')}`);
}

/** The valid name nearest to `given` (edit distance, case-insensitive) if it is near enough to be a typo. */
export function closest(given: string, valid: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const lv = v.toLowerCase();
    const d = lv.startsWith(g) && g.length >= 2 ? 0.5 : editDistance(g, lv);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(Math.min(given.length, best.length) / 3)) ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions (so 'trian' is one edit from 'train'). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function helpText(command: string, summary: string, flags: Record<string, FlagSpec>, examples: readonly string[] = []): string {
  const rows = Object.entries(flags).map(([k, f]) => {
    const name = `${f.short ? `-${f.short}, ` : '    '}--${k}${f.type === 'string' ? ' <value>' : ''}`;
    const dflt = f.default !== undefined && f.default !== false ? ` (default: ${String(f.default)})` : '';
    return `  ${name.padEnd(28)} ${f.help}${dflt}`;
  });
  rows.push(`  ${'-h, --help'.padEnd(28)} show this help`);
  const ex = examples.length > 0 ? `\n\nExamples:\n${examples.map((e) => '  ' + e).join('\n')}` : '';
  return `Usage: nabla ${command} [flags]\n\n${summary}\n\nFlags:\n${rows.join('\n')}${ex}\n`;
}

export function numberFlag(command: string, name: string, v: string | boolean | undefined, opts: { integer?: boolean; min?: number; positive?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const bad = typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.positive && n <= 0) || (opts.min !== undefined && n < opts.min);
  if (bad) {
    const kind = opts.integer
      ? opts.positive ? 'a positive integer' : opts.min !== undefined ? `an integer >= ${opts.min}` : 'an integer'
      : opts.positive ? 'a positive number' : opts.min !== undefined ? `a number >= ${opts.min}` : 'a number';
    throw new UsageError(`nabla ${command}: --${name} must be ${kind}, got '${String(v)}'`);
  }
  return n;
}
