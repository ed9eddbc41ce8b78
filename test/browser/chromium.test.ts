/**
 * nabla in a real browser: Debian's headless Chromium, driven by playwright-core, loads a page
 * bundled by esbuild from the browser entry (src/browser.ts) with the tensor, autograd, nn, optim
 * and seed-example suites (node:test and node:assert are given to them by small stand-ins in
 * test/browser/page/, swapped in at bundle time for test files only: a `node:` import reached
 * from src/ fails the build). The page runs the suites, trains XOR and an MLP on 1,000 of the
 * shipped digits (read over HTTP), round-trips serialize/deserialize, narrates a step with
 * explain, and must log no console error. Skips when /usr/bin/chromium is absent (`.ci/run`
 * installs Debian's `chromium`; no browser is ever downloaded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, FLAGS, serve, skip } from './chromium-env.js';
import { build, type Plugin } from 'esbuild';
import { readmeBlock } from '../helpers/readme.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = join(ROOT, 'test', 'browser', 'page');

/** The suites the page runs: the tensor, autograd and seed-example files, and every nn and optim file. */
function suites(): string[] {
  const list = ['test/core/tensor.test.ts', 'test/core/autograd.test.ts', 'test/core/seed-example.test.ts'];
  for (const dir of ['test/nn', 'test/optim']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) if (f.endsWith('.test.ts')) list.push(`${dir}/${f}`);
  }
  return list;
}

/** Swaps node:test / node:assert / the fixture reader's node: modules for the page's stand-ins, in test files only. */
function standIns(): Plugin {
  const inTests = (importer: string): boolean => relative(ROOT, importer).startsWith(`test${sep}`);
  return {
    name: 'browser-test-stand-ins',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (a) => {
        if (!inTests(a.importer)) return { errors: [{ text: `${relative(ROOT, a.importer)} imports ${a.path}: the browser entry must reach no node: module` }] };
        if (a.path === 'node:test') return { path: join(PAGE, 'node-test.ts') };
        if (a.path === 'node:assert' || a.path === 'node:assert/strict') return { path: join(PAGE, 'assert.ts') };
        if (['node:fs', 'node:url', 'node:path'].includes(a.path) && a.importer.endsWith(join('helpers', 'fixtures.ts'))) return { path: join(PAGE, 'fixtures-fs.ts') };
        return { errors: [{ text: `${relative(ROOT, a.importer)} imports ${a.path}, which the browser page does not provide` }] };
      });
      // the suites import the Node entry; in the page they get the browser entry
      b.onResolve({ filter: /\/src\/index\.js$/ }, (a) => (inTests(a.importer) ? { path: join(ROOT, 'src', 'browser.ts') } : undefined));
      b.onResolve({ filter: /^virtual:fixture-files$/ }, () => ({ path: 'fixture-files', namespace: 'virtual' }));
      b.onLoad({ filter: /.*/, namespace: 'virtual' }, () => {
        const dir = join(ROOT, 'test', 'fixtures', 'torch');
        const files: Record<string, string> = {};
        for (const f of readdirSync(dir)) if (f.endsWith('.json')) files[f] = readFileSync(join(dir, f), 'utf8');
        return { contents: `export const files = ${JSON.stringify(files)};`, loader: 'js' };
      });
    },
  };
}

/** The README's browser example as the page's module, importing the browser entry. */
async function bundleReadmeExample(): Promise<string> {
  const code = readmeBlock('### In the browser').replace("from 'nabla'", `from ${JSON.stringify(join(ROOT, 'src', 'browser.ts'))}`);
  const r = await build({ stdin: { contents: code, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent' });
  return r.outputFiles[0]!.text;
}

async function bundlePage(): Promise<string> {
  const entry = [...suites().map((f) => `import ${JSON.stringify(join(ROOT, f))};`), `import ${JSON.stringify(join(PAGE, 'main.ts'))};`].join('\n');
  const r = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [standIns()],
  });
  return r.outputFiles[0]!.text;
}


interface TestRecord {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  ms: number;
  error?: string;
  diagnostics: string[];
}


test('in headless Chromium: the suites pass, XOR and an MLP on 1,000 digits train, safetensors bytes round-trip, no console error', { skip, timeout: 240_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const t0 = performance.now();
  const [js, readmeJs] = await Promise.all([bundlePage(), bundleReadmeExample()]);
  const digits = readFileSync(join(ROOT, 'assets', 'mnist-digits.bin.gz'));
  const html = (src: string): string => `<!doctype html><meta charset="utf-8"><title>nabla in the browser</title><body><script type="module" src="${src}"></script>`;
  const { server, origin } = await serve({
    '/': { type: 'text/html', body: html('/app/page.js') },
    '/app/page.js': { type: 'text/javascript', body: js },
    '/static/mnist-digits.bin.gz': { type: 'application/octet-stream', body: digits },
    // the README's page, with the digits file next to it as the README says
    '/readme/': { type: 'text/html', body: html('app.js') },
    '/readme/app.js': { type: 'text/javascript', body: readmeJs },
    '/readme/mnist-digits.bin.gz': { type: 'application/octet-stream', body: digits },
  });
  const profile = mkdtempSync(join(tmpdir(), 'nabla-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      if (m.type() === 'warning') warnings.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'nablaPage' in globalThis, null, { timeout: 30_000 });
    const ua = await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
    assert.match(ua, /Chrome\//);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { nablaPage: { backend: string } }).nablaPage.backend), 'ts');

    // the suites, through the node:test stand-in
    const records = (await page.evaluate(() => (globalThis as unknown as { nablaPage: { runSuites(): Promise<unknown> } }).nablaPage.runSuites())) as TestRecord[];
    const failed = records.filter((r) => r.status === 'fail');
    const passed = records.filter((r) => r.status === 'pass').length;
    const skipped = records.filter((r) => r.status === 'skip');
    t.diagnostic(`${suites().length} suite files: ${passed} tests passed, ${skipped.length} skipped (${[...new Set(skipped.map((r) => r.diagnostics[0]))].join('; ')}), ${failed.length} failed`);
    assert.deepEqual(failed.map((r) => `${r.name}: ${r.error}`), [], 'every suite test passes in the browser');
    assert.ok(passed >= 150, `only ${passed} tests ran`);

    type PageApi = {
      trainXor(): { loss: number; accuracy: number };
      trainDigits(url: string): Promise<{ testAccuracy: number; seconds: number; trainSize: number; testSize: number }>;
      roundTrip(): { bytes: number; sameTensors: boolean; samePredictions: boolean; names: string[] };
      missingDigits(): Promise<string>;
      explainStep(): { text: number; layers: number };
      fitInPage(): { epochs: number; testAcc: number; outDirError: string };
    };
    const xor = await page.evaluate(() => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.trainXor());
    t.diagnostic(`XOR: loss ${xor.loss.toFixed(4)}, accuracy ${xor.accuracy}`);
    assert.equal(xor.accuracy, 1, 'XOR is learned');
    assert.ok(xor.loss < 0.05, `XOR loss ${xor.loss}`);

    const digits = await page.evaluate((url) => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.trainDigits(url), `${origin}/static/mnist-digits.bin.gz`);
    t.diagnostic(`MLP 784-64-10 on ${digits.trainSize} digits, 8 epochs: ${(100 * digits.testAccuracy).toFixed(1)} % on ${digits.testSize} test digits, ${digits.seconds.toFixed(1)} s`);
    assert.equal(digits.trainSize, 1000);
    assert.ok(digits.testAccuracy >= 0.85, `test accuracy ${digits.testAccuracy} below the stated 85 %`);

    const rt = await page.evaluate(() => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.roundTrip());
    assert.ok(rt.sameTensors && rt.samePredictions, JSON.stringify(rt));
    assert.deepEqual(rt.names, ['0.bias', '0.weight', '2.bias', '2.num_batches_tracked', '2.running_mean', '2.running_var', '2.weight', '3.bias', '3.weight']);

    const fitted = await page.evaluate(() => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.fitInPage());
    t.diagnostic(`fit on moons in the page: ${fitted.epochs} epochs, test accuracy ${fitted.testAcc}`);
    assert.equal(fitted.epochs, 15);
    assert.ok(fitted.testAcc >= 0.85, `fit reached ${fitted.testAcc}`);
    assert.match(fitted.outDirError, /fit: outDir reads and writes files, which needs nabla's Node entry/);

    const ex = await page.evaluate(() => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.explainStep());
    assert.equal(ex.layers, 2);
    assert.ok(ex.text > 500);

    // a missing asset: a console warning and a clear rejection, never an uncaught error
    const missing = await page.evaluate(() => (globalThis as unknown as { nablaPage: PageApi }).nablaPage.missingDigits());
    assert.match(missing, /loadMnist: could not load the digits file from http:\/\/127\.0\.0\.1:\d+\/nowhere\/mnist-digits\.bin\.gz \(.*404.*\)/);
    assert.ok(warnings.some((w) => w.includes('could not load the digits file')), `warnings: ${warnings.join(' | ')}`);
    // the browser itself logs the 404 of that request as a console error; nothing else may appear

    // the README's browser example, as printed: trains, predicts, writes the accuracy into the page
    const tReadme = performance.now();
    await page.goto(`${origin}/readme/`);
    await page.waitForFunction(() => /test accuracy/.test((globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent), null, { timeout: 120_000 });
    const shown = await page.evaluate(() => (globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent);
    const pct = Number(/test accuracy ([\d.]+) %/.exec(shown)?.[1]);
    t.diagnostic(`README browser example: "${shown}" in ${((performance.now() - tReadme) / 1000).toFixed(1)} s`);
    assert.ok(pct >= 88, `the README example reached ${pct} %`);

    const unexpected = errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
    assert.deepEqual(unexpected, [], 'no console errors');
    t.diagnostic(`browser test: ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
