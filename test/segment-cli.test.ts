import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { useBestBackend } from '../src/backend/index.js';
import { loadScenes } from '../src/data/scenes-load.js';
import type { SceneSet } from '../src/data/scenes.js';
import { buildSegNet, DOWN_UP_NAMES } from '../src/models/index.js';
import { LiftDownPool2D, LiftUpPool2D } from '../src/layers/index.js';
import { trainSegmentation, evaluateSegmentation } from '../src/train/segmentation.js';
import { runSegmentation, segmentCommand, sceneOptionsFor, type SegmentRunOptions } from '../src/cli/commands/segment.js';

// Tiny scenes (16×16 canvases, items scaled to match) keep every training step cheap.
const SIZE = 16;
let train: SceneSet;
let test_: SceneSet;
let dir: string;

before(async () => {
  assert.equal(await useBestBackend('wasm'), 'wasm');
  train = await loadScenes('mnist', 'train', 2, 0, sceneOptionsFor(SIZE));
  test_ = await loadScenes('mnist', 'test', 2, 1000, sceneOptionsFor(SIZE));
  dir = mkdtempSync(join(tmpdir(), 'liftpool-segment-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const base: SegmentRunOptions = {
  dataset: 'mnist', downUp: 'lift-liftup', epochs: 1, batchSize: 2, lr: 1e-3, schedule: 'cosine', seed: 0, width: 0.125, depth: 3,
  sceneSize: SIZE, trainScenes: 2, testScenes: 2, lambdaU: 1e-4, lambdaP: 1e-3, quiet: true, command: 'test',
};

describe('segmentation training', () => {
  test('every down/up variant trains a few steps and reports the metrics, without leaking tensors', async () => {
    for (const downUp of DOWN_UP_NAMES) {
      const before = tf.memory().numTensors;
      const r = await runSegmentation({ ...base, downUp }, { train, test: test_ });
      assert.equal(tf.memory().numTensors, before, `${downUp}: no leaked tensors`);
      assert.equal(r.downUp, downUp);
      assert.equal(r.trainScenes, 2);
      assert.equal(r.testScenes, 2);
      assert.equal(r.history.length, 1);
      const h = r.history[0];
      assert.ok(Number.isFinite(h.trainLoss) && h.trainLoss > 0, `${downUp}: train loss ${h.trainLoss}`);
      assert.ok(h.trainConstraintLoss >= 0);
      assert.equal(h.trainConstraintLoss > 0, downUp === 'lift-liftup', `${downUp}: constraint loss only with LiftPool`);
      for (const v of [r.mIoU, r.mIoUNoBackground, r.pixelAccuracy]) assert.ok(v >= 0 && v <= 1, `${downUp}: metric ${v}`);
      assert.equal(r.perClassIoU.length, 11);
      assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), 2 * SIZE * SIZE);
      assert.ok(r.params > 0 && r.trainSeconds > 0 && r.imagesPerSecond > 0);
    }
  });

  test('same seed ⇒ the same run; the epoch order and initialisation follow the seed', async () => {
    const run = async (seed: number) => (await runSegmentation({ ...base, downUp: 'max-bilinear', seed }, { train, test: test_ })).history[0].trainLoss;
    const a = await run(3);
    assert.equal(await run(3), a);
    assert.notEqual(await run(4), a);
  });

  test('a model that outputs softmax probabilities trains and evaluates too; bad options are refused', async () => {
    const model = buildSegNet({ downUp: 'max-bilinear', inputShape: [SIZE, SIZE, 1], width: 0.125, seed: 0 });
    const r = await trainSegmentation(model, train, { epochs: 1, batchSize: 2, lr: 1e-3, seed: 0, test: test_ });
    assert.ok(Number.isFinite(r.history[0].trainLoss) && Number.isFinite(r.final!.loss));
    assert.equal(r.final!.predictions!.length, 2 * SIZE * SIZE);
    const ev = evaluateSegmentation(model, test_, { batchSize: 1 });
    assert.equal(ev.mIoU, r.final!.mIoU, 'evaluation does not depend on the batch size');
    await assert.rejects(trainSegmentation(model, train, { epochs: 0, batchSize: 4, lr: 1e-3, seed: 0 }), /epochs must be a positive integer/);
    const wrong = await loadScenes('mnist', 'train', 2, 0, sceneOptionsFor(32));
    await assert.rejects(trainSegmentation(model, wrong, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 0 }), /does not match scenes/);
    model.dispose();
  });
});

describe('segment train --resume', () => {
  test('1 epoch, then resumed to 2, equals 2 epochs straight; mismatched options and a missing checkpoint are refused', async () => {
    const before = tf.memory().numTensors;
    const opts = { ...base, downUp: 'lift-liftup' as const };
    const straight = await runSegmentation({ ...opts, epochs: 2, out: join(dir, 'straight') }, { train, test: test_ });
    const rdir = join(dir, 'resumed');
    await runSegmentation({ ...opts, epochs: 1, out: rdir }, { train, test: test_ });
    assert.ok(existsSync(join(rdir, 'checkpoint', 'state.json')));
    const resumed = await runSegmentation({ ...opts, epochs: 2, out: rdir, resume: true }, { train, test: test_ });
    assert.equal(resumed.history.length, 2);
    assert.deepEqual(resumed.history.map((h) => h.trainLoss), straight.history.map((h) => h.trainLoss));
    assert.equal(resumed.testLoss, straight.testLoss);
    assert.equal(resumed.mIoU, straight.mIoU);
    // Everything already done: no training, the final evaluation still runs.
    const again = await runSegmentation({ ...opts, epochs: 2, out: rdir, resume: true }, { train, test: test_ });
    assert.equal(again.testLoss, straight.testLoss);
    await assert.rejects(runSegmentation({ ...opts, epochs: 3, lr: 2e-3, out: rdir, resume: true }, { train, test: test_ }), /was made with lr = 0\.001, not 0\.002/);
    await assert.rejects(runSegmentation({ ...opts, epochs: 2, out: join(dir, 'none'), resume: true }, { train, test: test_ }), /no checkpoint in/);
    await assert.rejects(runSegmentation({ ...opts, epochs: 2, resume: true }, { train, test: test_ }), /--resume needs --out/);
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  });
});

describe('lift+liftup SegNet: the pairing is exact', () => {
  test('with an identity decoder path, each decoder LiftUpPool2D reproduces its encoder stage input', () => {
    const model = buildSegNet({ downUp: 'lift-liftup', width: 0.125, depth: 3, seed: 5 });
    const downs = model.layers.filter((l): l is LiftDownPool2D => l instanceof LiftDownPool2D);
    assert.equal(downs.length, 3);
    for (const down of downs) {
      const up = model.layers.find((l): l is LiftUpPool2D => l instanceof LiftUpPool2D && l.pairedLayer === down);
      assert.ok(up, `${down.name} has a decoder partner`);
      const [, h, w, c] = (down.input as tf.SymbolicTensor).shape as number[];
      const err = tf.tidy(() => {
        const x = tf.randomNormal([2, h, w, c], 0, 1, 'float32', 7);
        const [pooled, lh, hl, hh] = down.apply(x) as tf.Tensor[];
        const back = up.apply([pooled, lh, hl, hh]) as tf.Tensor; // decoder path = identity
        assert.deepEqual(back.shape, x.shape);
        return tf.max(tf.abs(tf.sub(back, x))).dataSync()[0];
      });
      assert.ok(err < 1e-4, `${down.name} → ${up.name}: max error ${err}`);
    }
    model.dispose();
  });
});

describe('liftpool segment (in-process)', () => {
  const cli = (args: string[]) => {
    const group = segmentCommand().exitOverride();
    for (const c of group.commands) c.exitOverride(); // throw instead of process.exit
    return group.parseAsync(args, { from: 'user' });
  };

  test('train writes the model, results.json and predictions.png; eval reproduces the mIoU; sheet writes a PNG', async () => {
    const out = join(dir, 'run');
    const log = console.log;
    const lines: string[] = [];
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await cli(['train', '--down-up', 'max-maxunpool', '--scene-size', String(SIZE), '--train-scenes', '4', '--test-scenes', '3', '--batch-size', '2',
        '--epochs', '2', '--width', '0.125', '--seed', '1', '--backend', 'wasm', '--out', out, '--quiet']);
      for (const f of ['model.json', 'weights.bin', 'results.json', 'predictions.png']) assert.ok(existsSync(join(out, f)), f);
      const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      for (const key of ['dataset', 'downUp', 'seed', 'epochs', 'trainScenes', 'testScenes', 'mIoU', 'mIoUNoBackground', 'pixelAccuracy', 'perClassIoU',
        'params', 'trainSeconds', 'imagesPerSecond', 'backend', 'liftpoolVersion', 'command', 'history']) {
        assert.ok(key in res, `results.json has ${key}`);
      }
      assert.equal(res.dataset, 'mnist');
      assert.equal(res.downUp, 'max-maxunpool');
      assert.equal(res.epochs, 2);
      assert.equal(res.history.length, 2);
      assert.equal(res.backend, 'wasm');
      assert.equal(res.sceneSize, SIZE);
      assert.deepEqual(readFileSync(join(out, 'predictions.png')).subarray(1, 4).toString(), 'PNG');

      await cli(['eval', '--model', out, '--backend', 'wasm']);
      const ev = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
      assert.equal(ev.testScenes, 3);
      assert.equal(ev.mIoU, res.mIoU, 'eval reproduces the saved model mIoU');
      assert.equal(ev.mIoUNoBackground, res.mIoUNoBackground);
      assert.deepEqual(ev.perClassIoU, res.perClassIoU);

      const png = join(dir, 'sheet.png');
      await cli(['sheet', '--dataset', 'mnist', '--count', '2', '--out', png]);
      assert.deepEqual(readFileSync(png).subarray(1, 4).toString(), 'PNG');
    } finally {
      console.log = log;
    }
    assert.ok(lines.some((l) => /mIoU/.test(l)));
  });

  test('bad arguments give a clear error', async () => {
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write; // keep commander's message out of the test output
    try {
      await assert.rejects(cli(['train', '--down-up', 'avg-nearest']), /argument 'avg-nearest' is invalid\. expected one of max-maxunpool/);
      await assert.rejects(cli(['train', '--epochs', '0']), /expected an integer >= 1/);
      await assert.rejects(cli(['eval']), /required option '--model <dir>'/);
    } finally {
      process.stderr.write = err;
    }
  });
});
