/**
 * The schedule's learning rate reaches the update for every optimizer: Adam reads `learningRate`,
 * SGD/momentum keep `−lr` as a tensor that only `setLearningRate` replaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer, setLearningRate, type OptimizerName } from '../src/train/optimizer-state.js';

await tf.setBackend('cpu');

/** How far one step with gradient 1 moves a variable that starts at 0, at learning rate `lr`. */
function stepSize(name: OptimizerName, lr: number): number {
  const v = tf.variable(tf.scalar(0));
  const opt = makeOptimizer(name, 1, 0);
  setLearningRate(opt, lr);
  opt.minimize(() => tf.mul(v, 1) as tf.Scalar);
  const moved = Math.abs(v.dataSync()[0]);
  opt.dispose();
  v.dispose();
  return moved;
}

for (const name of ['adam', 'sgd'] as const) {
  test(`setLearningRate changes the ${name} update`, () => {
    const big = stepSize(name, 0.5);
    const small = stepSize(name, 0.05);
    assert.ok(Math.abs(big - 0.5) < 1e-4, `lr 0.5 moved ${big}`);
    assert.ok(Math.abs(small - 0.05) < 1e-5, `lr 0.05 moved ${small}`);
    assert.equal(stepSize(name, 0), 0);
  });

  test(`setLearningRate on ${name} holds no extra tensors`, () => {
    const opt = makeOptimizer(name, 0.1, 0.9);
    setLearningRate(opt, 0.2);
    const before = tf.memory().numTensors;
    for (const lr of [0.3, 0.01, 0]) setLearningRate(opt, lr);
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
  });
}

test('setLearningRate refuses a negative or non-finite rate', () => {
  const opt = makeOptimizer('sgd', 0.1, 0.9);
  assert.throws(() => setLearningRate(opt, -1), /expected a finite learning rate >= 0, got -1/);
  assert.throws(() => setLearningRate(opt, Number.NaN), /got NaN/);
  opt.dispose();
});
