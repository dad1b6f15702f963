/**
 * useBestBackend's browser-side choices seen from Node: the GPU backends are refused with a reason;
 * from the package root (which bundles for browsers) the Node-only wasm thread setup still runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

import { useBestBackend } from '../src/index.js';

describe('useBestBackend outside a browser', () => {
  test("'webgpu' and 'webgl' fail with the reason", async () => {
    await assert.rejects(useBestBackend('webgpu'), /Backend 'webgpu' requested but this browser has no WebGPU adapter/);
    await assert.rejects(useBestBackend('webgl'), /Backend 'webgl' requested but WebGL is unavailable here/);
  });

  test('threads must be a positive integer', async () => {
    const r = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', [
      `import { useBestBackend } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'index.ts')).href)};`,
      "try { await useBestBackend('wasm', { threads: 1.5 }); console.log('no error'); } catch (e) { console.log(e.message); }",
    ].join('\n')], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(r, /wasm threads: expected a positive integer, got threads: 1.5/);
  });
});
