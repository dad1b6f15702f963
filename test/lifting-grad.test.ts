import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { liftDown2d, liftUp2d, liftWeightsFromTensors, type PadMode } from '../src/index.js';
import { randomWeights2d, weightEntries, checkGrads } from './helpers.js';


describe('gradients of liftDown2d (finite differences)', () => {
  for (const [padMode, separate] of [['reflect', false], ['zero', true], ['symmetric', false], ['edge', true]] as [PadMode, boolean][]) {
    test(`input and every weight tensor (paper constraint form: its gradient reaches x), pad ${padMode}${separate ? ', separate vertical' : ''}`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 21);
        const w = randomWeights2d(3, 3, 31, separate);
        const entries = weightEntries(w);
        const r = [0, 1, 2, 3].map((i) => tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 40 + i));
        const loss = (...xs: tf.Tensor[]): tf.Scalar => {
          const ww = liftWeightsFromTensors(w, xs.slice(1));
          const out = liftDown2d(xs[0] as tf.Tensor4D, ww, { padMode, constraint: 'paper' });
          const task = tf.addN([out.ll, out.lh, out.hl, out.hh].map((b, i) => tf.sum(tf.mul(b, r[i]))));
          return tf.add(task, tf.add(tf.mul(out.lossU, 0.5), tf.mul(out.lossP, 0.3))) as tf.Scalar;
        };
        checkGrads(loss, [x, ...entries.map((e) => e[1])], ['x', ...entries.map((e) => e[0])]);
      });
    });
  }
});

describe('gradients of liftUp2d (finite differences)', () => {
  test('bands and weights', () => {
    tf.tidy(() => {
      const bands = [0, 1, 2, 3].map((i) => tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 60 + i));
      const w = randomWeights2d(2, 3, 71);
      const entries = weightEntries(w);
      const r = tf.randomNormal([1, 5, 6, 2], 0, 1, 'float32', 80);
      const loss = (...xs: tf.Tensor[]): tf.Scalar => {
        const ww = liftWeightsFromTensors(w, xs.slice(4));
        const [ll, lh, hl, hh] = xs.slice(0, 4) as tf.Tensor4D[];
        return tf.sum(tf.mul(liftUp2d({ ll, lh, hl, hh, size: [5, 6] }, ww), r)) as tf.Scalar;
      };
      checkGrads(loss, [...bands, ...entries.map((e) => e[1])], ['ll', 'lh', 'hl', 'hh', ...entries.map((e) => e[0])], 3);
    });
  });
});

describe('constraint-loss norms (hand-written gradient)', () => {
  test('l2Norm and l2NormPerChunk: values, gradient t/‖t‖ per chunk, finite differences, finite at 0', async () => {
    const { l2Norm, l2NormPerChunk } = await import('../src/lifting/losses.js');
    const t = tf.tensor4d([3, -4, 1, 2, 0.5, -1, 2, 2], [2, 1, 2, 2]);
    assert.ok(Math.abs(l2Norm(t).dataSync()[0] - Math.hypot(3, -4, 1, 2, 0.5, -1, 2, 2)) < 1e-5);
    const perChunk = l2NormPerChunk(t, 2).dataSync()[0];
    assert.ok(Math.abs(perChunk - (Math.hypot(3, -4, 1, 2) + Math.hypot(0.5, -1, 2, 2))) < 1e-5);
    const g = tf.grad((x: tf.Tensor) => l2NormPerChunk(x as tf.Tensor4D, 2))(t).dataSync();
    const n0 = Math.hypot(3, -4, 1, 2);
    const n1 = Math.hypot(0.5, -1, 2, 2);
    const expected = [3 / n0, -4 / n0, 1 / n0, 2 / n0, 0.5 / n1, -1 / n1, 2 / n1, 2 / n1];
    expected.forEach((e, i) => assert.ok(Math.abs(g[i] - e) < 1e-5, `grad[${i}] ${g[i]} vs ${e}`));
    checkGrads((x) => tf.add(l2Norm(x), tf.mul(l2NormPerChunk(x as tf.Tensor4D, 2), 0.5)) as tf.Scalar, [t], ['t'], 8);
    const gz = tf.grad((x: tf.Tensor) => l2Norm(x))(tf.zeros([2, 3])).dataSync();
    assert.ok(Array.from(gz).every((v) => v === 0), 'gradient at 0 is 0, not NaN');
    tf.dispose(t);
  });
});
