import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT, blocksOf, docFiles, extractBlocks, toModule, type DocBlock } from './blocks.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-docs-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function run(b: DocBlock, k: number): Promise<void> {
  const file = join(dir, `${b.file.replace(/[^A-Za-z0-9]+/g, '_')}_${k}.mts`);
  writeFileSync(file, toModule(b));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' }, maxBuffer: 16 << 20 },
      (err, _stdout, stderr) => {
        if (err === null) resolve();
        else reject(new Error(`${b.file}:${b.line}: the code block failed (${err.killed ? 'timed out' : `exit ${String(err.code)}`}):\n${stderr}`));
      },
    );
  });
}

test('the tutorial has its nine chapters and an index', () => {
  const files = docFiles();
  for (const n of ['01', '02', '03', '04', '05', '06', '07', '08', '09']) assert.ok(files.some((f) => f.startsWith(`${n}-`)), `chapter ${n}`);
  assert.ok(files.includes('README.md'));
});

test('the block extractor finds ts blocks, honours no-run and ignores other languages', () => {
  const md = ['text', '```ts', 'a()', '```', '```sh', 'ls', '```', '```ts no-run', 'b()', '```', '````typescript', 'c()', '````'].join('\n');
  const bs = extractBlocks('x.md', md);
  assert.deepEqual(bs.map((b) => [b.line, b.code.trim(), b.run]), [[2, 'a()', true], [8, 'b()', false], [11, 'c()', true]]);
  assert.throws(() => extractBlocks('y.md', '```ts\nopen'), /y\.md:1: the code block is never closed/);
  assert.equal(toModule({ file: 'z', line: 1, code: "import * as nb from 'nabla';\n", run: true }), `import * as nb from '${join(ROOT, 'src', 'index.ts')}';\n`);
});

for (const f of docFiles()) {
  const blocks = blocksOf(f);
  if (blocks.length === 0) continue;
  test(`docs/${f}: every ts code block runs`, { concurrency: 2 }, async (t) => {
    await Promise.all(
      blocks.map((b, k) =>
        t.test(`line ${b.line}`, { skip: b.run ? false : 'no-run' }, async () => {
          await run(b, k);
        }),
      ),
    );
  });
}
