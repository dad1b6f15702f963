import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '../src/layers/index.js';
import { buildClassifier } from '../src/models/index.js';
import { fileIO } from '../src/io/file-io.js';
import { loadDataset, subsetBalanced } from '../src/data/index.js';
import { robustnessCommand, corruptionsCommand } from '../src/cli/commands/robustness.js';
import { compareRobustness, evaluateRobustness, type RobustnessProgress } from '../src/train/robustness.js';

/** Run a command of the CLI in-process (no child process: spawning tsx + TF.js costs seconds per call). */
async function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const log = console.log;
  const errWrite = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => {
    stdout += `${a.join(' ')}\n`;
  };
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  const program = new Command('liftpool').exitOverride().configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
  for (const c of [robustnessCommand(), corruptionsCommand()]) {
    program.addCommand(c.exitOverride().configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) }));
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return { status: 0, stdout, stderr };
  } catch (err) {
    if (!(err instanceof CommanderError)) stderr += `liftpool: error: ${err instanceof Error ? err.message : String(err)}\n`;
    return { status: 1, stdout, stderr };
  } finally {
    console.log = log;
    process.stderr.write = errWrite;
  }
}

// jpeg_compression is left out of the quick runs: jpeg-js builds its encoder tables on every call (~0.1 s).
const FAST = ['gaussian_noise', 'contrast'];
let dir = '';
let modelDir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftpool-robustness-'));
  modelDir = join(dir, 'model');
  // An untrained seeded tiny CNN saved the way `liftpool train` saves one (the numbers need no training).
  const model = buildClassifier('tiny', { pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 3 });
  await model.save(fileIO(modelDir));
  writeFileSync(join(modelDir, 'results.json'), JSON.stringify({ dataset: 'mnist', arch: 'tiny', pool: 'lift', seed: 3, width: 0.25 }));
  model.dispose();
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every value of a JSON tree except the non-deterministic ones (time, date). */
function numbers(o: unknown, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (['seconds', 'timing', 'date', 'command'].includes(k)) continue;
      Object.assign(out, numbers(v, `${path}.${k}`));
    }
  } else {
    out[path] = o;
  }
  return out;
}

test('liftpool robustness with a baseline: JSON fields, mCE of a model against itself is 1, deterministic for the seed', async () => {
  const args = ['robustness', '--model', modelDir, '--baseline', modelDir, '--test-limit', '10', '--corruptions', FAST.join(','), '--shift', '2', '--sequence-length', '3', '--seed', '5', '--quiet', '--backend', 'wasm'];
  const j1 = join(dir, 'r1.json');
  const r1 = await runCli([...args, '--json', j1]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /\| corruption \| error \| baseline error \| CE \| relative CE \|/);
  assert.match(r1.stdout, /mCE 1\.000/);
  assert.match(r1.stdout, /shift consistency \(±2 px, zero\)/);
  assert.match(r1.stdout, /flip rate translate/);
  const a = JSON.parse(readFileSync(j1, 'utf8'));
  for (const key of ['dataset', 'testSize', 'seed', 'corruptions', 'severities', 'shift', 'perturbations', 'sequenceLength', 'model', 'baseline', 'comparison', 'backend', 'liftpoolVersion', 'command', 'seconds']) {
    assert.ok(key in a, `JSON has ${key}`);
  }
  assert.equal(a.dataset, 'mnist');
  assert.equal(a.testSize, 10);
  assert.equal(a.backend, 'wasm');
  assert.deepEqual(a.corruptions, FAST);
  assert.deepEqual(a.severities, [1, 2, 3, 4, 5]);
  for (const m of [a.model, a.baseline]) {
    assert.equal(m.arch, 'tiny');
    assert.equal(m.n, 10);
    assert.ok(m.cleanError >= 0 && m.cleanError <= 1);
    for (const c of FAST) {
      assert.equal(m.corruptionErrors[c].length, 5);
      assert.ok(m.errorPerCorruption[c] >= 0 && m.errorPerCorruption[c] <= 1);
    }
    assert.deepEqual(m.shift.maxShift, 2);
    assert.equal(m.shift.mode, 'zero');
    assert.ok(m.shift.consistency >= 0 && m.shift.consistency <= 1);
    assert.deepEqual(Object.keys(m.flipRate), ['translate', 'rotate', 'gaussian_noise', 'brightness']);
    assert.equal(m.flipReference.gaussian_noise, 'first');
    assert.ok(m.meanFlipRate >= 0 && m.meanFlipRate <= 1);
  }
  assert.equal(a.comparison.mCE, 1, 'mCE of a model against itself');
  for (const c of FAST) assert.equal(a.comparison.ce[c], 1);
  for (const v of Object.values(a.comparison.relativeCE)) assert.ok(v === 1 || v === null);
  assert.ok(a.comparison.relativeMCE === 1 || a.comparison.relativeMCE === null);
  assert.ok(a.comparison.mFR === 1 || a.comparison.mFR === null);
  assert.deepEqual(numbers(a.model), numbers(a.baseline), 'model and baseline are the same model: same numbers');

  // Second run, reusing the first run's JSON as the baseline (no re-evaluation): same numbers.
  const j2 = join(dir, 'r2.json');
  const baseIdx = args.indexOf('--baseline') + 1;
  const args2 = args.map((v, i) => (i === baseIdx ? j1 : v));
  const r2 = await runCli([...args2, '--json', j2]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.doesNotMatch(r2.stderr, /\[baseline\]/);
  const b = JSON.parse(readFileSync(j2, 'utf8'));
  assert.deepEqual(numbers(b.model), numbers(a.model), 'same seed, same numbers');
  assert.deepEqual(numbers(b.comparison), numbers(a.comparison));
  assert.equal(b.baseline.fromJson, j1);
  // A JSON baseline evaluated on another test subset is refused.
  const r3 = await runCli([...args2.map((v) => (v === '10' ? '12' : v))]);
  assert.notEqual(r3.status, 0);
  assert.match(r3.stderr, /was evaluated on 10 test images \(--test-limit 10\), this run uses 12/);
});

test('liftpool robustness: clear errors for a missing model dir, model files that differ from results.json, an unknown corruption, a missing option', async () => {
  const missing = await runCli(['robustness', '--model', join(dir, 'nope')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--model directory '.*nope' does not exist/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const empty = await runCli(['robustness', '--model', dir]);
  assert.notEqual(empty.status, 0);
  assert.match(empty.stderr, /has no model\.json/);
  // results.json records the model files; a model directory whose weights no longer match is refused.
  const tampered = join(dir, 'tampered');
  const m = buildClassifier('tiny', { pool: 'max', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 4 });
  await m.save(fileIO(tampered));
  m.dispose();
  const { manifestOf } = await import('../src/io/manifest.js');
  writeFileSync(join(tampered, 'results.json'), JSON.stringify({ dataset: 'mnist', arch: 'tiny', pool: 'max', files: manifestOf(tampered, ['model.json', 'weights.bin']) }));
  const weights = readFileSync(join(tampered, 'weights.bin'));
  weights[0] ^= 1;
  writeFileSync(join(tampered, 'weights.bin'), weights);
  const mismatch = await runCli(['robustness', '--model', tampered, '--test-limit', '10']);
  assert.notEqual(mismatch.status, 0);
  assert.match(mismatch.stderr, /the run in .*tampered is inconsistent \(results\.json does not describe its files\): .*weights\.bin does not match the record/);
  const bad = await runCli(['robustness', '--model', modelDir, '--corruptions', 'gaussian_noise,frost']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /option '--corruptions <list>' argument 'gaussian_noise,frost' is invalid\. expected one of gaussian_noise, .*got 'frost'/);
  const none = await runCli(['robustness']);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /required option '--model <dir>' not specified/);
});

test('liftpool corruptions lists the suite and writes a PNG contact sheet', async () => {
  const l = await runCli(['corruptions']);
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /\| elastic_transform \| digital \|/);
  const sheet = join(dir, 'sheet.png');
  const s = await runCli(['corruptions', '--sheet', sheet, '--dataset', 'mnist', '--index', '3', '--seed', '1', '--scale', '2']);
  assert.equal(s.status, 0, s.stderr);
  assert.ok(existsSync(sheet));
  const png = readFileSync(sheet);
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  // 14 rows x 6 columns of 56 px tiles with 2 px gaps (plus borders) -> at least 6*56 wide, 14*56 tall.
  assert.ok(png.readUInt32BE(16) >= 6 * 56 && png.readUInt32BE(20) >= 14 * 56, `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
  const oob = await runCli(['corruptions', '--sheet', sheet, '--dataset', 'mnist', '--index', '99999']);
  assert.notEqual(oob.status, 0);
  assert.match(oob.stderr, /--index 99999 is out of range: the mnist test set has 10000 images/);
});

test('evaluateRobustness: independent of the batch size, progress reported, compareRobustness of a model with itself', async () => {
  const model = await tf.loadLayersModel(fileIO(modelDir));
  const ds = subsetBalanced(await loadDataset('mnist', 'test'), 8, 0);
  const opts = { seed: 2, corruptions: ['brightness', 'gaussian_blur'] as const, maxShift: 1, sequenceLength: 3 };
  const seen: RobustnessProgress[] = [];
  const a = evaluateRobustness(model, ds, { ...opts, batchSize: 3, onProgress: (p) => seen.push(p) });
  const b = evaluateRobustness(model, ds, { ...opts, batchSize: 64 });
  assert.deepEqual({ ...a, seconds: 0, timing: {} }, { ...b, seconds: 0, timing: {} });
  assert.equal(seen.length, 1 + 2 * 5 + 1 + 4);
  assert.deepEqual(seen.map((p) => p.done), seen.map((_, i) => i + 1));
  assert.ok(seen.every((p) => p.total === seen.length));
  assert.equal(a.meanCorruptionError, (a.errorPerCorruption.brightness + a.errorPerCorruption.gaussian_blur) / 2);
  const cmp = compareRobustness(a, b);
  assert.equal(cmp.mCE, 1);
  assert.throws(() => evaluateRobustness(model, ds, { corruptions: ['frost' as never] }), /unknown corruption 'frost'/);
  assert.throws(() => evaluateRobustness(model, { ...ds, height: 32, width: 32 }), /model input is 28x28x1 but the images are 32x32x1/);
  model.dispose();
});
