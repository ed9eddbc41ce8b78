/**
 * node:test's interface for the browser page: `test`, `describe`, `it` (with `.skip` / `.only`
 * ignored as in a plain run, and `{ skip }` options), and a context with `skip`, `diagnostic`,
 * `name`. Tests register when their file is imported; `runAll` runs them one by one, in order,
 * awaiting async ones, and returns one record per test. Aliased for `node:test` when the page
 * is bundled (test/browser/chromium.test.ts).
 */
type TestFn = (t: TestContext) => unknown;
interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  timeout?: number;
}

export interface TestRecord {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  ms: number;
  error?: string;
  diagnostics: string[];
}

export class TestContext {
  skipped: string | null = null;
  readonly diagnostics: string[] = [];
  constructor(readonly name: string) {}
  skip(message = ''): void {
    this.skipped = message;
  }
  todo(message = ''): void {
    this.skipped = `todo ${message}`;
  }
  diagnostic(message: string): void {
    this.diagnostics.push(message);
  }
  async test(name: string, a?: TestOptions | TestFn, b?: TestFn): Promise<void> {
    const [opts, fn] = typeof a === 'function' ? [{}, a] : [a ?? {}, b];
    const sub = new TestContext(`${this.name} > ${name}`);
    if (opts.skip || fn === undefined) return;
    await fn(sub);
  }
}

const registered: { name: string; opts: TestOptions; fn: TestFn | undefined }[] = [];
const prefix: string[] = [];

function register(name: string, a?: TestOptions | TestFn, b?: TestFn): void {
  const [opts, fn] = typeof a === 'function' ? [{}, a] : [a ?? {}, b];
  registered.push({ name: [...prefix, name].join(' > '), opts, fn });
}

type Register = ((name: string, a?: TestOptions | TestFn, b?: TestFn) => void) & {
  skip: (name: string, a?: TestOptions | TestFn, b?: TestFn) => void;
  only: (name: string, a?: TestOptions | TestFn, b?: TestFn) => void;
  todo: (name: string, a?: TestOptions | TestFn, b?: TestFn) => void;
};

function withModifiers(f: (name: string, a?: TestOptions | TestFn, b?: TestFn) => void): Register {
  const r = f as Register;
  r.skip = (name, a, b) => f(name, { ...(typeof a === 'object' ? a : {}), skip: true }, typeof a === 'function' ? a : b);
  r.only = f;
  r.todo = (name, a, b) => f(name, { ...(typeof a === 'object' ? a : {}), todo: true }, typeof a === 'function' ? a : b);
  return r;
}

export const test = withModifiers(register);
export const it = test;

/** Groups tests: their names get the suite's name as a prefix. The body runs at once, as in Node. */
export const describe = withModifiers((name: string, a?: TestOptions | TestFn, b?: TestFn) => {
  const fn = typeof a === 'function' ? a : b;
  const opts = typeof a === 'object' ? a : {};
  if (opts.skip || fn === undefined) return;
  prefix.push(name);
  try {
    void fn(new TestContext(name));
  } finally {
    prefix.pop();
  }
});
export const suite = describe;

const noop = (): void => {};
export const before = noop;
export const after = noop;
export const beforeEach = noop;
export const afterEach = noop;

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(e);
}

/** Runs every registered test in order; `filter` keeps names that contain it. */
export async function runAll(filter?: string): Promise<TestRecord[]> {
  const out: TestRecord[] = [];
  for (const { name, opts, fn } of registered) {
    if (filter !== undefined && !name.includes(filter)) continue;
    const t = new TestContext(name);
    if (opts.skip || opts.todo || fn === undefined) {
      out.push({ name, status: 'skip', ms: 0, diagnostics: [typeof opts.skip === 'string' ? opts.skip : 'skipped'] });
      continue;
    }
    const t0 = performance.now();
    try {
      await fn(t);
      out.push({ name, status: t.skipped === null ? 'pass' : 'skip', ms: performance.now() - t0, diagnostics: t.skipped === null ? t.diagnostics : [t.skipped] });
    } catch (e) {
      out.push({ name, status: 'fail', ms: performance.now() - t0, error: describeError(e), diagnostics: t.diagnostics });
    }
  }
  return out;
}

export default test;
