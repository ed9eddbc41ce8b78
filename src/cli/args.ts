/**
 * Command-line flag parsing on top of Node's `util.parseArgs`, with the messages a user needs:
 * an unknown flag names itself and the command's flags; a bad number names the flag and value.
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

export function parseFlags(command: string, argv: readonly string[], flags: Record<string, FlagSpec>): { values: FlagValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [k, f] of Object.entries(flags)) options[k] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  try {
    const r = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    const values: FlagValues = {};
    for (const [k, f] of Object.entries(flags)) values[k] = (r.values as FlagValues)[k] ?? f.default;
    values['help'] = (r.values as FlagValues)['help'];
    return { values, positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '([^']+)'/.exec(msg);
    if (m) {
      throw new UsageError(`nabla ${command}: unknown flag ${m[1]}; valid flags: ${Object.keys(flags).map((k) => '--' + k).join(', ')} (see nabla ${command} --help)`);
    }
    throw new UsageError(`nabla ${command}: ${msg} (see nabla ${command} --help)`);
  }
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
    const kind = opts.integer ? (opts.positive ? 'a positive integer' : 'an integer') : opts.positive ? 'a positive number' : 'a number';
    throw new UsageError(`nabla ${command}: --${name} must be ${kind}, got '${String(v)}'`);
  }
  return n;
}
