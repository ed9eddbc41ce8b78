/**
 * Anomaly mode: `detectAnomaly(() => ...)` runs a function and stops at the first op whose
 * forward output, or whose backward gradient for one of its inputs, holds NaN or infinity. The
 * error names the op, forward or backward, its inputs' dtypes and shapes, the first bad element,
 * and the line of the user's code that made the op (a stack trace is captured for every op while
 * the mode is on, and the first frame outside nabla's own files is shown).
 *
 * It listens to the op events (src/core/events.ts): while no anomaly check runs nobody listens,
 * so it costs nothing when off. While on it is slow (every op's output is scanned and every op
 * captures a stack trace), as PyTorch's is: use it to find where a NaN comes from, not to train.
 *
 * An op is blamed when its output holds NaN or infinity; the message says whether an input
 * already held it (then the bad values came from a tensor no op made: the data, a parameter, or a
 * value such as a -Infinity mask). `{ infinity: false }` checks for NaN only, for models that use
 * infinity on purpose.
 */
import type { Tensor } from './tensor.js';
import { type OpEvent, onOp } from './events.js';
import { NablaError, describe, fmtShape } from './errors.js';
import { isFloat } from './dtype.js';
import { formatIndex } from './shape.js';

export interface AnomalyOptions {
  /** also stop at +-infinity, not only at NaN (default true) */
  infinity?: boolean;
}

/** The error of anomaly mode: which op, which pass, and where the user's code made it. */
export class AnomalyError extends NablaError {
  constructor(
    message: string,
    /** the op's name, e.g. 'log' */
    readonly op: string,
    readonly phase: 'forward' | 'backward',
    /** the first stack frame outside nabla's files where the op was called, if known */
    readonly where: string | undefined,
  ) {
    super(message);
  }
}

/** Runs `fn` in anomaly mode and returns what it returns (see the file's comment). */
export function detectAnomaly<T>(fn: () => T, opts: AnomalyOptions = {}): T {
  if (typeof fn !== 'function') throw new NablaError(`detectAnomaly: expected a function to run, got ${describe(fn)}`);
  if (opts === null || typeof opts !== 'object') throw new NablaError(`detectAnomaly: options must be an object such as { infinity: false }, got ${describe(opts)}`);
  const outer = active;
  const mode: Mode = { infinity: opts.infinity ?? outer?.infinity ?? true, sites: outer?.sites ?? new WeakMap() };
  active = mode;
  const off = outer === null ? onOp(check) : null;
  try {
    return fn();
  } finally {
    active = outer;
    off?.();
  }
}

/** True while a detectAnomaly call is running. */
export function isAnomalyEnabled(): boolean {
  return active !== null;
}

interface Mode {
  infinity: boolean;
  /** where each op output was made (the first user frame), for messages about its backward */
  sites: WeakMap<Tensor, string | undefined>;
}

let active: Mode | null = null;

function check(e: OpEvent): void {
  const mode = active;
  if (mode === null) return;
  if (e.kind === 'forward') {
    const site = userFrame();
    mode.sites.set(e.output, site);
    const bad = firstBad(e.output, mode.infinity);
    if (bad === null) return;
    const held = e.inputs.map((x, i) => [i, firstBad(x, mode.infinity)] as const).filter(([, b]) => b !== null);
    const cause =
      held.length === 0
        ? 'none of its inputs held NaN or infinity, so the op made it'
        : held.map(([i, b]) => `input ${i} already held ${b!.value} at ${b!.at}${e.inputs[i]!.isLeaf ? ' (a tensor no op made: data, a parameter or a constant)' : ''}`).join('; ');
    throw new AnomalyError(
      `anomaly: ${e.op} (forward) produced ${bad.value} in its output ${e.output.dtype} ${fmtShape(e.output.shape)} (first at ${bad.at}); ` +
        `inputs: ${describeInputs(e.inputs)}; ${cause}${atSite(site)}`,
      e.op,
      'forward',
      site,
    );
  } else {
    for (let i = 0; i < e.inputGrads.length; i++) {
      const g = e.inputGrads[i];
      if (g === null || g === undefined) continue;
      const bad = firstBad(g, mode.infinity);
      if (bad === null) continue;
      const incoming = firstBad(e.grad, mode.infinity);
      const site = mode.sites.get(e.output);
      const cause =
        incoming === null
          ? 'the gradient it received was finite, so its backward made it'
          : `the gradient it received already held ${incoming.value} at ${incoming.at}`;
      throw new AnomalyError(
        `anomaly: ${e.op} (backward) produced ${bad.value} in the gradient of its input ${i} ${e.inputs[i]!.dtype} ${fmtShape(e.inputs[i]!.shape)} ` +
          `(first at ${bad.at}); inputs: ${describeInputs(e.inputs)}; ${cause}${atSite(site, true)}`,
        e.op,
        'backward',
        site,
      );
    }
  }
}

function describeInputs(xs: readonly Tensor[]): string {
  return xs.length === 0 ? 'none' : xs.map((x) => `${x.dtype} ${fmtShape(x.shape)}`).join(', ');
}

function atSite(site: string | undefined, forwardOf = false): string {
  if (site === undefined) return '';
  return forwardOf ? `; the op's forward was called at ${site}` : `; the op was called at ${site}`;
}

/** The first NaN (or infinity) of a float tensor, with its index, or null. */
function firstBad(t: Tensor, infinity: boolean): { value: string; at: string } | null {
  if (!isFloat(t.dtype) || t.size === 0) return null;
  const d = t._contiguousData();
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) return { value: 'NaN', at: formatIndex(i, t.shape) };
    if (infinity && (v === Infinity || v === -Infinity)) return { value: v > 0 ? 'infinity' : '-infinity', at: formatIndex(i, t.shape) };
  }
  return null;
}

/** The directory holding nabla's own files (src/ in a clone, dist/ when installed). */
const OWN_ROOT = (() => {
  try {
    const url = new URL('..', import.meta.url); // src/core/ -> src/ (or dist/core/ -> dist/)
    return decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
})();

/**
 * The first frame of the current stack outside nabla's own files, Node's internals and
 * node_modules: the line of the user's code that called the op (`file.ts:12:7`, with the
 * function's name when it has one).
 */
function userFrame(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(line);
    if (m === null) continue;
    const file = m[2]!.startsWith('file://') ? decodeURIComponent(new URL(m[2]!).pathname) : m[2]!;
    if (file.startsWith('node:') || file.includes('/node_modules/') || !file.includes('/')) continue;
    if (OWN_ROOT !== undefined && file.startsWith(OWN_ROOT)) continue;
    const fn = m[1] !== undefined && m[1] !== '<anonymous>' && !m[1].startsWith('file://') ? ` (in ${m[1]})` : '';
    return `${file}:${m[3]}:${m[4]}${fn}`;
  }
  return undefined;
}
