/**
 * useBestBackend's browser-side choices seen from Node: the GPU backends are refused with a reason,
 * an unknown threads value is refused, and wasm threads in Node need the liftpool/node entry.
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

  test('wasm threads in Node without liftpool/node: a message naming the entry (with it: test/backend-wasm-lift-filter.test.ts)', () => {
    const run = (entry: string) => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', [
      `import { useBestBackend, backendInfo } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', entry)).href)};`,
      "try { await useBestBackend('wasm', { threads: 2 }); console.log(JSON.stringify({ threads: backendInfo().threads })); }",
      'catch (e) { console.log(JSON.stringify({ error: e.message })); }',
      'process.exit(0);',
    ].join('\n')], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    assert.match(JSON.parse(run('index.ts')).error, /wasm threads in Node need the 'liftpool\/node' entry/);
  });

  test('threads must be a positive integer', async () => {
    const r = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', [
      `import { useBestBackend } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'index.ts')).href)};`,
      "try { await useBestBackend('wasm', { threads: 1.5 }); console.log('no error'); } catch (e) { console.log(e.message); }",
    ].join('\n')], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(r, /threads must be a positive integer, got 1.5/);
  });
});
