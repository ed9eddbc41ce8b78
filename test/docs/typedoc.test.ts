import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from './blocks.js';

// The API reference is generated from the doc comments (npm run docs:api writes docs/api/).
// This checks that TypeDoc reads them without warnings (typedoc.json treats warnings as errors:
// broken {@link}s, malformed tags), without writing anything. About 12 s. TypeDoc is installed
// on demand in tools/typedoc/ (scripts/peers.mjs; .ci/run does it before the tests).
const bin = join(ROOT, 'tools', 'typedoc', 'node_modules', 'typedoc', 'bin', 'typedoc');

test('typedoc --emit none passes on the public API', { skip: existsSync(bin) ? false : 'typedoc is not installed: `node scripts/peers.mjs tools/typedoc` (or `npm run docs:api`) installs it once', timeout: 120_000 }, async () => {
  const out = await new Promise<{ code: number; text: string }>((resolve) => {
    execFile(process.execPath, [bin, '--emit', 'none'], { cwd: ROOT, timeout: 110_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, text: stdout + stderr });
    });
  });
  assert.equal(out.code, 0, `typedoc reported problems:\n${out.text}`);
});
