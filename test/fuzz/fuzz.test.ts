/**
 * The mutation fuzzer's fixed budget (the long run is `npm run fuzz`): 1,800 mutated
 * safetensors, IDX and gzip files, each in a worker with a time bound; zero crashes, hangs,
 * non-FileFormatError throws and silently wrong results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { parseIdx } from '../../src/data/idx.js';
import { gunzip } from '../../src/io/gunzip.js';
import { seeds } from './cases.js';
import { formatCounts, runFuzz, totalBad } from './harness.js';

test('the seed files are valid (so mutations start from files that parse)', () => {
  const s = seeds();
  for (const f of s.safetensors) assert.doesNotThrow(() => nb.parseSafetensors(f.bytes, f.name), f.name);
  for (const f of s.idx) assert.doesNotThrow(() => parseIdx(f.bytes, f.name), f.name);
  for (const f of s.gzip) assert.doesNotThrow(() => gunzip(f.bytes, { maxOutput: 1 << 20 }), f.name);
});

test('fuzz: 1800 mutated files, no crash, hang, stray exception or wrong data', async () => {
  const r = await runFuzz({ cases: 1800, seed: 20240611, timeoutMs: 10_000 });
  const report = [formatCounts(r.counts), ...r.bad.map((b) => `${b.kind} case ${b.index} [${b.format ?? '?'}] ${b.log?.join('; ') ?? ''}: ${b.detail}`)].join('\n');
  assert.equal(totalBad(r.counts), 0, report);
  assert.equal(r.counts.cases, 1800);
  // the mutations reach both outcomes in every format (a fuzzer that only produces garbage tests little)
  for (const f of ['safetensors', 'idx', 'gzip']) {
    assert.ok(r.counts.byFormat[f]!.accepted > 20 && r.counts.byFormat[f]!.rejected > 100, `${f}: ${report}`);
  }
});
