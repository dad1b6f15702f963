import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  liftDown2d, liftUp2d, liftDown1d, liftUp1d, liftPyramidDown, liftPyramidUp, initLiftWeights2d,
  splitEvenOdd, mergeEvenOdd, PAD_MODES, WAVELETS, type Lift2dResult,
} from '../src/index.js';
import { maxAbs, maxAbsDiff, randomWeights2d, randomStep } from './helpers.js';

const SHAPES: [number, number, number, number][] = [[2, 8, 8, 3], [1, 7, 9, 4], [3, 2, 2, 5], [1, 1, 6, 2]];
const TOL = 1e-5;

function assertRoundTrip(x: tf.Tensor4D, y: tf.Tensor4D, label: string): void {
  assert.deepEqual(y.shape, x.shape, `${label}: shape`);
  const err = maxAbsDiff(x, y);
  const bound = TOL * maxAbs(x);
  assert.ok(err <= bound, `${label}: max abs error ${err} > ${bound}`);
}

describe('split/merge', () => {
  test('split takes even and odd samples and merge interleaves them back', () => {
    const x = tf.tensor4d(Array.from({ length: 24 }, (_, i) => i), [1, 4, 3, 2]);
    const h = splitEvenOdd(x, 'height');
    assert.deepEqual(Array.from(h.even.dataSync()), [0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(Array.from(h.odd.dataSync()), [6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23]);
    assert.deepEqual(Array.from(mergeEvenOdd(h.even, h.odd, 'height').dataSync()), Array.from(x.dataSync()));
    const y = tf.tensor4d(Array.from({ length: 8 }, (_, i) => i), [1, 1, 4, 2]);
    const w = splitEvenOdd(y, 'width');
    assert.deepEqual(Array.from(w.even.dataSync()), [0, 1, 4, 5]);
    assert.deepEqual(Array.from(w.odd.dataSync()), [2, 3, 6, 7]);
    assert.deepEqual(Array.from(mergeEvenOdd(w.even, w.odd, 'width').dataSync()), Array.from(y.dataSync()));
  });
});

describe('2D perfect reconstruction, learned weights', () => {
  for (const shape of SHAPES) {
    for (const padMode of PAD_MODES) {
      test(`shape [${shape}] pad ${padMode}`, () => {
        tf.tidy(() => {
          const x = tf.randomNormal(shape, 0, 2, 'float32', 7) as tf.Tensor4D;
          const w = randomWeights2d(shape[3], 5, 11);
          const r = liftDown2d(x, w, { padMode });
          assert.deepEqual(r.ll.shape, [shape[0], Math.ceil(shape[1] / 2), Math.ceil(shape[2] / 2), shape[3]]);
          assert.deepEqual(r.size, [shape[1], shape[2]]);
          assertRoundTrip(x, liftUp2d(r, w, { padMode }), `[${shape}] ${padMode}`);
        });
      });
    }
  }
  test('separate vertical weights for the L and H branches, kernel sizes 1, 3, 7', () => {
    tf.tidy(() => {
      for (const k of [1, 3, 7]) {
        const x = tf.randomNormal([2, 6, 10, 3], 0, 1, 'float32', k) as tf.Tensor4D;
        const w = randomWeights2d(3, k, 5, true);
        const r = liftDown2d(x, w);
        assertRoundTrip(x, liftUp2d(r, w), `separate K=${k}`);
        // Separate weights really change the H branch compared with sharing.
        const shared = liftDown2d(x, { horizontal: w.horizontal, vertical: w.vertical });
        assert.ok(maxAbsDiff(shared.hh, r.hh) > 1e-3, 'verticalHigh is used for the H branch');
        assert.ok(maxAbsDiff(shared.ll, r.ll) === 0, 'L branch is unchanged');
      }
    });
  });
  test('freshly initialised weights (initLiftWeights2d) are seed-deterministic and invertible', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 9, 9, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
      const a = initLiftWeights2d(4, 5, { seed: 9 });
      const b = initLiftWeights2d(4, 5, { seed: 9 });
      const c = initLiftWeights2d(4, 5, { seed: 10 });
      assert.equal(maxAbsDiff(a.horizontal.predict.depthwiseKernel, b.horizontal.predict.depthwiseKernel), 0);
      assert.ok(maxAbsDiff(a.horizontal.predict.depthwiseKernel, c.horizontal.predict.depthwiseKernel) > 0);
      assertRoundTrip(x, liftUp2d(liftDown2d(x, a), a), 'init');
    });
  });
});

describe('2D perfect reconstruction, classical wavelets', () => {
  for (const wavelet of WAVELETS) {
    for (const shape of SHAPES) {
      test(`${wavelet} [${shape}]`, () => {
        tf.tidy(() => {
          const x = tf.randomNormal(shape, 0, 1, 'float32', 1) as tf.Tensor4D;
          assertRoundTrip(x, liftUp2d(liftDown2d(x, wavelet), wavelet), `${wavelet} [${shape}]`);
        });
      });
    }
  }
});

describe('1D perfect reconstruction', () => {
  for (const axis of ['width', 'height'] as const) {
    for (const len of [1, 2, 5, 8]) {
      test(`axis ${axis}, length ${len}: learned (every pad mode) and wavelets`, () => {
        tf.tidy(() => {
          const shape: [number, number, number, number] = axis === 'width' ? [2, 3, len, 4] : [2, len, 3, 4];
          const x = tf.randomNormal(shape, 0, 1, 'float32', len) as tf.Tensor4D;
          for (const padMode of PAD_MODES) {
            const w = randomStep(4, 5, axis, 3);
            const r = liftDown1d(x, w, { axis, padMode });
            assert.equal(r.length, len);
            assertRoundTrip(x, liftUp1d(r, w, { axis, padMode }), `1d ${axis} ${padMode}`);
          }
          for (const wavelet of WAVELETS) {
            const r = liftDown1d(x, wavelet, { axis });
            assertRoundTrip(x, liftUp1d(r, wavelet, { axis }), `1d ${axis} ${wavelet}`);
          }
        });
      });
    }
  }
});

describe('3-level pyramid', () => {
  test('learned (shared and per-level weights) and every wavelet invert exactly', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 20, 13, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const shared = randomWeights2d(3, 3, 8);
      const perLevel = [randomWeights2d(3, 3, 1), randomWeights2d(3, 5, 2), randomWeights2d(3, 3, 3, true)];
      for (const spec of [shared, perLevel, ...WAVELETS]) {
        const pyr = liftPyramidDown(x, spec, 3);
        assert.deepEqual(pyr.ll.shape, [2, 3, 2, 3]);
        assert.deepEqual(pyr.details.map((d) => d.size), [[20, 13], [10, 7], [5, 4]]);
        assertRoundTrip(x, liftPyramidUp(pyr, spec), `pyramid ${typeof spec === 'string' ? spec : 'learned'}`);
      }
    });
  });
});

describe('constraint losses', () => {
  test('lossU and lossP equal the hand-computed L2 norms of one learned 1D step', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 4, 6, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const w = randomStep(3, 3, 'width', 4);
      const r = liftDown1d(x, w, { axis: 'width' });
      const { odd } = splitEvenOdd(x, 'width');
      const u = Math.sqrt(tf.sum(tf.square(tf.sub(r.s, odd))).dataSync()[0]);
      const p = Math.sqrt(tf.sum(tf.square(r.d)).dataSync()[0]);
      assert.ok(Math.abs(r.lossU.dataSync()[0] - u) < 1e-4 * u);
      assert.ok(Math.abs(r.lossP.dataSync()[0] - p) < 1e-4 * p);
    });
  });
  test('2D losses are the sum over the three steps, whether or not the vertical branches are batched', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
      const w = randomWeights2d(2, 3, 6);
      const shared: Lift2dResult = liftDown2d(x, w);
      // Same weights given as "separate" (identical tensors) take the unbatched path.
      const separate = liftDown2d(x, { ...w, verticalHigh: w.vertical });
      assert.ok(Math.abs(shared.lossU.dataSync()[0] - separate.lossU.dataSync()[0]) < 1e-4);
      assert.ok(Math.abs(shared.lossP.dataSync()[0] - separate.lossP.dataSync()[0]) < 1e-4);
      const h = liftDown1d(x, w.horizontal, { axis: 'width' });
      const vl = liftDown1d(h.s, w.vertical, { axis: 'height' });
      const vh = liftDown1d(h.d, w.vertical, { axis: 'height' });
      const expectU = h.lossU.dataSync()[0] + vl.lossU.dataSync()[0] + vh.lossU.dataSync()[0];
      assert.ok(Math.abs(shared.lossU.dataSync()[0] - expectU) < 1e-4 * expectU);
      assert.equal(liftDown2d(x, w, { losses: false }).lossU.dataSync()[0], 0);
    });
  });
});

describe('weights as a flat tensor list', () => {
  test('liftWeightTensors / liftWeightsFromTensors round trip in the documented order', async () => {
    const { liftWeightTensors, liftWeightsFromTensors } = await import('../src/index.js');
    const { weightEntries } = await import('./helpers.js');
    for (const separate of [false, true]) {
      const w = randomWeights2d(2, 3, 4, separate);
      const flat = liftWeightTensors(w);
      assert.equal(flat.length, separate ? 24 : 16);
      assert.deepEqual(flat, weightEntries(w).map(([, t]) => t), 'horizontal, vertical, verticalHigh; predict, update; dk, db, pk, pb');
      assert.deepEqual(liftWeightsFromTensors(w, flat), w);
      assert.throws(() => liftWeightsFromTensors(w, flat.slice(1)), /expected (16|24) tensors/);
    }
  });
});
