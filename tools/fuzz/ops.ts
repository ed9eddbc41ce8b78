/**
 * The op fuzzer: seeded random calls of every op-table row (tools/fuzz/specs.ts), computed by
 * PyTorch 1.13 (tools/fixtures/make_optable.py, so /usr/bin/python3 with torch is needed) and
 * by nabla on every backend, then compared: errors as "both raise or neither", outputs and
 * input gradients by shape, dtype, NaN / infinity positions and values (the op-table replay's
 * comparison). Prints agreements and disagreements per op, and the first disagreements in full.
 *
 *   npm run fuzz:ops -- --n 5000 --seed 1
 *   npm run fuzz:ops -- --n 300 --ops add,conv2d --show 10
 *   npm run fuzz:ops -- --n 1500 --seed 11 --write test/fixtures/torch/optable-fuzz.json
 *
 * --write keeps the calls every backend agrees on, with their inputs and PyTorch's results, as
 * the fixture test/optable/fuzz.test.ts replays in `npm test`. Exit status 1 if any call disagrees.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { OP_TABLE, type OpInfo, type Sample, decodeJson, encodeJson, wantsGrad } from '../../src/optable/index.js';
import { seedOf } from '../../src/optable/values.js';
import { onBackend } from '../../test/helpers/backend.js';
import { type FixtureSample, compareWithTorch } from '../../test/helpers/optable.js';
import { FuzzRand } from './rand.js';
import { SPECS, deviationOf } from './specs.js';

interface Options {
  n: number;
  seed: number;
  ops: string[] | null;
  show: number;
  write: string | null;
  backends: string[];
}

function parse(argv: string[]): Options {
  const o: Options = { n: 2000, seed: 1, ops: null, show: 3, write: null, backends: nb.availableBackends() };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const val = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`fuzz:ops: ${k} needs a value`);
      return v;
    };
    if (k === '--n') o.n = Number(val());
    else if (k === '--seed') o.seed = Number(val());
    else if (k === '--ops') o.ops = val().split(',');
    else if (k === '--show') o.show = Number(val());
    else if (k === '--write') o.write = val();
    else if (k === '--backends') o.backends = val().split(',');
    else throw new Error(`fuzz:ops: unknown option ${k} (--n, --seed, --ops, --show, --write, --backends)`);
  }
  if (!Number.isInteger(o.n) || o.n < 1) throw new Error('fuzz:ops: --n must be a positive integer');
  return o;
}

export interface FuzzCall {
  op: OpInfo;
  sample: Sample;
}

/** Call i of seed s: its op round-robin over the rows, its content from a generator seeded by (s, i). */
export function generate(n: number, seed: number, only: string[] | null = null): FuzzCall[] {
  const rows = OP_TABLE.filter((op) => SPECS[op.name] !== undefined && (only === null || only.some((x) => x.toLowerCase() === op.name.toLowerCase())));
  if (rows.length === 0) throw new Error('fuzz:ops: no op matches --ops');
  const calls: FuzzCall[] = [];
  for (let i = 0; i < n; i++) {
    const op = rows[i % rows.length]!;
    const r = new FuzzRand(seedOf(`${seed}/${i}`));
    const c = SPECS[op.name]!(r);
    const dev = deviationOf(op.name, c);
    calls.push({ op, sample: { name: `${seed}#${i}`, inputs: c.inputs, args: c.args, ...(dev ? { deviation: dev } : {}) } });
  }
  return calls;
}

/**
 * PyTorch's results for the calls. A call that crashes PyTorch itself (1.13 aborts on a few
 * hostile inputs) is recorded as `crash` and the rest are run again without it.
 */
export function torchResults(calls: readonly FuzzCall[]): Map<string, FixtureSample & { torchLayoutBug?: boolean; crash?: boolean }> {
  const res = new Map<string, FixtureSample & { torchLayoutBug?: boolean; crash?: boolean }>();
  let todo = [...calls];
  for (;;) {
    const crashed = runTorch(todo, res);
    if (crashed === null) return res;
    res.set(crashed, { name: crashed, key: '', crash: true });
    todo = todo.filter((c) => !res.has(c.sample.name));
  }
}

/** Runs the calls through make_optable.py into `res`; returns the name of the call PyTorch crashed on, or null. */
function runTorch(calls: readonly FuzzCall[], res: Map<string, FixtureSample>): string | null {
  const byOp = new Map<string, FuzzCall[]>();
  for (const c of calls) byOp.set(c.op.name, [...(byOp.get(c.op.name) ?? []), c]);
  const ops = [...byOp].map(([name, cs]) => ({
    name,
    samples: cs.map((c) => ({ name: c.sample.name, key: '', inputs: c.sample.inputs.map((i) => ({ ...i, grad: wantsGrad(c.op, i) })), args: c.sample.args })),
  }));
  const dir = mkdtempSync(join(tmpdir(), 'nabla-fuzz-'));
  const src = join(dir, 'calls.json');
  const out = join(dir, 'torch.json');
  writeFileSync(src, encodeJson({ ops }));
  const script = new URL('../fixtures/make_optable.py', import.meta.url).pathname;
  const p = spawnSync('/usr/bin/python3', [script, src, out, '--layout-check', '--progress'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (p.status !== 0) {
    const started = existsSync(`${out}.progress`) ? readFileSync(`${out}.progress`, 'utf8').trim().split('\n') : [];
    const last = started[started.length - 1];
    if (p.signal !== null && last) return last; // killed by a signal (abort, segfault) while running `last`
    throw new Error(`fuzz:ops: ${script} failed (status ${p.status}); it needs /usr/bin/python3 with torch 1.13\n${p.stderr.toString()}`);
  }
  const raw = decodeJson<{ ops: Record<string, FixtureSample[]> }>(readFileSync(out, 'utf8'));
  for (const list of Object.values(raw.ops)) for (const f of list) res.set(f.name, f);
  return null;
}

/**
 * The documented deviation 'overflow-order': a float input near its dtype's limit and
 * disagreements about values only (not errors, shapes or dtypes).
 */
function isOverflowOrder(s: Sample, problems: readonly string[]): boolean {
  const huge = s.inputs.some((i) => i.data.some((v) => Number.isFinite(v) && Math.abs(v) > (i.dtype === 'float32' ? 1e37 : 1e299)));
  return huge && problems.every((p) => / values differ; /.test(p) && !/shape|dtype/.test(p.split(':')[0]!));
}

interface Tally {
  calls: number;
  deviations: number;
  /** PyTorch's result depends on the inputs' memory layout (a PyTorch bug): not compared */
  torchBugs: number;
  agree: Record<string, number>;
  disagree: Record<string, number>;
  examples: string[];
}

function main(): void {
  const o = parse(process.argv.slice(2));
  const calls = generate(o.n, o.seed, o.ops);
  const t0 = Date.now();
  const torch = torchResults(calls);
  const tTorch = Date.now() - t0;
  const tally = new Map<string, Tally>();
  const keep: { call: FuzzCall; f: FixtureSample }[] = [];
  for (const c of calls) {
    const t = tally.get(c.op.name) ?? { calls: 0, deviations: 0, torchBugs: 0, agree: {}, disagree: {}, examples: [] };
    tally.set(c.op.name, t);
    t.calls++;
    if (c.sample.deviation !== undefined) {
      t.deviations++;
      continue;
    }
    const f = torch.get(c.sample.name)!;
    if (f.torchLayoutBug || f.crash) {
      t.torchBugs++;
      continue;
    }
    let ok = true;
    const results = o.backends.map((b) => [b, onBackend(b, () => compareWithTorch(c.op, c.sample, f))] as const);
    if (results.some(([, p]) => p.length > 0 && isOverflowOrder(c.sample, p))) {
      t.deviations++;
      continue;
    }
    for (const [b, problems] of results) {
      if (problems.length === 0) t.agree[b] = (t.agree[b] ?? 0) + 1;
      else {
        ok = false;
        t.disagree[b] = (t.disagree[b] ?? 0) + 1;
        if (t.examples.length < o.show) {
          const torchSays = f.error !== undefined ? `PyTorch raises: ${f.error}` : `PyTorch: ${f.out?.map((y) => `${y.dtype}[${y.shape.join(',')}]`).join(' ')}`;
          t.examples.push(`  ${c.op.name} ${c.sample.name} on ${b}: ${problems.join('; ')}\n    ${torchSays}\n    call: ${encodeJson({ inputs: c.sample.inputs, args: c.sample.args })}`);
        }
      }
    }
    if (ok) keep.push({ call: c, f });
  }

  const pad = (s: string | number, w: number): string => String(s).padStart(w);
  console.log(`${calls.length} random calls over ${tally.size} ops (seed ${o.seed}); PyTorch ${(tTorch / 1000).toFixed(1)} s; backends ${o.backends.join(', ')}`);
  console.log(`${'op'.padEnd(30)}${pad('calls', 7)}${pad('dev', 5)}${pad('torch-bug', 10)}${o.backends.map((b) => pad(`agree:${b}`, 14) + pad(`differ:${b}`, 14)).join('')}`);
  const total: Tally = { calls: 0, deviations: 0, torchBugs: 0, agree: {}, disagree: {}, examples: [] };
  for (const [name, t] of tally) {
    total.calls += t.calls;
    total.deviations += t.deviations;
    total.torchBugs += t.torchBugs;
    for (const b of o.backends) {
      total.agree[b] = (total.agree[b] ?? 0) + (t.agree[b] ?? 0);
      total.disagree[b] = (total.disagree[b] ?? 0) + (t.disagree[b] ?? 0);
    }
    const mark = o.backends.some((b) => (t.disagree[b] ?? 0) > 0) ? ' <-' : '';
    console.log(`${name.padEnd(30)}${pad(t.calls, 7)}${pad(t.deviations, 5)}${pad(t.torchBugs, 10)}${o.backends.map((b) => pad(t.agree[b] ?? 0, 14) + pad(t.disagree[b] ?? 0, 14)).join('')}${mark}`);
  }
  console.log(`${'total'.padEnd(30)}${pad(total.calls, 7)}${pad(total.deviations, 5)}${pad(total.torchBugs, 10)}${o.backends.map((b) => pad(total.agree[b] ?? 0, 14) + pad(total.disagree[b] ?? 0, 14)).join('')}`);
  const examples = [...tally.values()].flatMap((t) => t.examples);
  if (examples.length > 0) console.log(`\nfirst disagreements per op:\n${examples.join('\n')}`);

  if (o.write !== null) {
    const ops: Record<string, unknown[]> = {};
    for (const { call, f } of keep) {
      (ops[call.op.name] ??= []).push({ name: call.sample.name, inputs: call.sample.inputs, args: call.sample.args, ...(f.error !== undefined ? { error: f.error } : { out: f.out, ...(f.grads ? { grads: f.grads } : {}) }) });
    }
    const lines = Object.entries(ops).map(([k, v]) => `${JSON.stringify(k)}:[\n${v.map((x) => encodeJson(x)).join(',\n')}]`);
    writeFileSync(o.write, `{"generator":${JSON.stringify(`npm run fuzz:ops -- --n ${o.n} --seed ${o.seed} --write; torch 1.13`)},\n"ops":{\n${lines.join(',\n')}\n}}\n`);
    console.log(`\nwrote ${o.write}: ${keep.length} calls`);
  }
  if (o.backends.some((b) => (total.disagree[b] ?? 0) > 0)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
