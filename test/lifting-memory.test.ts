import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { liftDown2d, liftUp2d, liftDown1d, liftUp1d, liftPyramidDown, liftPyramidUp, WAVELETS, disposeLiftWeights } from '../src/index.js';
import { randomWeights2d, weightEntries } from './helpers.js';

test('forward + backward inside tidy leaves no tensors behind', () => {
  const w = randomWeights2d(3, 5, 1, true);
  const x = tf.randomNormal([2, 7, 9, 3]) as tf.Tensor4D;
  const vars = weightEntries(w).map(([, t]) => t);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    tf.tidy(() => {
      const g = tf.grads((...xs: tf.Tensor[]) => {
        const r = liftDown2d(xs[0] as tf.Tensor4D, w);
        const y = liftUp2d(r, w);
        return tf.addN([tf.sum(tf.square(y)), r.lossU, r.lossP, tf.sum(r.ll)]) as tf.Scalar;
      })([x, ...vars]);
      assert.equal(g.length, vars.length + 1);
    });
  }
  assert.equal(tf.memory().numTensors, before, 'tensor count after learned forward/backward');
  tf.tidy(() => {
    for (const wv of WAVELETS) {
      tf.grad((z: tf.Tensor) => {
        const p = liftPyramidDown(z as tf.Tensor4D, wv, 2);
        return tf.sum(liftPyramidUp(p, wv)) as tf.Scalar;
      })(x);
      const r1 = liftDown1d(x, wv, { axis: 'height' });
      liftUp1d(r1, wv, { axis: 'height' });
    }
  });
  assert.equal(tf.memory().numTensors, before, 'tensor count after wavelet forward/backward');
  tf.dispose(x);
  disposeLiftWeights(w);
});

test('ops called outside tidy return only their results (no intermediate tensors leak)', () => {
  const w = randomWeights2d(2, 3, 2);
  const x = tf.randomNormal([1, 5, 6, 2]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const r = liftDown2d(x, w);
  assert.equal(tf.memory().numTensors, before + 6, 'll, lh, hl, hh, lossU, lossP');
  const y = liftUp2d(r, w);
  assert.equal(tf.memory().numTensors, before + 7);
  tf.dispose([r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP, y]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(x);
  disposeLiftWeights(w);
});
