/**
 * The "draw a digit" page (web/digit.html) in headless Chromium: Vite builds that page into a
 * temporary directory and a static server serves it with COOP/COEP. Strokes drawn with the mouse
 * on the pad (a vertical line, an ellipse, a "7"; and a line drawn by touch) are classified by the committed CNN on the wasm
 * backend: the right digit, probabilities that sum to 1, the first layer's feature maps drawn
 * (their canvases not uniform); Clear (and Escape) empties everything. Saves test-artifacts/digit-*.png. Then,
 * with the .wasm request blocked, the page says why and classifies on the TypeScript backend.
 * Reports the forward pass's time on both. Skips when /usr/bin/chromium is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openBuiltSite, skip, withoutWasm } from './chromium-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface DigitState { ready: boolean; backend: string | null; wasmError: string | null; prediction: number | null; probs: number[]; ms: number; classified: number; error: string | null }

const state = (page: Page): Promise<DigitState> => page.evaluate(() => ({ ...(globalThis as unknown as { nablaDigit: DigitState }).nablaDigit }));

/** Draws one stroke through `points` given in fractions of the pad (0..1), with mouse moves between them. */
async function stroke(page: Page, points: readonly (readonly [number, number])[]): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  assert.ok(box !== null, 'the pad is on the page');
  const at = ([u, v]: readonly [number, number]): [number, number] => [box.x + u * box.width, box.y + v * box.height];
  const before = (await state(page)).classified;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: points.length > 4 ? 1 : 6 });
  await page.mouse.up();
  await page.waitForFunction((n) => (globalThis as unknown as { nablaDigit: DigitState }).nablaDigit.classified > n, before, { timeout: 5_000 });
  // the classification of the finished stroke (pointerup) is the last one
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

const ellipse = (n: number): [number, number][] =>
  Array.from({ length: n + 1 }, (_, i) => [0.5 + 0.22 * Math.sin((2 * Math.PI * i) / n), 0.5 - 0.32 * Math.cos((2 * Math.PI * i) / n)]);

/** Of the feature-map canvases: how many, and how many hold more than one colour. */
const mapStats = (page: Page): Promise<{ maps: number; varied: number }> => page.evaluate(`(() => {
  const maps = [...document.querySelectorAll('#maps canvas.map')];
  let varied = 0;
  for (const c of maps) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i] * 65536 + d[i + 1] * 256 + d[i + 2]);
    if (seen.size > 1) varied++;
  }
  return { maps: maps.length, varied };
})()`);

test('draw a digit: strokes drawn with the mouse are classified by the CNN, with probabilities and feature maps', { skip, timeout: 90_000 }, async (t) => {
  assert.match(readFileSync(join(ROOT, 'web', 'index.html'), 'utf8'), /href="\.\/digit\.html"/, 'the trainer page links to the digit page');
  // this page alone (the trainer's worker is most of the site's build time)
  const { context, page, errors, origin, close } = await openBuiltSite('digit', { width: 1180, height: 560 }, join(ROOT, 'web', 'digit.html'));
  try {
    await page.goto(`${origin}/digit.html`);
    await page.waitForFunction(() => (globalThis as unknown as { nablaDigit?: DigitState }).nablaDigit?.ready === true, null, { timeout: 30_000 });
    const s0 = await state(page);
    assert.equal(s0.backend, 'wasm', `the page runs on wasm (initWasm: ${s0.wasmError ?? 'ok'})`);
    assert.equal(s0.prediction, null);
    assert.match(await page.textContent('#status') ?? '', /small-cnn: 54,314 parameters \(\d+ KB\), \d+\.\d\d % on 2,000 MNIST test digits; backend wasm/);
    assert.deepEqual(await mapStats(page), { maps: 8, varied: 0 }, 'blank maps before anything is drawn');

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    const shapes: [string, number, [number, number][]][] = [
      ['1', 1, [[0.52, 0.15], [0.5, 0.85]]],
      ['0', 0, ellipse(24)],
      ['7', 7, [[0.25, 0.2], [0.75, 0.2], [0.42, 0.85]]],
    ];
    const times: number[] = [];
    for (const [name, want, points] of shapes) {
      await page.click('#clear');
      assert.equal((await state(page)).prediction, null, 'Clear forgets the drawing');
      await stroke(page, points);
      const s = await state(page);
      const top = Math.max(...s.probs);
      t.diagnostic(`a drawn "${name}": predicted ${s.prediction} with p = ${top.toFixed(4)}; forward pass ${s.ms.toFixed(2)} ms on ${s.backend}`);
      times.push(s.ms);
      assert.equal(s.error, null);
      assert.equal(s.prediction, want, `a drawn "${name}" is classified as ${s.prediction} (probabilities ${s.probs.map((p) => p.toFixed(3)).join(' ')})`);
      assert.equal(s.probs.length, 10);
      assert.ok(Math.abs(s.probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'the probabilities sum to 1');
      assert.equal(await page.textContent('#predicted'), String(want));
      assert.equal(await page.textContent('.bar-row.best .bar-label'), String(want), 'the most probable bar is highlighted');
      const maps = await mapStats(page);
      assert.equal(maps.maps, 8);
      assert.ok(maps.varied >= 6, `only ${maps.varied} of 8 feature maps are not uniform`);
      await page.screenshot({ path: join(ROOT, 'test-artifacts', `digit-${name}.png`) });
    }
    // a finger: touch events through the DevTools protocol arrive as pointer events of type 'touch'
    await page.keyboard.press('Escape');
    const box = (await page.locator('#pad').boundingBox())!;
    const cdp = await context.newCDPSession(page);
    const before = (await state(page)).classified;
    const touch = (u: number, v: number): { x: number; y: number }[] => [{ x: box.x + u * box.width, y: box.y + v * box.height }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: touch(0.5, 0.15) });
    for (let v = 0.25; v <= 0.86; v += 0.1) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: touch(0.48, v) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForFunction((n) => (globalThis as unknown as { nablaDigit: DigitState }).nablaDigit.classified > n, before, { timeout: 5_000 });
    assert.equal((await state(page)).prediction, 1, 'a "1" drawn with a finger');

    await page.keyboard.press('Escape');
    const cleared = await state(page);
    assert.equal(cleared.prediction, null);
    assert.equal(await page.textContent('#predicted'), '?');
    assert.deepEqual(await mapStats(page), { maps: 8, varied: 0 }, 'Clear blanks the maps');
    assert.deepEqual(errors, [], 'no console errors');

    // without its .wasm (the request fails), the page says why and classifies on the TypeScript backend
    await withoutWasm(context, async (bare) => {
      await bare.goto(`${origin}/digit.html`);
      await bare.waitForFunction(() => (globalThis as unknown as { nablaDigit?: DigitState }).nablaDigit?.ready === true, null, { timeout: 30_000 });
      await stroke(bare, shapes[0]![2]);
      const s = await state(bare);
      t.diagnostic(`without the .wasm: backend ${s.backend}, a drawn "1" predicted ${s.prediction}, forward pass ${s.ms.toFixed(2)} ms; on wasm ${times.map((m) => m.toFixed(2)).join(', ')} ms`);
      assert.equal(s.backend, 'ts');
      assert.ok(s.wasmError !== null && s.wasmError.length > 0, 'the wasm failure is reported');
      assert.match(await bare.textContent('#status') ?? '', /backend ts \(wasm unavailable: /);
      assert.equal(s.prediction, 1);
    });
  } finally {
    await close();
  }
});
