/**
 * The package in a real browser: Debian's chromium (SwiftShader) driven by playwright-core.
 *
 * test/browser/page.ts is bundled with esbuild from the package root (`'liftpool'`, as a user's
 * bundler would take it; a node: import would fail the bundle) and served on 127.0.0.1. On cpu,
 * webgl, wasm (plain, and threaded on a COOP/COEP page) and webgpu it checks LiftDownPool2D /
 * LiftUpPool2D values and gradients against Node's cpu backend (1e-3 relative on webgl/webgpu,
 * 1e-4 elsewhere), that nothing is read back to the CPU inside forward and backward, that SGD steps
 * lower a tiny classifier's loss, a save/load round trip through IndexedDB, and no tensor leaks.
 *
 * Without chromium the suite is skipped with a message, unless LIFTPOOL_REQUIRE_BROWSER=1 (.ci/run
 * sets it). WebGPU missing in a run is reported as a skip naming the reason, never a pass.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

import { poolValuesAndGrads, relativeDiffs, type Named } from './browser/cases.js';
import type { SuiteResult } from './browser/page.js';
import { browserUnavailable, CHROMIUM, CHROMIUM_ARGS, serve, type StaticServer } from './browser/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const unavailable = await browserUnavailable();
if (unavailable != null && process.env.LIFTPOOL_REQUIRE_BROWSER === '1') {
  throw new Error(`browser suite required (LIFTPOOL_REQUIRE_BROWSER=1) but ${unavailable}`);
}
if (unavailable != null) console.warn(`\n*** browser suite SKIPPED: ${unavailable} ***\n`);

interface Case {
  name: string;
  backend: 'cpu' | 'webgl' | 'wasm' | 'webgpu';
  path: string;
  tol: number;
  threads?: number;
}

const CASES: Case[] = [
  { name: 'cpu', backend: 'cpu', path: '/', tol: 1e-4 },
  { name: 'webgl', backend: 'webgl', path: '/', tol: 1e-3 },
  { name: 'wasm', backend: 'wasm', path: '/', tol: 1e-4 },
  { name: 'wasm, threaded (COOP/COEP page)', backend: 'wasm', path: '/coi/', tol: 1e-4, threads: 2 },
  { name: 'webgpu', backend: 'webgpu', path: '/', tol: 1e-3 },
];

describe('liftpool in Chromium', { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: StaticServer;
  let reference: Named;
  const results = new Map<string, { r: SuiteResult; errors: string[] }>();

  before(async () => {
    await tf.setBackend('cpu');
    reference = (await poolValuesAndGrads()).values;
    const bundle = await build({
      entryPoints: [join(root, 'test/browser/page.ts')], bundle: true, platform: 'browser', format: 'esm',
      write: false, logLevel: 'silent', tsconfig: join(root, 'tsconfig.json'),
    });
    const html = '<!doctype html><meta charset="utf-8"><title>liftpool suite</title><link rel="icon" href="data:,"><script type="module" src="bundle.js"></script>';
    server = await serve({ '/index.html': html, '/bundle.js': bundle.outputFiles[0].contents },
      { '/wasm/': join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function run(c: Case): Promise<{ r: SuiteResult; errors: string[] }> {
    const cached = results.get(c.name);
    if (cached) return cached;
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
    try {
      await page.goto(server.url + c.path);
      await page.waitForFunction(() => 'liftpoolSuite' in globalThis, undefined, { timeout: 30_000 });
      const r = await page.evaluate(([b, t]) => (globalThis as unknown as { liftpoolSuite: (b: string, t?: number) => Promise<SuiteResult> }).liftpoolSuite(b, t), [c.backend, c.threads] as const);
      const out = { r, errors };
      results.set(c.name, out);
      return out;
    } finally {
      await page.close();
    }
  }

  for (const c of CASES) {
    test(`${c.name}: values, gradients, training, IndexedDB save/load, no leaks`, { timeout: 120_000 }, async (t) => {
      const { r, errors } = await run(c);
      if (c.backend === 'webgpu' && r.error != null && /no WebGPU adapter|webgpu' requested/.test(r.error)) {
        const msg = `WebGPU UNAVAILABLE in this Chromium run — webgpu NOT tested: ${r.error.split('\n')[0]}`;
        console.warn(`\n*** ${msg} ***\n`);
        t.skip(msg);
        return;
      }
      assert.equal(r.error, null, r.error ?? '');
      assert.equal(r.info?.name, c.backend);
      if (c.path === '/coi/') {
        assert.equal(r.crossOriginIsolated, true, 'the COOP/COEP page is cross-origin isolated');
        assert.equal(r.info?.wasmBinary, 'wasm-threaded-simd');
        // TF.js caps the pool at half the logical cores (1 on a 2-core machine).
        assert.ok(r.info?.threads != null && r.info.threads >= 1);
        assert.equal(r.liftFilterKernel, true, 'the LiftPool filter kernels run on shared memory too (its shared build)');
      } else if (c.backend === 'wasm') {
        assert.equal(r.info?.wasmBinary, 'wasm-simd');
        assert.equal(r.liftFilterKernel, true, 'the LiftPool filter runs as its wasm kernels');
      }
      if (c.backend === 'wasm') assert.ok(r.info!.extraWasmKernels.includes('Conv2DBackpropFilter'), 'the wasm training kernels are registered');
      const pool = r.pool!;
      const diffs = relativeDiffs(pool.values, reference);
      const worst = Object.entries(diffs).reduce((a, b) => (b[1] > a[1] ? b : a));
      t.diagnostic(`${r.info?.name} (${r.info?.wasmBinary ?? 'n/a'}): largest relative difference to Node's cpu ${worst[1].toExponential(2)} (${worst[0]}); losses ${r.train?.losses.map((l) => l.toFixed(3)).join(' → ')}`);
      const bad = Object.entries(diffs).filter(([, d]) => !(d <= c.tol));
      assert.deepEqual(bad, [], `relative differences to Node's cpu above ${c.tol}`);
      assert.equal(pool.readsInside, 0, 'no read-back inside forward/backward');
      assert.equal(pool.leaked, 0, 'tensors leaked by the pooling checks');
      const train = r.train!;
      assert.ok(train.losses.at(-1)! < train.losses[0] * 0.9, `loss fell: ${train.losses.map((l) => l.toFixed(3)).join(' → ')}`);
      assert.equal(train.leakedPerRun, 0, 'tensors leaked per training step');
      assert.equal(train.reloadError, null, train.reloadError ?? '');
      assert.ok(train.reloadDiff != null && train.reloadDiff < 1e-6, `IndexedDB round trip changed predictions by ${train.reloadDiff}`);
      assert.equal(train.leaked, 0, `tensors leaked by training and save/load (live after each stage: ${JSON.stringify(train.stages)})`);
      assert.deepEqual(errors, []);
    });
  }

  test("useBestBackend('auto') picks the first that works of webgpu, webgl, wasm, cpu", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + '/');
      await page.waitForFunction(() => 'liftpoolAuto' in globalThis, undefined, { timeout: 30_000 });
      const name = await page.evaluate(() => (globalThis as unknown as { liftpoolAuto: () => Promise<string> }).liftpoolAuto());
      const webgpu = results.get('webgpu')?.r;
      const expected = webgpu == null || webgpu.error == null ? 'webgpu' : 'webgl';
      assert.equal(name, expected);
    } finally {
      await page.close();
    }
  });
});
