import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainCommand, parseExplainArgs } from '../../src/explain/cli.js';
import type { ExplanationData } from '../../src/explain/types.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-explain-'));

/** Runs the command with stderr captured. */
async function run(args: string[]): Promise<{ code: number; err: string }> {
  const orig = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((s: string | Uint8Array) => {
    err += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await explainCommand(args), err };
  } finally {
    process.stderr.write = orig;
  }
}

test('default: the seed example with the z1 slip pointed out and the correct numbers', async () => {
  const out = join(dir, 'seed.txt');
  const { code } = await run(['--out', out]);
  assert.equal(code, 0);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /seed prints z\(1\) = \[1\.1, 1\.7\]/);
  for (const s of ['0.7310585786', '0.8455347349', '2.088168793', '0.8897479187', '-0.0108153499', '-0.0014884988', '-0.0011300375', '-0.0079066543', '-0.009144754']) {
    assert.ok(text.includes(s), `${s} in the output`);
  }
});

test('--loss bce --format json: delta2 = a2 - y; --weight-decay adds lambda W', async () => {
  const out = join(dir, 'bce.json');
  assert.equal((await run(['--loss', 'bce', '--format', 'json', '--weight-decay', '0.01', '--out', out])).code, 0);
  const d = JSON.parse(readFileSync(out, 'utf8')) as ExplanationData;
  assert.ok(Math.abs(d.layers[1]!.delta.data[0]! - -0.1102520813) < 1e-10);
  assert.equal(d.update.weightDecay, 0.01);
  assert.ok(d.layers[0]!.gradW.l2 !== null);
});

test('--weights file: a batch through a 1-layer tanh network', async () => {
  const w = join(dir, 'w.json');
  writeFileSync(w, JSON.stringify({ layers: [{ W: [[0.1, 0.2]], b: [0] }], x: [[1, 2], [3, 4]], y: [[1], [0]], activation: 'tanh' }));
  const out = join(dir, 'w.json.out');
  assert.equal((await run(['--weights', w, '--format=json', '--out', out])).code, 0);
  const d = JSON.parse(readFileSync(out, 'utf8')) as ExplanationData;
  assert.equal(d.batchSize, 2);
  assert.equal(d.layers[0]!.activation, 'tanh');
  assert.deepEqual(d.notes.filter((n) => n.includes('seed prints')), []);
});

test('html and markdown formats', async () => {
  const html = join(dir, 'x.html');
  assert.equal((await run(['--format', 'html', '--out', html])).code, 0);
  assert.match(readFileSync(html, 'utf8'), /<div class="step math-display"><math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" displaystyle="true">/);
  const md = join(dir, 'x.md');
  assert.equal((await run(['--format', 'markdown', '--out', md])).code, 0);
  assert.match(readFileSync(md, 'utf8'), /\\delta\^\{\(2\)\}/);
});

test('bad flags are answered with a clear message and exit code 2', async () => {
  assert.deepEqual(await run(['--loss', 'hinge']), { code: 2, err: "nabla explain: --loss must be one of half-mse, mse, bce, got 'hinge'\n" });
  assert.match((await run(['--lr', 'fast'])).err, /--lr needs a number > 0, got 'fast'/);
  assert.match((await run(['--colour'])).err, /unknown flag '--colour'/);
  assert.match((await run(['--lr'])).err, /--lr needs a value/);
  assert.equal((await run(['--weights', join(dir, 'missing.json')])).code, 1);
  assert.equal(parseExplainArgs(['--help']).help, true);
  assert.equal(parseExplainArgs(['--lr=0.5']).lr, 0.5);
});
