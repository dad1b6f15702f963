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

test('bad arguments give a clear error and a non-zero exit, never a stack trace', () => {
  for (const [args, msg] of [
    [['train', '--pool', 'bogus'], /option '--pool <name>' argument 'bogus' is invalid\. expected one of max, avg/],
    [['train', '--epochs', '0'], /expected an integer >= 1, got '0'/],
    [['train', '--lr', '-1'], /expected a number > 0/],
    [['eval'], /required option '--model <dir>' not specified/],
    [['train', '--frobnicate'], /unknown option '--frobnicate'/],
  ] as [string[], RegExp][]) {
    const r = runCli(args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, msg);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('train, eval and resume end to end on real MNIST (tiny subset)', async () => {
  const { mkdtempSync, readFileSync, rmSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-cli-'));
  try {
    const common = ['--dataset', 'mnist', '--arch', 'tiny', '--pool', 'lift', '--width', '0.25', '--train-limit', '64', '--test-limit', '40', '--batch-size', '32', '--out', dir, '--quiet'];
    const t = runCli(['train', ...common, '--epochs', '1']);
    assert.equal(t.status, 0, t.stderr);
    for (const f of ['model.json', 'weights.bin', 'results.json', 'checkpoint/state.json']) assert.ok(existsSync(join(dir, f)), f);
    const res = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    for (const key of ['dataset', 'arch', 'pool', 'seed', 'epochs', 'trainSize', 'testSize', 'testAccuracy', 'testLoss', 'params', 'trainSeconds', 'imagesPerSecond', 'backend', 'liftpoolVersion', 'command']) {
      assert.ok(key in res, `results.json has ${key}`);
    }
    assert.equal(res.trainSize, 64);
    assert.equal(res.testSize, 40);
    assert.equal(res.backend, 'wasm');
    const e = runCli(['eval', '--model', dir, '--test-limit', '40']);
    assert.equal(e.status, 0, e.stderr);
    const ev = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
    assert.equal(ev.testAccuracy, res.testAccuracy, 'eval reproduces the accuracy of the saved model');
    const r = runCli(['train', ...common.filter((a) => a !== '--quiet'), '--epochs', '2', '--resume']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /resuming from epoch 1 of 2/);
    const res2 = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.equal(res2.history.length, 2);
    const bad = runCli(['train', ...common, '--epochs', '3', '--lr', '0.01', '--resume']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /was made with lr = 0\.001, not 0\.01/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('liftpool bench: interleaved max/lift training rows, per-model peak RSS from child processes, JSON', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const json = join(mkdtempSync(join(tmpdir(), 'liftpool-bench-')), 'bench.json');
  const r = runCli(['bench', '--backends', 'wasm', '--no-ops', '--steps', '2', '--batch', '4', '--json', json]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| wasm \| max \| 4 \|/);
  assert.match(r.stdout, /\| wasm \| lift \| 4 \|/);
  const out = JSON.parse(readFileSync(json, 'utf8')) as { training: { pool: string; steps: number; imagesPerSecond: number; peakRssMiB: number | null }[] };
  assert.deepEqual(out.training.map((t) => t.pool), ['max', 'lift']);
  for (const t of out.training) {
    assert.equal(t.steps, 2);
    assert.ok(t.imagesPerSecond > 0);
    assert.ok(typeof t.peakRssMiB === 'number' && t.peakRssMiB > 50, `peak RSS ${t.peakRssMiB}`);
  }
});
