import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { liftDown2d, liftUp2d, liftDown1d, liftUp1d, initLiftWeights2d, liftPyramidDown, type LiftWeights2d, type PadMode, type WaveletName } from '../src/index.js';
import { randomWeights2d } from './helpers.js';

describe('clear errors on bad input', () => {
  const w3 = randomWeights2d(3, 5, 1);
  const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;

  test('rank other than 4', () => {
    assert.throws(() => liftDown2d(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D, 'haar'), /liftDown2d: x must be rank 4 \(NHWC\), got rank 3/);
    assert.throws(() => liftDown1d(tf.zeros([4]) as unknown as tf.Tensor4D, 'haar', { axis: 'width' }), /rank 4/);
  });
  test('non-float dtype', () => {
    assert.throws(() => liftDown2d(tf.zeros([1, 4, 4, 3], 'int32') as tf.Tensor4D, 'haar'), /must have dtype float32, got int32/);
  });
  test('zero-size axes', () => {
    assert.throws(() => liftDown2d(tf.zeros([1, 0, 4, 3]) as tf.Tensor4D, 'haar'), /zero-size height axis/);
    assert.throws(() => liftDown2d(tf.zeros([1, 4, 4, 0]) as tf.Tensor4D, 'haar'), /zero-size channels axis/);
    assert.throws(() => liftDown2d(tf.zeros([0, 4, 4, 1]) as tf.Tensor4D, 'haar'), /zero-size batch axis/);
  });
  test('channel mismatch between x and weights', () => {
    assert.throws(() => liftDown2d(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, w3), /channel mismatch: input has 2 channels but weights\.horizontal\.predict\.depthwiseKernel has shape \[1,5,3,1\]/);
    const bad: LiftWeights2d = { ...w3, vertical: randomWeights2d(2, 5, 2).vertical };
    assert.throws(() => liftDown2d(x, bad), /weights\.vertical\.predict\.depthwiseKernel/);
  });
  test('kernel oriented for the wrong axis', () => {
    const swapped: LiftWeights2d = { horizontal: w3.vertical, vertical: w3.horizontal };
    assert.throws(() => liftDown2d(x, swapped), /for the width axis must have shape \[1,K,3,1\], got \[5,1,3,1\]/);
  });
  test('wrong pointwise/bias shapes', () => {
    const bad: LiftWeights2d = { ...w3, horizontal: { ...w3.horizontal, update: { ...w3.horizontal.update, pointwiseBias: tf.zeros([2]) as tf.Tensor1D } } };
    assert.throws(() => liftDown2d(x, bad), /weights\.horizontal\.update\.pointwiseBias must have shape \[3\] for 3 input channels, got \[2\]/);
  });
  test('mismatched band shapes in liftUp2d', () => {
    const b = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    assert.throws(() => liftUp2d({ ll: b, lh: b, hl: tf.zeros([1, 2, 3, 3]) as tf.Tensor4D, hh: b }, 'haar'), /band shapes differ: ll is \[1,2,2,3\] but hl is \[1,2,3,3\]/);
    assert.throws(() => liftUp2d({ ll: b, lh: b, hl: b, hh: b, size: [6, 4] }, 'haar'), /size \[6,4\] does not match bands of 2x2/);
    assert.throws(() => liftUp2d({ ll: b, lh: b, hl: b } as never, 'haar'), /band 'hh' is missing/);
    assert.throws(() => liftUp1d({ s: b, d: tf.zeros([1, 2, 1, 3]) as tf.Tensor4D }, 'haar', { axis: 'width' }), /s and d must have the same shape/);
  });
  test('unknown wavelet, pad mode or axis', () => {
    assert.throws(() => liftDown2d(x, 'db4' as WaveletName), /unknown wavelet 'db4'/);
    assert.throws(() => liftDown2d(x, w3, { padMode: 'circular' as PadMode }), /unknown pad mode 'circular'; expected one of reflect, symmetric, edge, zero/);
    assert.throws(() => liftDown1d(x, 'haar', { axis: 'depth' as 'width' }), /unknown axis 'depth'/);
  });
  test('kernel size even or < 1', () => {
    assert.throws(() => initLiftWeights2d(3, 4), /kernel size must be an odd integer >= 1, got 4/);
    assert.throws(() => initLiftWeights2d(3, 0), /kernel size must be an odd integer >= 1, got 0/);
    const even: LiftWeights2d = { ...w3, horizontal: randomWeights2d(3, 4, 3).horizontal };
    assert.throws(() => liftDown2d(x, even), /kernel size must be an odd integer >= 1, got 4/);
  });
  test('bad pyramid levels', () => {
    assert.throws(() => liftPyramidDown(x, 'haar', 0), /levels must be a positive integer, got 0/);
    assert.throws(() => liftPyramidDown(x, [w3, w3], 3), /got 2 weight sets for 3 levels/);
  });
});
