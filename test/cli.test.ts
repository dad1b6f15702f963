import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000,
  });
}

test('liftpool --version and --help', () => {
  const v = runCli(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const h = runCli(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage: liftpool/);
});

test('an unknown command exits non-zero with a clear message and no stack trace', () => {
  const r = runCli(['frobnicate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /liftpool: error/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});
