/**
 * node:assert/strict for the browser page: the methods the suites use, with Node's strict
 * semantics (SameValue for primitives; deep equality that compares prototypes, own enumerable
 * keys, array and typed-array elements, Maps, Sets, Dates, RegExps and Errors). Aliased for
 * `node:assert` and `node:assert/strict` when the page is bundled.
 */
export class AssertionError extends Error {
  readonly code = 'ERR_ASSERTION';
  constructor(
    message: string,
    readonly actual?: unknown,
    readonly expected?: unknown,
    readonly operator?: string,
  ) {
    super(message);
    this.name = 'AssertionError';
  }
}

type Message = string | Error | undefined;

function show(v: unknown): string {
  try {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<number>).slice(0, 12).join(', ')}${(v as unknown as ArrayLike<number>).length > 12 ? ', ...' : ''}]`;
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}...` : s;
  } catch {
    return String(v);
  }
}

function fail(message: Message, fallback: string, actual?: unknown, expected?: unknown, operator?: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback, actual, expected, operator);
}

function deepEq(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (ArrayBuffer.isView(a)) {
    if (a instanceof DataView) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error && (a.name !== (b as Error).name || a.message !== (b as Error).message)) return false;
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) if (!m.has(k) || !deepEq(v, m.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v)) return false;
    return true;
  }
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)) return false;
  }
  return true;
}

type Expected = RegExp | (new (...args: never[]) => unknown) | ((e: unknown) => boolean) | Record<string, unknown>;

function matchesExpected(err: unknown, expected: Expected): boolean {
  if (expected instanceof RegExp) return expected.test(String(err));
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof (expected as new () => unknown)) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return (expected as (e: unknown) => boolean)(err) === true;
  }
  for (const [k, want] of Object.entries(expected)) {
    const got = (err as Record<string, unknown>)[k];
    if (want instanceof RegExp ? !(typeof got === 'string' && want.test(got)) : !deepEq(got, want, new Map())) return false;
  }
  return true;
}

function ok(value: unknown, message?: Message): void {
  if (!value) fail(message, `The expression evaluated to a falsy value: ${show(value)}`, value, true, '==');
}

const assert = Object.assign(ok, {
  AssertionError,
  ok,
  equal(actual: unknown, expected: unknown, message?: Message): void {
    if (!Object.is(actual, expected)) fail(message, `Expected values to be strictly equal: ${show(actual)} !== ${show(expected)}`, actual, expected, 'strictEqual');
  },
  notEqual(actual: unknown, expected: unknown, message?: Message): void {
    if (Object.is(actual, expected)) fail(message, `Expected "actual" to be strictly unequal to: ${show(expected)}`, actual, expected, 'notStrictEqual');
  },
  deepEqual(actual: unknown, expected: unknown, message?: Message): void {
    if (!deepEq(actual, expected, new Map())) fail(message, `Expected values to be strictly deep-equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`, actual, expected, 'deepStrictEqual');
  },
  notDeepEqual(actual: unknown, expected: unknown, message?: Message): void {
    if (deepEq(actual, expected, new Map())) fail(message, `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`, actual, expected, 'notDeepStrictEqual');
  },
  match(actual: string, re: RegExp, message?: Message): void {
    if (typeof actual !== 'string' || !re.test(actual)) fail(message, `The input did not match the regular expression ${String(re)}. Input: ${show(actual)}`, actual, re, 'match');
  },
  doesNotMatch(actual: string, re: RegExp, message?: Message): void {
    if (typeof actual !== 'string' || re.test(actual)) fail(message, `The input was expected to not match the regular expression ${String(re)}. Input: ${show(actual)}`, actual, re, 'doesNotMatch');
  },
  throws(fn: () => unknown, expected?: Expected | string, message?: Message): void {
    if (typeof expected === 'string') [message, expected] = [expected, undefined];
    try {
      fn();
    } catch (e) {
      if (expected !== undefined && !matchesExpected(e, expected)) fail(message, `The error did not match ${expected instanceof RegExp ? String(expected) : show(expected)}: ${show(e)}`, e, expected, 'throws');
      return;
    }
    fail(message, 'Missing expected exception.', undefined, expected, 'throws');
  },
  doesNotThrow(fn: () => unknown, message?: Message): void {
    try {
      fn();
    } catch (e) {
      fail(message, `Got unwanted exception: ${show(e)}`, e, undefined, 'doesNotThrow');
    }
  },
  async rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: Expected | string, message?: Message): Promise<void> {
    if (typeof expected === 'string') [message, expected] = [expected, undefined];
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      if (expected !== undefined && !matchesExpected(e, expected)) fail(message, `The rejection did not match: ${show(e)}`, e, expected, 'rejects');
      return;
    }
    fail(message, 'Missing expected rejection.', undefined, expected, 'rejects');
  },
  fail(message?: Message): never {
    return fail(message, 'Failed');
  },
});
Object.assign(assert, { strictEqual: assert.equal, notStrictEqual: assert.notEqual, deepStrictEqual: assert.deepEqual, notDeepStrictEqual: assert.notDeepEqual, strict: assert });

export default assert;
export const { equal, notEqual, deepEqual, notDeepEqual, match, doesNotMatch, throws, doesNotThrow, rejects } = assert;
export const strictEqual = assert.equal;
export const deepStrictEqual = assert.deepEqual;
