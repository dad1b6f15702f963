import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend/index.js';
import { loadDataset, subsetBalanced } from '../src/data/index.js';
import { buildClassifier } from '../src/models/index.js';
import { trainClassifier } from '../src/train/index.js';

// The BN-free tiny CNN is where the paper's absolute constraint norms collapsed training (README,
// "Constraint losses"). With the default constraint form and weights, 300 Adam steps on real MNIST
// digits must learn: well above the 10% of chance, and deterministic for the seed.
test('BN-free tiny CNN with LiftPool defaults: 300 steps on real MNIST learn (> 60% test accuracy), deterministically, with diagnostics', async () => {
  await useBestBackend('wasm');
  const train = subsetBalanced(await loadDataset('mnist', 'train'), 2400, 0);
  const test = subsetBalanced(await loadDataset('mnist', 'test'), 500, 0);
  const run = async () => {
    const model = buildClassifier('tiny', { pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, width: 1, seed: 1 });
    const before = tf.memory().numTensors;
    const r = await trainClassifier(model, train, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 1, test, schedule: 'cosine', diagnostics: { every: 150, probeSize: 64 } });
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    model.dispose();
    return r;
  };
  const a = await run();
  const h = a.history[0];
  assert.ok(h.testAccuracy! > 0.6, `test accuracy ${h.testAccuracy}`);
  assert.ok(h.trainConstraintLoss! > 0 && h.trainConstraintLoss! < h.trainLoss, `constraint part ${h.trainConstraintLoss} of ${h.trainLoss}`);
  assert.deepEqual(h.diagnostics!.map((d) => d.step), [150, 300]);
  const lift = h.diagnostics![1].pools.filter((p) => p.kind === 'LiftDownPool2D');
  assert.equal(lift.length, 2);
  for (const p of lift) {
    assert.ok(p.inputRms > 0 && p.zeroFraction < 0.95 && p.paperU! > 0 && p.relativeP! > 0, JSON.stringify(p));
  }
  const b = await run();
  assert.equal(b.history[0].testAccuracy, h.testAccuracy);
  assert.equal(b.history[0].trainLoss, h.trainLoss);
});
