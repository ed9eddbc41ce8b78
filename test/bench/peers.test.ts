// On-demand tool dependencies (scripts/peers.mjs): status from a folder's package.json, the npm
// command used, and no install attempted when everything is there. Needs no peer installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePeers, installCommand, peerStatus } from '../../scripts/peers.mjs';

test('peerStatus reads the folder\'s package.json and looks in its node_modules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-peers-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { '@scope/a': '1.0.0', b: '2.0.0' } }));
  assert.deepEqual(peerStatus(dir), [
    { name: '@scope/a', version: '1.0.0', installed: false },
    { name: 'b', version: '2.0.0', installed: false },
  ]);
  mkdirSync(join(dir, 'node_modules', '@scope', 'a'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', '@scope', 'a', 'package.json'), '{}');
  mkdirSync(join(dir, 'node_modules', 'b'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'b', 'package.json'), '{}');
  assert.ok(peerStatus(dir).every((p) => p.installed));
  const lines: string[] = [];
  assert.equal(ensurePeers(dir, { log: (l) => lines.push(l) }), true);
  assert.deepEqual(lines, [], 'nothing to install, nothing said');
});

test('installCommand uses npm\'s own CLI under npm, else npm from PATH; never writes a lockfile', () => {
  const under = installCommand({ npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' });
  assert.equal(under.cmd, process.execPath);
  assert.equal(under.args[0], '/usr/lib/node_modules/npm/bin/npm-cli.js');
  assert.ok(under.args.includes('--no-package-lock'));
  assert.equal(installCommand({}).cmd, process.platform === 'win32' ? 'npm.cmd' : 'npm');
});

test('the bench peers and TypeDoc are not dependencies of the repository itself', () => {
  const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const all = { ...root.dependencies, ...root.devDependencies };
  for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax', 'convnetjs', 'typedoc', 'vega', 'vega-lite']) assert.equal(all[name], undefined, name);
  // KaTeX renders the playground's step-through (web/, built by Vite in `npm test`): a devDependency
  // like Vite, never a dependency of the package
  assert.equal(root.dependencies['katex'], undefined, 'katex');
  const bench = peerStatus(new URL('../../bench', import.meta.url).pathname).map((p) => p.name);
  assert.deepEqual(bench.sort(), ['@jax-js/jax', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'convnetjs']);
});
