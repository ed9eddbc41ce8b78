/**
 * What the Chromium tests share: Debian's browser, its launch flags, the skip reason when it is
 * absent, a fresh browser with one page whose console errors are collected, a loopback server of
 * fixed routes, one of a directory (a built site) with the cross-origin isolation headers, the
 * web/ site built, served and opened in one call, and a second page with the .wasm files blocked.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const skip: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`;

/**
 * Headless Chromium on a fresh profile (`nabla-chromium-<name>-` in the temp dir) with its first
 * page; `errors` collects the page's console errors and uncaught exceptions; `close()` ends the
 * browser and deletes the profile.
 */
export async function openPage(name: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; errors: string[]; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), `nabla-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, ...(viewport ? { viewport } : {}) });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  const close = async (): Promise<void> => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, errors, close };
}

/** Headers that make a page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Serves `routes` (path -> content type and body) on 127.0.0.1 at a free port; 404 elsewhere. */
export function serve(routes: Record<string, { type: string; body: string | Uint8Array }>, headers: Record<string, string> = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const r = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (r === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': r.type, 'cache-control': 'no-store', ...headers }).end(r.body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, origin: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
    });
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.gz': 'application/gzip', '.json': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
};

/** Serves the files under `dir` (a built site) on 127.0.0.1 at a free port with COOP/COEP (cross-origin isolated); 404 elsewhere. */
export function serveDir(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    }).end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, origin: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
    });
  });
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the web/ site with Vite into a temporary directory (only the pages `input` names, when
 * given), serves it (`serveDir`: cross-origin isolated) and opens headless Chromium (`openPage`);
 * `close()` ends the browser and the server and removes the build.
 */
export async function openBuiltSite(name: string, viewport: { width: number; height: number }, input?: string): Promise<{ context: BrowserContext; page: Page; errors: string[]; origin: string; close(): Promise<void> }> {
  const { build } = await import('vite');
  const out = mkdtempSync(join(tmpdir(), `nabla-web-${name}-`));
  try {
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true, ...(input ? { rolldownOptions: { input } } : {}) } });
  } catch (e) {
    rmSync(out, { recursive: true, force: true });
    throw e;
  }
  const { server, origin } = await serveDir(out);
  const opened = await openPage(name, viewport);
  const close = async (): Promise<void> => {
    await opened.close();
    rmSync(out, { recursive: true, force: true });
    server.close();
  };
  return { ...opened, origin, close };
}

/** Runs `f` on a new page of `context` whose .wasm requests fail (from then on, for every page of the context), then closes that page. */
export async function withoutWasm(context: BrowserContext, f: (page: Page) => Promise<void>): Promise<void> {
  await context.route('**/*.wasm', (route) => route.abort());
  const bare = await context.newPage();
  try {
    await f(bare);
  } finally {
    await bare.close();
  }
}
