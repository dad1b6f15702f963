/**
 * The demo page (web/) in Debian's chromium: built with Vite as `npm run web:build` does, served on
 * 127.0.0.1, on the wasm backend. It must load with no console errors; the sub-band explorer shows
 * LL/LH/HL/HH and an exact reconstruction for Haar, CDF 5/3, CDF 9/7 (also as a 3-level pyramid), the
 * trained LiftPool layer and a drawn image; the results panel shows the report or the README tables;
 * a few training steps raise both models' test accuracy. Each panel's screenshot must be non-blank
 * (kept in .cache/web-screenshots/ for a look).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, CHROMIUM, CHROMIUM_ARGS, serve, type StaticServer } from './browser/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = join(root, '.cache', 'web-screenshots');
const unavailable = await browserUnavailable();
if (unavailable != null && process.env.LIFTPOOL_REQUIRE_BROWSER === '1') throw new Error(`demo page test required but ${unavailable}`);

/** Distinct colours in a PNG screenshot (a blank or single-colour panel has 1–2). */
function colours(png: Buffer): number {
  const img = PNG.sync.read(png);
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4) seen.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  return seen.size;
}

describe('demo page (web/)', { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: StaticServer;
  let page: Page;
  let out: string;
  const errors: string[] = [];

  before(async () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'web/prepare.ts')], { cwd: root, stdio: 'pipe' });
    out = mkdtempSync(join(tmpdir(), 'liftpool-web-'));
    const { build } = await import('vite');
    await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    server = await serve({}, { '/': out });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
    await page.goto(`${server.url}/index.html?backend=wasm&steps=50&every=25`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
    mkdirSync(shots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  async function shot(selector: string, name: string): Promise<number> {
    const png = await page.locator(selector).screenshot();
    writeFileSync(join(shots, `${name}.png`), png);
    return colours(png);
  }

  async function attr(selector: string, name: string): Promise<string> {
    return (await page.getAttribute(selector, name)) ?? '';
  }

  /** Waits until the explorer has rendered again (after `action`) and is idle. */
  async function rendered(action: () => Promise<void>): Promise<void> {
    const before = Number(await attr('#ex-bands', 'data-renders'));
    await action();
    for (let i = 0; i < 600; i++) {
      if (Number(await attr('#ex-bands', 'data-renders')) > before && (await attr('#ex-bands', 'data-idle')) === 'true') return;
      await page.waitForTimeout(100);
    }
    throw new Error('the explorer did not render');
  }

  async function explore(method: string, levels: number): Promise<{ canvases: number; rows: number; error: number }> {
    await page.fill('#ex-levels', String(levels));
    await rendered(async () => {
      await page.dispatchEvent('#ex-levels', 'change');
      await page.selectOption('#ex-method', method);
    });
    await page.waitForSelector(`#ex-bands[data-key^="${method}/${levels}/"][data-idle="true"]`);
    return {
      canvases: await page.locator('#ex-bands canvas').count(),
      rows: await page.locator('#ex-bands .level').count(),
      error: Number(await attr('#ex-error', 'data-error')),
    };
  }

  test('loads on the chosen backend with no console errors', async () => {
    assert.equal(await page.getAttribute('#backend-status', 'data-backend'), 'wasm');
    assert.deepEqual(errors, []);
  });

  test('sub-band explorer: every transform reconstructs exactly; the pyramid has its levels; drawing works', async () => {
    for (const m of ['haar', 'cdf53', 'cdf97']) {
      const r = await explore(m, 1);
      assert.equal(r.canvases, 4, `${m}: LL, LH, HL, HH`);
      assert.ok(r.error < 1e-5, `${m}: reconstruction error ${r.error}`);
    }
    const p = await explore('cdf97', 3);
    assert.deepEqual([p.rows, p.canvases], [3, 10], '3 levels: 3×(LH, HL, HH) + the coarsest LL');
    assert.ok(p.error < 1e-5);
    assert.ok((await shot('#explorer', 'explorer-cdf97-pyramid')) > 20, 'the explorer panel is not blank');
    const t = await explore('trained', 1);
    assert.equal(t.canvases, 5, 'feature + LL, LH, HL, HH of the trained layer');
    assert.ok(t.error < 1e-4, `trained LiftPool: reconstruction error ${t.error}`);
    assert.ok((await page.textContent('#ex-note'))!.includes('liftpool train'), 'names the CLI command that trained it');
    assert.ok((await shot('#explorer', 'explorer-trained')) > 20);
    await explore('haar', 1);
    await rendered(() => page.click('#ex-clear'));
    const box = (await page.locator('#ex-input').boundingBox())!;
    await rendered(async () => {
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 8 });
      await page.mouse.up();
    });
    const drawn = Number(await attr('#ex-error', 'data-error'));
    assert.ok(drawn < 1e-5);
    assert.ok((await shot('#ex-input', 'explorer-drawn')) > 2, 'the drawn stroke shows');
    assert.deepEqual(errors, []);
  });

  test('results panel shows the report or the README result tables', async () => {
    const source = await page.getAttribute('#results-body', 'data-source');
    if (source === 'report') assert.equal(await page.locator('#results-body iframe').count(), 1);
    else assert.ok((await page.locator('#results-body table').count()) >= 3, 'the README result tables');
    assert.ok((await shot('#results', 'results')) > 5);
  });

  test('training panel: a few steps raise both models\' test accuracy; charts and images/s shown', { timeout: 240_000 }, async () => {
    // The training keeps the page busy: no waiting for navigations after the click.
    await page.dispatchEvent('#tr-start', 'click');
    await page.waitForSelector('#tr-status[data-state="done"], #tr-status[data-state="error"]', { timeout: 230_000 });
    assert.equal(await page.getAttribute('#tr-status', 'data-state'), 'done', (await page.textContent('#tr-status')) ?? '');
    const rows = [];
    for (const r of await page.locator('#tr-table tbody tr').all()) {
      rows.push({ pool: await r.getAttribute('data-pool'), start: Number(await r.getAttribute('data-initial-accuracy')), end: Number(await r.getAttribute('data-accuracy')), text: await r.textContent() });
    }
    assert.deepEqual(rows.map((r) => r.pool), ['max', 'lift']);
    // From chance (~10%) after 50 steps: max pooling learns faster than LiftPool in this BN-free net.
    const summary = rows.map((r) => `${r.pool} ${r.start} → ${r.end}`).join(', ');
    for (const r of rows) assert.ok(r.end > r.start + 0.05, `test accuracy rises: ${summary}`);
    assert.ok(await page.locator('#tr-loss svg').count() === 1 && await page.locator('#tr-acc svg').count() === 1, 'both charts rendered');
    assert.ok((await shot('#train', 'train')) > 20);
    console.log(`demo training (wasm, 50 steps): ${rows.map((r) => r.text).join(' | ')}`);
    assert.deepEqual(errors, []);
  });
});
