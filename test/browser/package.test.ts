/**
 * Package hygiene, checked on the package as a consumer gets it: the public types compile in a
 * consumer with `strict`, `noUncheckedIndexedAccess` and `exactOptionalPropertyTypes` (the
 * README's own examples, for the browser entry without Node's types and for the Node entry), the
 * source maps point at files the package ships, and `npm pack` ships the LICENSE, the digits and
 * the sources but no tests or build objects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, builtPackage, consumerProject } from '../helpers/built-package.js';
import { readmeBlock } from '../helpers/readme.js';

const STRICT = { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, target: 'ES2022' };
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Type-checks a consumer project; returns the files the compiler read. */
function compile(files: Record<string, string>, compilerOptions: Record<string, unknown>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-types-'));
  dirs.push(dir);
  consumerProject(dir, { ...files, 'tsconfig.json': JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, include: ['*.ts'] }) });
  const r = spawnSync(process.execPath, [TSC, '-p', dir, '--listFiles'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `the consumer does not compile:\n${r.stdout}${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

const dependsOnVegaLite = 'vega-lite' in ((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});

test("the README's browser example type-checks with strict flags against the browser entry, without Node's or vega-lite's types", () => {
  const listed = compile({ 'main.ts': readmeBlock('### In the browser') + '\nexport {};\n' }, { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] });
  assert.ok(listed.some((f) => /nabla\/dist\/browser\.d\.ts$/.test(f) || f.endsWith(join('dist', 'browser.d.ts'))), 'resolved to the browser types');
  assert.deepEqual(listed.filter((f) => /[\\/](@types[\\/]node|vega-lite|vega|katex)[\\/]/.test(f)), []);
});

test("the README's Node example type-checks with strict flags against the Node entry", () => {
  const code = readmeBlock('## Using the library');
  const listed = compile({ 'main.ts': code }, { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] });
  assert.ok(listed.some((f) => f.endsWith(join('dist', 'index.d.ts'))), 'resolved to the Node types');
  // vega-lite's types must not come along once vega-lite is no dependency of nabla
  if (!dependsOnVegaLite) assert.deepEqual(listed.filter((f) => /[\\/]vega-lite[\\/]/.test(f)), []);
});

test('typed tuples: TensorDataset samples and DataLoader batches destructure into Tensors under noUncheckedIndexedAccess', () => {
  const code = `
import * as nb from 'nabla';
const ds = new nb.data.TensorDataset(nb.randn([10, 3]), nb.randint(0, 2, [10]), nb.randn([10]));
const [a, b, c] = ds.get(0);
const [xb, yb, zb] = ds.getBatch(Int32Array.of(1, 2));
for (const [x, y, z] of new nb.data.DataLoader(ds, { batchSize: 4 })) {
  const s: nb.Tensor = x.add(y).add(z);
  void s;
}
const t: nb.Tensor[] = [a, b, c, xb, yb, zb];
const [x1, y1] = nb.data.xor({ n: 4 }).tensors;
const u: nb.Tensor = x1.sum().add(y1.sum());
// @ts-expect-error a sample of three tensors has no fourth
const [, , , d] = ds.get(0);
export { t, u, d };
`;
  compile({ 'main.ts': code }, { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022'], types: [] });
});

function mapsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...mapsUnder(p));
    else if (name.endsWith('.map')) out.push(p);
  }
  return out;
}

test('every source map in dist/ points at a source file the package ships', () => {
  const pkg = realpathSync(builtPackage());
  const maps = mapsUnder(join(pkg, 'dist'));
  assert.ok(maps.length > 100, `${maps.length} maps`);
  // no declaration maps: ~200 more small files (about 1 MB of a consumer's install, which must stay under 10 MB)
  assert.ok(!maps.some((m) => m.endsWith('.d.ts.map')), 'no declaration maps');
  const missing: string[] = [];
  for (const m of maps) {
    const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourceRoot?: string };
    for (const s of map.sources) {
      const file = resolve(dirname(m), map.sourceRoot ?? '', s);
      if (!relative(pkg, file).startsWith('src') || !existsSync(file)) missing.push(`${relative(pkg, m)} -> ${s}`);
    }
  }
  assert.deepEqual(missing.slice(0, 10), []);
});

test('npm pack ships the LICENSE, the digits, the sources and the entries, and no tests or build objects', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout) as { files: { path: string }[]; size: number; unpackedSize: number }[];
  const files = info!.files.map((f) => f.path);
  for (const f of ['LICENSE', 'package.json', 'README.md', 'assets/mnist-digits.bin.gz', 'src/browser.ts', 'src/index.ts', 'src/require.cts', 'bin/nabla.js']) assert.ok(files.includes(f), `${f} is shipped`);
  if (existsSync(join(ROOT, 'dist', 'browser.js'))) for (const f of ['dist/browser.js', 'dist/browser.d.ts', 'dist/index.js', 'dist/require.cjs']) assert.ok(files.includes(f), `${f} is shipped`);
  assert.deepEqual(files.filter((f) => /^(test|tools|bench|examples|docs|\.tmp|build|node_modules|runs)\//.test(f) || f.endsWith('.tgz')), []);
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License/);
  assert.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string }).license, 'MIT');
});
