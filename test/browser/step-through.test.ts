/**
 * The playground's step-through of one update (web/step.html and the trainer's dialog) in headless
 * Chromium: Vite builds the site in-process, and the page opens on the tutorial's 2-2-1 worked
 * example. Checks, against the numbers nb.explain computes here in Node for the same example: a
 * hidden activation, the tutorial's slip shown beside the correct z, a delta and an updated weight;
 * that Next / Previous and the arrow keys move one unit at a time and the drawing highlights it;
 * that KaTeX set the math; then that the trainer's "step through this update" opens the same view
 * on its current 2-8-8-1 network. No console errors. Saves test-artifacts/step-*.png. Skips when
 * /usr/bin/chromium is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openPage, serveDir, skip } from './chromium-env.js';
import { explain } from '../../src/explain/explain.js';
import { seedNetwork, SEED_EXAMPLE, SEED_PRINTED } from '../../src/explain/seed.js';
import { fmt } from '../../src/explain/snapshot.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface StepState { source: string; index: number; count: number; id: string; error: string | null }

const stepState = (page: Page): Promise<StepState | undefined> => page.evaluate('globalThis.nablaStep');
/** The text KaTeX drew (its HTML, not the TeX source it keeps for MathML), with its minus signs as '-'. */
const mathText = (page: Page, sel: string): Promise<string> => page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(`${sel} .katex-html`)})).map((e) => e.textContent).join(' ').replace(/\u2212/g, '-')`);

test('the step-through opens on the tutorial\'s worked example with its correction, steps one unit at a time, and opens on the trainer\'s network', { skip, timeout: 60_000 }, async () => {
  // what the library computes for the example, at the page's defaults (1/2 squared error, lr 0.1, float64)
  const d = explain({ model: seedNetwork('float64'), input: SEED_EXAMPLE.x, target: SEED_EXAMPLE.y, loss: 'halfSquaredError', lr: 0.1 }).toJSON();
  const [l1, l2] = [d.layers[0]!, d.layers[1]!];
  const digits = 10;
  const a11 = fmt(l1.a.data[0]!, digits), z11 = fmt(l1.z.data[0]!, digits), delta11 = fmt(l1.delta.data[0]!, digits);
  const w2new = fmt(l2.newW.data[1]!, digits), w1new = fmt(l1.newW.data[1]!, digits);
  const stops = 1 + 2 + 1 + 1 + 1 + 2; // input, 3 units forward, loss, 3 units back

  const { build } = await import('vite');
  const out = mkdtempSync(join(tmpdir(), 'nabla-web-step-'));
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  const { server, origin } = await serveDir(out);
  const { page, errors, close } = await openPage('step', { width: 1280, height: 900 });
  const shots = join(ROOT, 'test-artifacts');
  mkdirSync(shots, { recursive: true });
  try {
    await page.goto(`${origin}/step.html`);
    await page.waitForFunction(() => ((globalThis as unknown as { nablaStep?: { count: number } }).nablaStep?.count ?? 0) > 0, null, { timeout: 15_000 });
    const s0 = (await stepState(page))!;
    assert.equal(s0.error, null);
    assert.deepEqual([s0.source, s0.index, s0.count, s0.id], ['worked example', 0, stops, 'input']);
    assert.ok(await page.locator('.st-node .katex').count() >= 1 && await page.locator('.st-layer .katex').count() >= 1, 'KaTeX set the formulas');
    assert.match(await page.textContent('.st-notes') ?? '', /The seed prints z\(1\) = \[1\.1, 1\.7\]; the first entry is wrong/);

    // Next: unit 1 of layer 1, with the tutorial's printed z beside nabla's and the unit highlighted
    await page.click('.st-next');
    assert.equal((await stepState(page))!.id, 'forward:1:1');
    const node = await mathText(page, '.st-node');
    assert.ok(node.includes(a11), `the unit's activation a = ${a11} is shown (got ${node.slice(0, 300)})`);
    assert.ok(await page.isVisible('.st-correction.differs'), 'the correction is visible');
    assert.equal(await page.textContent('.st-correction .st-printed'), String(SEED_PRINTED.z1[0]));
    assert.equal(await page.textContent('.st-correction .st-computed'), z11);
    assert.match(await page.textContent('.st-correction .st-why') ?? '', /0\.1·1\.0 \+ 0\.2·2\.0 \+ 0\.5 = 1\.0/);
    assert.equal(await page.locator('.st-diagram .node.current').count(), 1);
    assert.equal(await page.getAttribute('.st-diagram .node.current', 'data-node'), '1:0');
    await page.screenshot({ path: join(shots, 'step-worked-forward.png'), fullPage: true });

    // the arrow keys and Previous move one unit at a time
    await page.keyboard.press('ArrowRight');
    assert.equal((await stepState(page))!.id, 'forward:1:2');
    assert.ok(await page.isVisible('.st-correction.agrees'), 'unit 2: the tutorial\'s 1.7 is right, and the page says so');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await stepState(page))!.id, 'forward:1:1');
    await page.click('.st-prev');
    assert.equal((await stepState(page))!.id, 'input');
    assert.ok(await page.isDisabled('.st-prev'), 'Previous is disabled on the first stop');

    // forward to the output layer's backward stop (its updated weights), then layer 1's
    while ((await stepState(page))!.id !== 'backward:2:1') await page.click('.st-next');
    assert.ok((await mathText(page, '.st-node')).includes(w2new), `W(2) after the update has ${w2new}`);
    await page.click('.st-next');
    const back = await mathText(page, '.st-node');
    assert.equal((await stepState(page))!.id, 'backward:1:1');
    assert.ok(back.includes(delta11), `delta(1)_1 = ${delta11}`);
    assert.ok(back.includes(w1new), `W(1)_12 after the update = ${w1new}`);
    await page.screenshot({ path: join(shots, 'step-worked-backward.png'), fullPage: true });
    await page.click('.st-next');
    assert.equal((await stepState(page))!.index, stops - 1);
    assert.ok(await page.isDisabled('.st-next'), 'Next is disabled on the last stop');

    // the trainer: "step through this update" on its current network (2-8-8-1) after a few steps
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => ((globalThis as unknown as { nablaPlayground?: { frames: number } }).nablaPlayground?.frames ?? 0) > 0, null, { timeout: 15_000 });
    await page.click('#step');
    await page.waitForFunction(() => (globalThis as unknown as { nablaPlayground: { step: number } }).nablaPlayground.step >= 1, null, { timeout: 10_000 });
    await page.click('#step-through');
    await page.waitForFunction(() => (globalThis as unknown as { nablaStep?: { source: string } }).nablaStep?.source === 'trainer', null, { timeout: 10_000 });
    const t0 = (await stepState(page))!;
    assert.equal(t0.error, null);
    assert.equal(t0.count, 1 + 17 + 1 + 17, 'input, 17 units forward, loss, 17 units back');
    assert.ok(await page.isVisible('dialog.st-dialog'), 'the dialog is open');
    assert.equal(await page.locator('.st-dialog .st-diagram [data-node]').count(), 2 + 8 + 8 + 1);
    assert.ok(await page.locator('.st-dialog .katex').count() >= 2, 'KaTeX set the formulas in the dialog');
    assert.match(await page.textContent('.st-dialog-info') ?? '', /training point 1 of \d+: .* the network after 1 step;/);
    await page.keyboard.press('ArrowRight');
    assert.equal((await stepState(page))!.id, 'forward:1:1');
    assert.match(await mathText(page, '.st-dialog .st-node'), /a\^?\(1\)1|tanh/);
    await page.click('.st-point-next');
    await page.waitForFunction(`/training point 2 of/.test(document.querySelector('.st-dialog-info')?.textContent ?? '')`, null, { timeout: 10_000 });
    assert.equal((await stepState(page))!.id, 'forward:1:1', 'the view stays on the same unit for the next point');
    await page.screenshot({ path: join(shots, 'step-trainer.png') });
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await close();
    rmSync(out, { recursive: true, force: true });
    server.close();
  }
});
