import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend/index.js';
import { loadDataset, subsetBalanced } from '../src/data/index.js';
import { buildClassifier } from '../src/models/index.js';
import { trainClassifier } from '../src/train/index.js';

test('same seed ⇒ identical training (losses, accuracies); another seed differs; no leaked tensors', async () => {
  await useBestBackend('wasm');
  const train = subsetBalanced(await loadDataset('mnist', 'train'), 48, 3);
  const test = subsetBalanced(await loadDataset('mnist', 'test'), 30, 0);
  const run = async (seed: number) => {
    const model = buildClassifier('tiny', { pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed });
    const before = tf.memory().numTensors;
    const r = await trainClassifier(model, train, { epochs: 2, batchSize: 16, lr: 1e-3, seed, test, augment: { cropPadding: 2 } });
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind by training and evaluation');
    model.dispose();
    return r.history.map((h) => [h.trainLoss, h.trainAccuracy, h.testLoss, h.testAccuracy]);
  };
  const a = await run(5);
  const b = await run(5);
  const c = await run(6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
