/**
 * The playground's Vite config: the site in web/, built into web/dist. The pages import the
 * library from its source (src/browser.ts) through the `nabla` alias, so no build of the
 * package is needed first. The dev server and the preview server send COOP/COEP so the page is
 * cross-origin isolated (SharedArrayBuffer, for wasm threads later).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { nabla: fileURLToPath(new URL('../src/browser.ts', import.meta.url)) } },
  server: { headers: isolation, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    outDir: 'dist', emptyOutDir: true, target: 'es2022',
    // the pages: the 2-D trainer and the step-through of one update
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)), step: fileURLToPath(new URL('step.html', import.meta.url)) } },
  },
});
