import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { useBestBackend } from '../src/backend/index.js';
import { mulberry32, type Dataset } from '../src/data/index.js';
import { buildClassifier, buildSegNet } from '../src/models/index.js';
import { trainClassifier, TrainingInterrupted, type TrainState, type EpochStats } from '../src/train/index.js';
import { saveCheckpoint, loadCheckpoint } from '../src/train/checkpoint.js';
import { trainSegmentation, type SegEpochStats } from '../src/train/segmentation.js';
import { loadScenes } from '../src/data/scenes-load.js';
import { sceneOptionsFor } from '../src/cli/run-segmentation.js';
import type { SceneSet } from '../src/data/scenes.js';

// Small random 8×8 images keep 450 steps quick; bit-exactness does not need real data.
const SIDE = 8;
let train: Dataset;
before(async () => {
  await useBestBackend('wasm');
  const rng = mulberry32(7);
  const n = 20;
  const images = new Uint8Array(n * SIDE * SIDE).map(() => Math.floor(rng.uniform() * 256));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  train = { name: 'random', images, labels, n, height: SIDE, width: SIDE, channels: 1, numClasses: 10, classNames: Array.from({ length: 10 }, (_, i) => String(i)) };
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const strip = <H extends { seconds: number }>(h: H[]) => h.map(({ seconds: _s, imagesPerSecond: _i, cpuSeconds: _c, ...r }: H & { imagesPerSecond?: number; cpuSeconds?: number }) => r);

// 5 steps per epoch (20 images, batch 4) × 90 epochs = 450 Adam steps; stopped mid-epoch after step STOP.
const EPOCHS = 90;
const STOP = 433;
const model = () => buildClassifier('tiny', { pool: 'lift', inputShape: [SIDE, SIDE, 1], numClasses: 10, width: 0.125, seed: 2 });
const opts = { epochs: EPOCHS, batchSize: 4, lr: 1e-3, seed: 4, schedule: 'cosine' as const, augment: { cropPadding: 1 }, normalize: false };

test(`classification: stopped mid-epoch after ${STOP} Adam steps, saved, loaded and resumed ⇒ bit-identical to an uninterrupted run`, async () => {
  const before = tf.memory().numTensors;
  const straight = model();
  const a = await trainClassifier(straight, train, opts);
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-exact-'));
  try {
    const first = model();
    let steps = 0;
    await assert.rejects(trainClassifier(first, train, {
      ...opts, onBatch: () => steps++, shouldStop: () => steps === STOP,
      onInterrupt: (state) => saveCheckpoint(join(dir, 'ck'), first, state, {}),
    }), TrainingInterrupted);
    first.dispose();
    const ck = await loadCheckpoint<EpochStats>(join(dir, 'ck'));
    assert.equal(ck.state.optimizer!.iterations, STOP);
    assert.equal(ck.state.partial!.batchesDone, STOP % 5);
    // The precondition that makes this test bite: tfjs's setWeights would put pow(β₂, t+1) here, which differs.
    const pow = tf.tidy(() => tf.pow(tf.scalar(0.999), STOP + 1).dataSync()[0]);
    assert.notEqual(ck.state.optimizer!.accBeta![1], pow);
    const b = await trainClassifier(ck.model, train, { ...opts, resume: ck.state });
    assert.deepEqual(strip(b.history), strip(a.history));
    assert.deepEqual(weightsOf(ck.model), weightsOf(straight));
    // Control: the same resume with the powers setWeights recomputes ends elsewhere.
    const ck2 = await loadCheckpoint<EpochStats>(join(dir, 'ck'));
    const opt = ck2.state.optimizer!;
    opt.accBeta = [tf.tidy(() => tf.pow(tf.scalar(0.9), STOP + 1).dataSync()[0]), pow];
    await trainClassifier(ck2.model, train, { ...opts, resume: ck2.state });
    assert.notDeepEqual(weightsOf(ck2.model), weightsOf(straight), 'recomputed beta powers change the result');
    ck.model.dispose();
    ck2.model.dispose();
  } finally {
    straight.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
});

test('segmentation: stopped at an epoch boundary after 408 steps and resumed ⇒ bit-identical; fewer epochs than done is refused', async () => {
  const scenes: SceneSet = await loadScenes('mnist', 'train', 4, 0, sceneOptionsFor(8));
  const seg = () => buildSegNet({ downUp: 'lift-liftup', inputShape: [8, 8, 1], width: 0.0625, depth: 1, seed: 1, activation: 'linear' });
  const so = { epochs: 104, batchSize: 1, lr: 1e-3, seed: 3 };
  const straight = seg();
  const a = await trainSegmentation(straight, scenes, so);
  const first = seg();
  let saved: TrainState<SegEpochStats> | undefined;
  await assert.rejects(trainSegmentation(first, scenes, {
    ...so, onEpoch: (_s, state) => {
      saved = state;
    }, shouldStop: () => (saved?.epochsDone ?? 0) >= 102,
  }), TrainingInterrupted);
  assert.equal(saved!.optimizer!.iterations, 408);
  const b = await trainSegmentation(first, scenes, { ...so, resume: saved });
  assert.deepEqual(strip(b.history), strip(a.history));
  assert.deepEqual(weightsOf(first), weightsOf(straight));
  await assert.rejects(trainSegmentation(first, scenes, { ...so, epochs: 50, resume: saved }), /102 epochs done, more than the 50/);
  first.dispose();
  straight.dispose();
});
