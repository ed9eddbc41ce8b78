// The machine check printed at the top of every bench run (bench/lib/probe.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeParallelism } from '../../bench/lib/probe.js';

test('machine check: the two-worker speed-up and the round trip between two threads are measured', async () => {
  const p = await probeParallelism(2_000_000);
  assert.ok(p.speedup2 > 0 && p.speedup2 < 3, `speed-up ${p.speedup2}`);
  // a hand-off through shared memory takes tens of nanoseconds at least, and far less than a
  // scheduler time slice unless both workers shared one CPU for the whole run
  assert.ok(p.roundTripNs > 10 && p.roundTripNs < 1e6, `round trip ${p.roundTripNs} ns`);
  assert.equal(p.loadavg.length, 3);
});
