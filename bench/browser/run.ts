/**
 * The browser half of `npm run bench -- browser`: W1, W2 and W5 in Debian's headless Chromium
 * (/usr/bin/chromium, driven by playwright-core; no browser is ever downloaded), served from
 * 127.0.0.1 by a small server that sends COOP/COEP headers, so the page is cross-origin isolated
 * and SharedArrayBuffer and wasm threads are available. Each library has its own page bundle
 * (esbuild): nabla (the browser entry, bench/browser/page-nabla.ts), TF.js wasm
 * (bench/tfjs/page.ts) and jax-js (bench/jaxjs/page.ts). Every cell loads a fresh page, so no
 * cell inherits another's compiled code or heap. Results carry engine 'chromium'.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { SKIPPED, type CellResult, type CellSpec } from '../lib/types.js';
import { FASHION_MNIST_DIR } from '../../src/data/fashion-mnist.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH = dirname(HERE);
const ROOT = dirname(BENCH);
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type PageName = 'nabla' | 'tfjs' | 'jaxjs';
export interface BrowserCell { page: PageName; spec: CellSpec }

const ENTRIES: Record<PageName, string> = {
  nabla: join(HERE, 'page-nabla.ts'),
  tfjs: join(BENCH, 'tfjs', 'page.ts'),
  jaxjs: join(BENCH, 'jaxjs', 'page.ts'),
};

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS: Record<string, string> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** Why the browser run cannot happen here, or null. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (apt-get install chromium)`;
  try {
    fileURLToPath(import.meta.resolve('playwright-core'));
  } catch {
    return 'playwright-core is not installed (a devDependency: npm install)';
  }
  return null;
}

/** In the nabla page the library's Node entry becomes its browser entry (src/browser.ts). */
function browserEntry(): Plugin {
  return {
    name: 'nabla-browser-entry',
    setup(b) {
      b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: join(ROOT, 'src', 'browser.ts') }));
      b.onResolve({ filter: /^node:/ }, (a) => ({ errors: [{ text: `${relative(ROOT, a.importer)} imports ${a.path}: a bench page must reach no node: module` }] }));
    },
  };
}

/** One page's bundle (esbuild, for the browser); `worker`: the nabla page's worker (bench/browser/worker-nabla.ts). */
export async function bundlePage(page: PageName | 'nabla-worker'): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [page === 'nabla-worker' ? join(HERE, 'worker-nabla.ts') : ENTRIES[page]], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
    // the peers resolve from bench/node_modules; nabla from the repository
    nodePaths: [join(BENCH, 'node_modules')], plugins: page === 'nabla' || page === 'nabla-worker' ? [browserEntry()] : [],
  });
  return r.outputFiles[0]!.text;
}

/** The IDX payloads (headers stripped) of Fashion-MNIST's training set. */
function fashionPayloads(): { pixels: Uint8Array; labels: Uint8Array } {
  const read = (f: string, header: number): Uint8Array => gunzipSync(readFileSync(join(FASHION_MNIST_DIR, f))).subarray(header);
  return { pixels: read('train-images-idx3-ubyte.gz', 16), labels: read('train-labels-idx1-ubyte.gz', 8) };
}

type Route = { type: string; body: string | Uint8Array };
const TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.js': 'text/javascript', '.mjs': 'text/javascript' };

/** Static files a page may fetch besides its bundle: TF.js's .wasm binaries, and any .wasm/.js under dist/ or build/ (nabla's wasm module). */
function staticRoutes(): Record<string, Route> {
  const routes: Record<string, Route> = {};
  const tfDir = join(BENCH, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  if (existsSync(tfDir)) for (const f of readdirSync(tfDir)) if (f.endsWith('.wasm')) routes[`/tfjs-wasm/${f}`] = { type: 'application/wasm', body: readFileSync(join(tfDir, f)) };
  return routes;
}

function serve(routes: Record<string, Route>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (process.env['NABLA_BENCH_DEBUG']) process.stderr.write(`GET ${path}\n`);
    let r = routes[path];
    // nabla's own built files (e.g. its .wasm next to the bundle the page imports), read on demand
    if (r === undefined && /^\/(dist|build|wasm)\//.test(path) && !path.includes('..')) {
      const file = join(ROOT, ...path.slice(1).split('/'));
      if (file.startsWith(ROOT + sep) && existsSync(file)) r = { type: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) };
    }
    if (r === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain', ...ISOLATION_HEADERS }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': r.type, 'cache-control': 'no-store', ...ISOLATION_HEADERS }).end(r.body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, origin: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
    });
  });
}

function failed(c: BrowserCell, error: string): CellResult {
  const s = c.spec;
  return {
    workload: s.workload, lib: s.lib, backend: s.backend, threads: s.threads, case: '', metric: '', unit: '', higherIsBetter: true,
    median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error, engine: 'chromium',
  };
}

/**
 * Runs the cells in Chromium, one fresh page each, and returns their results (engine
 * 'chromium'); `log` gets one line per result. Skips every cell, with the reason, when Chromium
 * or playwright-core is missing.
 */
export async function runBrowserCells(cells: BrowserCell[], log: (line: string, r: CellResult, c: BrowserCell) => void): Promise<{ results: CellResult[]; isolated: boolean | null; userAgent: string | null }> {
  const why = browserUnavailable();
  if (why) {
    const results = cells.map((c) => failed(c, `${SKIPPED}browser run unavailable: ${why}`));
    results.forEach((r, i) => log('', r, cells[i]!));
    return { results, isolated: null, userAgent: null };
  }
  const pages = [...new Set(cells.map((c) => c.page))];
  const bundles = Object.fromEntries(await Promise.all(pages.map(async (p) => [p, await bundlePage(p)] as const))) as Record<PageName, string>;
  const data = fashionPayloads();
  const routes: Record<string, Route> = {
    ...staticRoutes(),
    '/data/train-pixels.u8': { type: 'application/octet-stream', body: data.pixels },
    '/data/train-labels.u8': { type: 'application/octet-stream', body: data.labels },
  };
  // the nabla page runs its cells of more than one thread in this worker (bench/browser/page-nabla.ts)
  if (pages.includes('nabla')) routes['/nabla-worker.js'] = { type: 'text/javascript', body: await bundlePage('nabla-worker') };
  for (const p of pages) {
    routes[`/${p}.html`] = { type: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>nabla bench: ${p}</title><script type="module" src="/${p}.js"></script>` };
    routes[`/${p}.js`] = { type: 'text/javascript', body: bundles[p] };
  }
  const { server, origin } = await serve(routes);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'nabla-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const results: CellResult[] = [];
  let isolated: boolean | null = null;
  let userAgent: string | null = null;
  try {
    for (const c of cells) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      if (process.env['NABLA_BENCH_DEBUG']) page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`));
      // jax-js sizes its worker pool by navigator.hardwareConcurrency: the cell's thread count.
      // TF.js wasm caps setThreadsCount at half of it (its guess at physical cores): twice the count.
      const hc = c.page === 'jaxjs' ? Math.max(1, c.spec.threads) : c.page === 'tfjs' ? 2 * Math.max(1, c.spec.threads) : 0;
      if (hc > 0) await page.addInitScript(`Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => ${hc} });`);
      let rs: CellResult[];
      try {
        await page.goto(`${origin}/${c.page}.html`);
        await page.waitForFunction(() => (globalThis as unknown as { benchReady?: boolean }).benchReady === true, null, { timeout: 60_000 });
        isolated ??= await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated);
        userAgent ??= await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
        const timeout = (c.spec.quick ? 120 : 240 + 6 * c.spec.budgetS) * 1000;
        page.setDefaultTimeout(timeout);
        rs = (await page.evaluate((spec) => (globalThis as unknown as { benchCell(s: unknown): Promise<CellResult[]> }).benchCell(spec), c.spec)) as CellResult[];
        // JSON carries NaN as null
        rs = rs.map((r) => ({ ...r, median: r.median ?? NaN, min: r.min ?? NaN, max: r.max ?? NaN, cpuPar: NaN, engine: 'chromium' }));
      } catch (e) {
        rs = [failed(c, `${e instanceof Error ? e.message.split('\n')[0] : String(e)}${errors.length ? `; page error: ${errors[0]}` : ''}`.slice(0, 300))];
      }
      await page.close();
      for (const r of rs) log('', r, c);
      results.push(...rs);
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return { results, isolated, userAgent };
}
