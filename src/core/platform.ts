/**
 * What the library needs from its host, as hooks with defaults that work in any JavaScript
 * runtime (a browser page, a worker, Deno, Node). Nothing here names `process`, `Buffer` or a
 * `node:` module: the Node entry (src/node/install.ts) replaces the defaults with Node's own
 * (environment variables, process warnings, stderr, files on disk) when `nabla` is imported
 * in Node.
 */

/** Somewhere text goes line by line: Node's `process.stderr`, or the console. */
export interface TextSink {
  write(text: string): unknown;
  /** a terminal that redraws lines in place */
  isTTY?: boolean;
  /** its width in characters */
  columns?: number;
}

export interface Platform {
  /** an environment variable, or undefined where the host has none (browsers) */
  env(name: string): string | undefined;
  /** a one-time warning for the user (Node: `process.emitWarning`; elsewhere `console.warn`) */
  warn(message: string, code: string): void;
  /** where progress bars and training logs go (Node: stderr; elsewhere the console) */
  stderr: TextSink;
  /** the bytes of a file shipped with the package, by absolute URL (Node: read from disk; elsewhere `fetch`) */
  readAsset(href: string): Promise<Uint8Array>;
}

/** Writes whole lines to `console.log`; partial lines wait for their newline. */
function consoleSink(): TextSink {
  let pending = '';
  return {
    write(text: string): boolean {
      pending += text.replace(/\r/g, '\n');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') console.log(line);
      return true;
    },
  };
}

async function fetchAsset(href: string): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new Error(`no fetch() in this environment to load ${href}`);
  const r = await fetch(href);
  if (!r.ok) throw new Error(`HTTP ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

const warned = new Set<string>();

export const platform: Platform = {
  env: () => undefined,
  warn(message: string, code: string): void {
    if (warned.has(code + message)) return;
    warned.add(code + message);
    console.warn(message);
  },
  stderr: consoleSink(),
  readAsset: fetchAsset,
};

/** Replaces some hooks (the Node entry does this once at import). */
export function setPlatform(hooks: Partial<Platform>): void {
  Object.assign(platform, hooks);
}
