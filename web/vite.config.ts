/**
 * The playground's Vite config: the site in web/, built into web/dist. The pages import the
 * library from its source (src/browser.ts) through the `nabla` alias, so no build of the
 * package is needed first. The dev server and the preview server send COOP/COEP so the page is
 * cross-origin isolated (SharedArrayBuffer, for wasm threads later). web/public/ (the shipped
 * models) is copied to the site's root as is.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
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
    // one entry per page: the 2-D trainer, the step-through of one update, the digit classifier, the Tang-poem GPT
    rolldownOptions: { input: { index: page('index.html'), step: page('step.html'), digit: page('digit.html'), poems: page('poems.html') } },
  },
});
