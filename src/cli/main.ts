/**
 * `npx nabla <command>`: train, eval, explain, gradcheck, bench, generate, build-native.
 */
import { NablaError } from '../core/errors.js';
import { UsageError, closest } from './args.js';
import { initBackends } from '../backend/init.js';

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: { summary: 'train a model on a dataset; writes runs/<name>/ with a report', load: async () => (await import('./train.js')).trainCommand },
  eval: { summary: 'evaluate a trained run (or a .safetensors file) on its test set', load: async () => (await import('./eval.js')).evalCommand },
  explain: { summary: 'narrate one training step of a small network, every number with its formula', load: async () => (await import('../explain/cli.js')).explainCommand },
  gradcheck: { summary: 'check a named op or layer\'s gradients against finite differences', load: async () => (await import('./gradcheck.js')).gradcheckCommand },
  bench: { summary: 'run the benchmark workloads against the installed peers', load: async () => (await import('./bench.js')).benchCommand },
  generate: { summary: 'sample text from a character LSTM checkpoint with a temperature', load: async () => (await import('./generate.js')).generateCommand },
  'build-native': { summary: 'compile the native addon (when npm did not run nabla\'s install script)', load: async () => (await import('./build-native.js')).buildNativeCommand },
};

export function usage(): string {
  const rows = Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(11)} ${c.summary}`);
  return `Usage: nabla <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'nabla <command> --help' for a command's flags.\n`;
}

/** Extra commands registered by other modules (e.g. `generate` for the character LSTM). */
export function registerCommand(name: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[name] = { summary, load };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // building the addon needs no backend (and no warning that the addon is missing)
  if (cmd !== 'build-native') initBackends();
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage());
    return cmd === undefined ? 1 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(pkg.version + '\n');
    return 0;
  }
  const name = COMMANDS[cmd] ? cmd : Object.keys(COMMANDS).find((k) => k.toLowerCase() === cmd.toLowerCase());
  const entry = name === undefined ? undefined : COMMANDS[name];
  if (name === undefined || !entry) {
    const hint = cmd.startsWith('-') ? undefined : closest(cmd, Object.keys(COMMANDS));
    const what = cmd.startsWith('-') ? `a flag before the command: '${cmd}'` : `unknown command '${cmd}'`;
    process.stderr.write(`nabla: ${what}${hint ? ` (did you mean '${hint}'?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')} (see nabla --help)\n`);
    return 2;
  }
  try {
    return await (await entry.load())(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    if (e instanceof NablaError) {
      // the message names the problem; the class name would only be noise here
      process.stderr.write(e.message.startsWith('nabla ') ? `${e.message}\n` : `nabla ${name}: ${e.message}\n`);
      return 1;
    }
    const code = (e as { code?: unknown } | null)?.code;
    if (e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      // a system error (a missing file, a directory that cannot be written): its message says it all
      process.stderr.write(`nabla ${name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
