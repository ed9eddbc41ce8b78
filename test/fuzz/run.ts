/**
 * `npm run fuzz`: the mutation fuzzer for the safetensors, IDX and gzip readers, long form.
 *
 *   npm run fuzz                                  # 100,000 cases, seed 1
 *   npm run fuzz -- --cases 1000000 --seed 7 --workers 2
 *   npm run fuzz -- --seed 7 --replay 4242        # one case, with its mutations and outcome
 *   npm run fuzz -- --format idx --timeout 10000
 *
 * Prints the counts (crashes, hangs, non-FileFormatError throws, silently wrong data) and every
 * bad case with its index for --replay. Exits 1 if there is any.
 */
import { FORMATS, runCase, type Format } from './cases.js';
import { formatCounts, runFuzz, totalBad, type BadOutcome } from './harness.js';

function parse(argv: string[]): { cases: number; seed: number; start: number; workers: number; timeoutMs: number; formats?: Format[]; replay?: number } {
  const o: ReturnType<typeof parse> = { cases: 100_000, seed: 1, start: 0, workers: 1, timeoutMs: 5000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): number => {
      const x = Number(argv[++i]);
      if (!Number.isSafeInteger(x) || x < 0) throw new Error(`fuzz: ${a} needs a non-negative integer, got ${argv[i]}`);
      return x;
    };
    if (a === '--cases') o.cases = v();
    else if (a === '--seed') o.seed = v();
    else if (a === '--start') o.start = v();
    else if (a === '--workers') o.workers = Math.max(1, v());
    else if (a === '--timeout') o.timeoutMs = v();
    else if (a === '--replay') o.replay = v();
    else if (a === '--format') {
      const f = argv[++i] as Format;
      if (!FORMATS.includes(f)) throw new Error(`fuzz: --format must be one of ${FORMATS.join(', ')}`);
      (o.formats ??= []).push(f);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run fuzz -- [--cases N] [--seed S] [--start I] [--workers W] [--timeout MS] [--format safetensors|idx|gzip] [--replay I]');
      process.exit(0);
    } else throw new Error(`fuzz: unknown argument ${a} (see --help)`);
  }
  return o;
}

const args = parse(process.argv.slice(2));
if (args.replay !== undefined) {
  const o = runCase(args.seed, args.replay, args.formats);
  console.log(JSON.stringify(o, null, 2));
  process.exit(o.kind === 'accepted' || o.kind === 'rejected' ? 0 : 1);
}
const t0 = performance.now();
console.log(`fuzz: ${args.cases} cases from index ${args.start}, seed ${args.seed}, ${args.workers} worker(s), ${args.timeoutMs} ms per case`);
const show = (b: BadOutcome): string => `BAD ${b.kind} case ${b.index} [${b.format ?? '?'} ${b.seedName ?? ''}] ${b.log?.join('; ') ?? ''}: ${b.detail}`;
const r = await runFuzz({
  ...args,
  onBad: (b) => console.log(show(b)),
  onProgress: (done, c) => {
    if (done % 10000 === 0) console.log(`  ${done} cases, ${totalBad(c)} bad, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  },
});
console.log(formatCounts(r.counts));
console.log(`time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const s of r.stricterExamples.slice(0, 5)) console.log(`  stricter (allowed), case ${s.index} [${s.format}] ${s.log.join('; ')}: ${s.detail}`);
if (r.bad.length > 0) console.log(`${r.bad.length} bad cases (listed above; replay one with --seed ${args.seed} --replay <index>)`);
process.exit(totalBad(r.counts) > 0 ? 1 : 0);
