import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { useBestBackend } from '../src/backend/index.js';
import { mulberry32, type Dataset } from '../src/data/index.js';
import { runClassifier, type ClassifierRunOptions, type PreparedData } from '../src/cli/run-classifier.js';
import { loadCheckpoint, findCheckpoint } from '../src/train/checkpoint.js';
import { openOutDir } from '../src/io/out-dir.js';
import { resetFaultCounters } from '../src/io/fault.js';
import { readTrainedRecord, evalDataset } from '../src/cli/trained-model.js';
import { resumeCommand, shellQuote } from '../src/cli/interrupt.js';

const SIDE = 8;
function randomSet(n: number, seed: number): Dataset {
  const rng = mulberry32(seed);
  return {
    name: 'mnist', images: new Uint8Array(n * SIDE * SIDE).map(() => Math.floor(rng.uniform() * 256)), labels: new Uint8Array(n).map((_, i) => i % 10),
    n, height: SIDE, width: SIDE, channels: 1, numClasses: 10, classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}
let data: PreparedData;
let base: string;
before(async () => {
  await useBestBackend('wasm');
  data = { train: randomSet(16, 1), test: randomSet(10, 2) };
  base = mkdtempSync(join(tmpdir(), 'liftpool-runstate-'));
});
after(() => rmSync(base, { recursive: true, force: true }));

const opts = (out: string, o: Partial<ClassifierRunOptions> = {}): ClassifierRunOptions => ({
  dataset: 'mnist', arch: 'tiny', pool: 'lift', epochs: 2, batchSize: 8, lr: 1e-3, optimizer: 'adam', momentum: 0.9, weightDecay: 0, schedule: 'cosine',
  seed: 0, width: 0.125, pad32: false, augment: true, out, quiet: true, refuseExisting: true, command: 'test', ...o,
});
let n = 0;
const fresh = () => join(base, `run${n++}`);

describe('checkpoints as one unit', () => {
  test('a changed file is refused by name; a crash between the renames is recovered; stale copies are removed', async () => {
    const out = fresh();
    await runClassifier(opts(out), data);
    const ck = join(out, 'checkpoint');
    assert.deepEqual(readdirSync(ck).sort(), ['manifest.json', 'model.json', 'optimizer.bin', 'state.json', 'weights.bin']);
    const w = readFileSync(join(ck, 'weights.bin'));
    const bad = Buffer.from(w);
    bad[10] ^= 1;
    writeFileSync(join(ck, 'weights.bin'), bad);
    await assert.rejects(loadCheckpoint(ck), /corrupt checkpoint in .*: .*weights\.bin does not match the record/);
    writeFileSync(join(ck, 'weights.bin'), w);
    // Killed after the old checkpoint was moved aside and before the new one was renamed into place.
    cpSync(ck, join(out, '.checkpoint.new-999'), { recursive: true });
    renameSync(ck, join(out, '.checkpoint.old-999'));
    const state = JSON.parse(readFileSync(join(out, '.checkpoint.old-999', 'state.json'), 'utf8'));
    state.epochsDone = 1;
    writeFileSync(join(out, '.checkpoint.old-999', 'state.json'), JSON.stringify(state));
    assert.equal(findCheckpoint(ck), ck);
    assert.equal((await loadCheckpoint(ck).then((c) => (c.model.dispose(), c))).state.epochsDone, 2, 'the more advanced complete copy');
    assert.ok(!existsSync(join(out, '.checkpoint.old-999')), 'the older copy is removed once one is in place');
    await runClassifier(opts(out, { resume: true, epochs: 2 }), data);
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('.')), [], 'no temporaries, copies or lock left');
  });

  test('a full disk while writing a checkpoint: a clear error, the previous checkpoint intact, nothing half-written', async () => {
    const out = fresh();
    resetFaultCounters();
    process.env.LIFTPOOL_TEST_ENOSPC_AT = '7'; // the second checkpoint's model.json
    try {
      await assert.rejects(runClassifier(opts(out), data), /no space left on the device of .* while writing a checkpoint; the previous checkpoint is intact/);
    } finally {
      delete process.env.LIFTPOOL_TEST_ENOSPC_AT;
    }
    assert.deepEqual(readdirSync(out).sort(), ['checkpoint']);
    const ck = await loadCheckpoint(join(out, 'checkpoint'));
    ck.model.dispose();
    assert.equal(ck.state.epochsDone, 1);
    const r = await runClassifier(opts(out, { resume: true }), data);
    assert.equal(r.history.length, 2);
  });
});

describe('--out checked and locked before training', () => {
  test('a file, too little space, a live lock, a finished or unfinished run: one clear line each; --force replaces', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(runClassifier(opts(file), data), /^Error: --out .*a-file is a file, not a directory$/);
    await assert.rejects(runClassifier(opts(join(file, 'sub')), data), /--out .* cannot be created: a parent of it is a file/);
    const out = fresh();
    process.env.LIFTPOOL_TEST_FREE_BYTES = '1000';
    try {
      await assert.rejects(runClassifier(opts(out), data), /only 0\.0 MiB free on its file system, the run needs about \d+\.\d MiB/);
    } finally {
      delete process.env.LIFTPOOL_TEST_FREE_BYTES;
    }
    assert.ok(!existsSync(join(out, 'checkpoint')), 'refused before any training');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, '.lock'), `${process.ppid}\n`);
    await assert.rejects(runClassifier(opts(out), data), new RegExp(`in use by another liftpool run \\(pid ${process.ppid}\\)`));
    writeFileSync(join(out, '.lock'), '999999999\n'); // a process that is gone: a stale lock is taken over
    const first = await runClassifier(opts(out), data);
    assert.ok(!existsSync(join(out, '.lock')), 'the lock is released');
    await assert.rejects(runClassifier(opts(out), data), /holds a finished run \(results\.json\); pass --force to replace it, --resume/);
    await assert.rejects(runClassifier(opts(out, { resume: true, force: true }), data), /--resume and --force contradict/);
    rmSync(join(out, 'results.json'));
    await assert.rejects(runClassifier(opts(out), data), /holds an unfinished run \(a checkpoint\); pass --resume to continue it, --force to start over/);
    const again = await runClassifier(opts(out, { force: true }), data);
    assert.deepEqual(again.history.map((h) => h.trainLoss), first.history.map((h) => h.trainLoss));
    // Programmatic callers (demo, sweep) replace the run without asking.
    await runClassifier(opts(out, { refuseExisting: false }), data);
  });

  test('not writable: one clear line (as an unprivileged user when run as root)', async (t) => {
    const dir = join(base, 'readonly');
    mkdirSync(dir, { mode: 0o555 });
    if (process.getuid?.() === 0) {
      const { spawnSync } = await import('node:child_process');
      const code = `import('${new URL('../src/io/out-dir.ts', import.meta.url).href}').then((m) => m.openOutDir(process.argv[1], { outputs: ['results.json'], hasCheckpoint: () => false, removeCheckpoint: () => {} })).catch((e) => { console.log(e.message); })`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code, join(dir, 'out')], { encoding: 'utf8', uid: 65534, gid: 65534, cwd: new URL('..', import.meta.url).pathname, timeout: 60_000 });
      if (r.error) return t.skip(`cannot run as nobody: ${r.error.message}`);
      assert.match(r.stdout, /--out .*readonly\/out cannot be created: permission denied/, r.stderr);
    } else {
      assert.throws(() => openOutDir(join(dir, 'out'), { outputs: ['results.json'], hasCheckpoint: () => false, removeCheckpoint: () => {} }), /cannot be created: permission denied/);
    }
  });
});

describe('resume compares every option that changes results', () => {
  test('augment, weight decay, momentum (SGD), test subset, fewer epochs, a schedule-changing --epochs are refused; a constant schedule extends', async () => {
    const out = fresh();
    await runClassifier(opts(out), data);
    for (const [o, msg] of [
      [{ augment: false }, /made with augment = true, not false/],
      [{ weightDecay: 1e-4 }, /made with weightDecay = 0, not 0\.0001/],
      [{ trainLimit: 8 }, /made with trainLimit = unset, not 8/],
      [{ epochs: 1 }, /it has 2 epochs done, more than --epochs 1/],
      [{ epochs: 3 }, /with --epochs 3 the cosine schedule gives epoch 2 a learning rate of .*, the checkpoint trained it at .* \(keep --epochs 2\)/],
    ] as [Partial<ClassifierRunOptions>, RegExp][]) {
      await assert.rejects(runClassifier(opts(out, { ...o, resume: true }), data), msg, JSON.stringify(o));
    }
    const sgd = fresh();
    await runClassifier(opts(sgd, { optimizer: 'sgd', schedule: 'constant' }), data);
    await assert.rejects(runClassifier(opts(sgd, { optimizer: 'sgd', schedule: 'constant', momentum: 0.5, resume: true }), data), /made with momentum = 0\.9, not 0\.5/);
    const longer = await runClassifier(opts(sgd, { optimizer: 'sgd', schedule: 'constant', epochs: 3, resume: true }), data);
    const straight = await runClassifier(opts(fresh(), { optimizer: 'sgd', schedule: 'constant', epochs: 3 }), data);
    assert.deepEqual(longer.history.map((h) => h.trainLoss), straight.history.map((h) => h.trainLoss));
    assert.equal(longer.testLoss, straight.testLoss);
  });
});

describe('evaluation of saved runs', () => {
  test('missing model, wrong kind, another dataset, a corrupt or inconsistent results.json: clear errors naming the problem', async () => {
    const out = fresh();
    await runClassifier(opts(out), data);
    assert.throws(() => readTrainedRecord(join(base, 'nope'), 'classifier'), /--model .*nope: no such directory/);
    const empty = fresh();
    mkdirSync(empty);
    assert.throws(() => readTrainedRecord(empty, 'classifier'), /no saved model in .*: model\.json is missing/);
    assert.throws(() => readTrainedRecord(out, 'segmentation'), /holds a classifier model \(made by liftpool train\); evaluate it with liftpool eval/);
    const rec = readTrainedRecord(out, 'classifier');
    assert.throws(() => evalDataset(out, rec, 'fashion-mnist'), /was trained on mnist \(results\.json\); refusing to score it on --dataset fashion-mnist/);
    assert.equal(evalDataset(out, rec, undefined), 'mnist');
    const w = readFileSync(join(out, 'weights.bin'));
    writeFileSync(join(out, 'weights.bin'), w.subarray(0, w.length - 4));
    assert.throws(() => readTrainedRecord(out, 'classifier'), /inconsistent .*weights\.bin does not match the record \(\d+ bytes/);
    writeFileSync(join(out, 'results.json'), '{"dataset": ');
    assert.throws(() => readTrainedRecord(out, 'classifier'), /results\.json is not valid JSON/);
  });
});

test('the printed resume command: the same arguments, --resume added once, --force dropped, quoted for a shell', () => {
  assert.equal(resumeCommand(['train', '--out', 'runs/a b', '--force']), "liftpool train --out 'runs/a b' --resume");
  assert.equal(resumeCommand(['segment', 'train', '--resume']), 'liftpool segment train --resume');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(tf.memory().numTensors >= 0, true);
});
