/**
 * A consumer project that writes `import * as nb from 'nabla'` and bundles it with esbuild for
 * the browser, with esbuild's defaults: no shims, no aliases, no `define`, no plugins. The
 * browser entry must resolve, reach no `node:` module, and leave no `process`, `Buffer` or
 * `require` in the bundle. Also: Node resolves the same specifier to the Node entry, `nabla/node`
 * is that entry too, and `require('nabla')` either works or says that nabla is ESM-only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { consumerProject } from '../helpers/built-package.js';

const MAIN = `
import * as nb from 'nabla';
nb.manualSeed(0);
const model = new nb.nn.Sequential(new nb.nn.Linear(2, 8), new nb.nn.Tanh(), new nb.nn.Linear(8, 1));
const opt = new nb.optim.Adam(model.parameters(), { lr: 0.05 });
const { x, y } = nb.data.xor({ n: 64 });
for (let i = 0; i < 5; i++) {
  opt.zeroGrad();
  new nb.nn.BCEWithLogitsLoss().forward(model.forward(x), y.unsqueeze(1)).backward();
  opt.step();
}
const bytes = nb.serialize(model.stateDict());
export const restored = nb.deserialize(bytes);
export const digits = () => nb.data.mnist({ trainSize: 10, testSize: 10 });
`;

/** Bundle inputs as 'nabla/dist/...' for the package's files (esbuild reports real paths). */
function packagePaths(dir: string, inputs: string[]): string[] {
  const pkg = realpathSync(join(dir, 'node_modules', 'nabla'));
  return inputs.map((p) => {
    const abs = resolve(dir, p);
    return abs.startsWith(pkg + sep) ? `nabla/${relative(pkg, abs)}` : p;
  });
}

const dirs: string[] = [];
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-consumer-'));
  dirs.push(dir);
  return consumerProject(dir, { 'main.js': MAIN });
}
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("esbuild bundles `import * as nb from 'nabla'` for the browser with its defaults: no node: module, no process, no Buffer", async (t) => {
  const dir = project();
  const r = await build({
    absWorkingDir: dir,
    entryPoints: ['main.js'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((w) => w.text), []);
  const inputs = packagePaths(dir, Object.keys(r.metafile.inputs));
  assert.ok(inputs.includes('nabla/dist/browser.js'), `the browser entry is used: ${inputs.slice(0, 5).join(', ')}`);
  const foreign = inputs.filter((p) => p !== 'main.js' && !p.startsWith('nabla/dist/'));
  assert.deepEqual(foreign, [], 'only nabla\'s own files are bundled (no dependency, no node: module)');
  const nodeOnly = inputs.filter((p) => /^nabla\/dist\/(index|node\/|io\/safetensors-file|io\/atomic|data\/mnist-node|data\/idx-file|backend\/native\/index|backend\/init|report\/)/.test(p));
  assert.deepEqual(nodeOnly, [], 'no Node-only module is reached');
  for (const [, out] of Object.entries(r.metafile.outputs)) {
    for (const imp of out.imports) assert.ok(!imp.path.startsWith('node:'), `bundle imports ${imp.path}`);
  }
  const js = r.outputFiles[0]!.text;
  for (const [name, re] of [
    ['a node: module', /["']node:[a-z]/],
    ['process', /\bprocess\.(env|stderr|stdout|emitWarning|pid|argv)/],
    ['Buffer', /\bBuffer\.(from|alloc|allocUnsafe|allocUnsafeSlow|compare|concat)\b/],
    ['require()', /\brequire\(/],
  ] as const) {
    assert.ok(!re.test(js), `the bundle mentions ${name}: ...${js.slice(Math.max(0, js.search(re) - 80), js.search(re) + 80)}...`);
  }
  // the digits file is referenced the way bundlers that copy assets recognise
  assert.match(js, /new URL\("\.\.\/\.\.\/assets\/mnist-digits\.bin\.gz",import\.meta\.url\)/);
  const gz = gzipSync(js, { level: 9 }).length;
  t.diagnostic(`browser bundle of the consumer: ${(js.length / 1024).toFixed(1)} KiB minified, ${(gz / 1024).toFixed(1)} KiB gzipped`);
  assert.ok(js.length < 1_000_000, `bundle is ${js.length} bytes`);
});

test('Node resolves the same import to the Node entry, and nabla/node to it as well', async () => {
  const dir = project();
  for (const spec of ['nabla', 'nabla/node']) {
    const r = await build({ absWorkingDir: dir, stdin: { contents: `export * from '${spec}';`, resolveDir: dir }, bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['katex', 'vega', 'vega-lite'] });
    const inputs = packagePaths(dir, Object.keys(r.metafile.inputs));
    assert.ok(inputs.includes('nabla/dist/index.js'), `${spec} -> the Node entry`);
  }
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', "import * as nb from 'nabla'; const s = nb.data.mnist({ trainSize: 20, testSize: 10 }); console.log(typeof nb.save, typeof nb.report.writeReport, s.train.length, nb.tensor([1, 2]).sum().item());"], { cwd: dir, encoding: 'utf8', env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'function function 20 3');
});

test('require("nabla") loads it where Node can require ES modules, and otherwise says nabla is ESM-only', () => {
  const dir = project();
  const code = "const nb = require('nabla'); console.log(typeof nb.tensor);";
  const ok = spawnSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8', env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' } });
  const old = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', code], { cwd: dir, encoding: 'utf8', env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' } });
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)) {
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'function');
  }
  // with require(esm) turned off (as on older Node), one clear message
  assert.notEqual(old.status, 0);
  assert.match(old.stderr, /nabla is an ES module \(ESM-only\).*import \* as nb from 'nabla'/);
});
