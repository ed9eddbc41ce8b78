/**
 * The Tang-poem page (web/poems.html) in headless Chromium: Vite builds the site in-process, a
 * static server serves it with COOP/COEP, and the page loads the committed character GPT
 * (web/public/models/tang-gpt/) in its worker. Checks: no console errors; the worker runs on wasm;
 * 'generate' streams N characters, all from the model's vocabulary and mostly CJK; the same
 * prompt, seed and temperature give the same text and another temperature another text; every
 * attention heatmap is drawn (not one colour); hovering a character of the window makes it the
 * query; no main-thread frame gap over 250 ms while generating. Saves test-artifacts/poems.png.
 * Then, with the .wasm request blocked, that the worker says why and generates on the TypeScript backend.
 * Skips when /usr/bin/chromium is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBuiltSite, skip, withoutWasm } from './chromium-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface State {
  backend: string | null; wasmError: string | null; error: string | null; vocabSize: number; generating: boolean; runs: number; run: number; finished: number;
  prompt: string; text: string; charsPerSecond: number; mapsDrawn: number; selection: { layer: number; head: number; query: number } | null; chineseFont: boolean;
}

test('the poem page generates Tang-poem text with the committed GPT in its worker and draws its attention', { skip, timeout: 60_000 }, async (t) => {
  const vocab = JSON.parse(readFileSync(join(ROOT, 'web/public/models/tang-gpt/vocab.json'), 'utf8')) as { chars: string[] };
  const t0 = performance.now();
  const mark: string[] = [];
  const lap = (what: string): number => mark.push(`${what} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { context, page, errors, origin, close } = await openBuiltSite('poems', { width: 1320, height: 860 });
  lap('built and opened');
  try {
    await page.goto(`${origin}/poems.html`);
    const state = (): Promise<State> => page.evaluate('({ ...globalThis.nablaPoems })') as Promise<State>;
    // the page starts a poem by itself (at a watchable pace) once the model is loaded; each run below supersedes the one before
    await page.waitForFunction('globalThis.nablaPoems !== undefined && (globalThis.nablaPoems.backend !== null || globalThis.nablaPoems.error !== null)', null, { timeout: 30_000 });
    lap('model loaded');
    const s0 = await state();
    assert.equal(s0.error, null);
    assert.equal(s0.backend, 'wasm', `the worker runs on wasm (initWasm: ${s0.wasmError ?? 'ok'})`);
    assert.equal(s0.vocabSize, vocab.chars.length);

    /** Sets the controls, clicks generate and waits for that run's end (not an earlier one's); returns the state. */
    const generate = async (o: { prompt: string; seed: number; temperature: number; length: number }): Promise<State> => {
      await page.fill('#prompt', o.prompt);
      await page.fill('#seed', String(o.seed));
      await page.fill('#length', String(o.length));
      await page.selectOption('#pace', '0');
      await page.evaluate(`(() => { const r = document.getElementById('temperature'); r.value = '${o.temperature}'; r.dispatchEvent(new Event('input')); })()`);
      await page.click('#generate');
      await page.waitForFunction('globalThis.nablaPoems.finished === globalThis.nablaPoems.run || globalThis.nablaPoems.error !== null', null, { timeout: 20_000 });
      return state();
    };

    // main-thread frame gaps while generating
    await page.evaluate(`(() => {
      globalThis.rafTimes = [];
      globalThis.rafOn = true;
      function tick(ts) { globalThis.rafTimes.push(ts); if (globalThis.rafOn) requestAnimationFrame(tick); }
      requestAnimationFrame(tick);
    })()`);
    const N = 60;
    const a = await generate({ prompt: '《', seed: 7, temperature: 0.8, length: N });
    const times = await page.evaluate<number[]>('(globalThis.rafOn = false, globalThis.rafTimes)');
    let maxGap = 0;
    for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i]! - times[i - 1]!);
    const chars = [...a.text];
    assert.equal(chars.length, N, `generated ${chars.length} characters`);
    const known = new Set(vocab.chars);
    assert.deepEqual(chars.filter((c) => !known.has(c)), [], 'every character is in the vocabulary (UNK is never drawn)');
    const cjk = chars.filter((c) => /\p{Script=Han}/u.test(c)).length;
    assert.ok(cjk >= N / 2, `only ${cjk} of ${N} characters are Chinese: ${a.text}`);
    assert.equal((await page.textContent('#output-text')) ?? '', a.text, 'the page shows the streamed text');

    const again = await generate({ prompt: '《', seed: 7, temperature: 0.8, length: N });
    assert.equal(again.text, a.text, 'the same prompt, seed and temperature give the same text');
    const hot = await generate({ prompt: '《', seed: 7, temperature: 1.6, length: N });
    assert.notEqual(hot.text, a.text, 'another temperature gives another text');
    // stop: a long run at a watchable pace ends early, with the characters drawn so far
    await page.fill('#length', '1000');
    await page.selectOption('#pace', '40');
    await page.click('#generate');
    await page.waitForFunction('globalThis.nablaPoems.text.length >= 3', null, { timeout: 10_000 });
    await page.click('#stop');
    await page.waitForFunction('globalThis.nablaPoems.finished === globalThis.nablaPoems.run', null, { timeout: 10_000 });
    const stopped = [...(await state()).text].length;
    assert.ok(stopped >= 3 && stopped < 1000, `stopped after ${stopped} characters`);
    lap('three runs and a stop');
    const poem = await generate({ prompt: '春眠', seed: 3, temperature: 0.7, length: 48 });
    assert.equal([...poem.text].length, 48);

    // the heatmaps: one per layer and head plus each layer's mean, each drawn with many colours
    const inks = await page.evaluate<{ n: number; colours: number }[]>(`Array.from(document.querySelectorAll('canvas.map')).map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return { n: d.length / 4, colours: seen.size };
    })`);
    assert.ok(inks.length >= 2 && inks.length === poem.mapsDrawn, `${inks.length} heatmap canvases, ${poem.mapsDrawn} drawn`);
    for (const [i, k] of inks.entries()) assert.ok(k.colours >= 8, `heatmap ${i} has only ${k.colours} colours`);
    // hovering a character of the window makes it the query and shades what it attended to
    const cells = page.locator('#window .cell');
    assert.equal(await cells.count(), [...('春眠' + poem.text)].length, 'the window holds prompt + text (shorter than the context)');
    await cells.nth(20).hover();
    const sel = (await state()).selection;
    assert.equal(sel?.query, 20, 'hovering a character selects it as the query');
    const shades = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#window .cell')).slice(0, 21).map((s) => s.style.background)`);
    assert.ok(new Set(shades).size > 3, `the characters before the query are shaded by weight (${new Set(shades).size} shades)`);
    await page.locator('canvas.map').nth(1).hover();

    // the screenshot: a longer run from the page's default prompt, one character of its last line as the query
    const shown = await generate({ prompt: '《', seed: 1, temperature: 0.8, length: 120 });
    assert.equal([...shown.text].length, 120);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.locator('#window .cell').nth(-4).hover();
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'poems.png') });
    t.diagnostic(s0.chineseFont ? 'Chinese characters render with a CJK font' : 'no CJK font in this browser: the screenshot shows boxes for the characters (apt-get install fonts-wqy-microhei; .ci/run does)');
    t.diagnostic(`on ${a.backend}: ${a.charsPerSecond.toFixed(0)} characters/s streamed on the first run (cold), ${shown.charsPerSecond.toFixed(0)} on the 120-character run; max frame gap ${maxGap.toFixed(0)} ms; sample (T=0.8, seed 7): ${JSON.stringify(a.text)}; T=1.6: ${JSON.stringify(hot.text)}`);
    assert.deepEqual(errors, [], 'no console errors');
    assert.ok(maxGap <= 250, `a main-thread frame gap of ${maxGap.toFixed(0)} ms while generating`);

    // without its .wasm (the request fails), the worker says why and generates on the TypeScript backend
    lap('screenshot');
    await withoutWasm(context, async (bare) => {
      await bare.goto(`${origin}/poems.html`);
      await bare.waitForFunction('globalThis.nablaPoems !== undefined && (globalThis.nablaPoems.backend !== null || globalThis.nablaPoems.error !== null)', null, { timeout: 30_000 });
      await bare.fill('#length', '24');
      await bare.selectOption('#pace', '0');
      await bare.click('#generate');
      await bare.waitForFunction('globalThis.nablaPoems.finished === globalThis.nablaPoems.run || globalThis.nablaPoems.error !== null', null, { timeout: 20_000 });
      const ts = (await bare.evaluate('({ ...globalThis.nablaPoems })')) as State;
      t.diagnostic(`without the .wasm: backend ${ts.backend} (${ts.wasmError}), ${ts.charsPerSecond.toFixed(0)} characters/s`);
      assert.equal(ts.backend, 'ts');
      assert.ok(ts.wasmError !== null && ts.wasmError.length > 0, 'the wasm failure is reported');
      assert.equal(ts.error, null);
      assert.equal([...ts.text].length, 24);
      lap('ts page');
      t.diagnostic(`times: ${mark.join(', ')}`);
    });
  } finally {
    await close();
  }
});
