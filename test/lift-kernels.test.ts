/**
 * The fused predict/update filter (src/lifting/fused-filter.ts): agreement with the composite tf-op
 * version for every pad mode (incl. the short-axis fallback) on cpu and wasm, cpu-vs-wasm agreement
 * of liftDown2d/liftUp2d values and gradients, and no tensor leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBestBackend } from '../src/backend/index.js';
import { liftDown2d, liftUp2d, liftWeightsFromTensors, PAD_MODES, type LiftAxis, type LiftWeights2d, type PadMode } from '../src/lifting/index.js';
import { liftFilter, setFusedLiftFilter } from '../src/lifting/filter.js';
import { padIndexMap } from '../src/lifting/fused-filter.js';
import { padAxis } from '../src/lifting/pad.js';
import { randomFilter, randomWeights2d, weightEntries } from './helpers.js';

type Arrays = { shape: number[]; data: Float32Array }[];

function toArrays(ts: tf.Tensor[]): Arrays {
  return ts.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) }));
}

/** Relative difference `max|a−b| / max(max|a|, 1e-3)` per tensor; asserts shapes match. */
function assertClose(a: Arrays, b: Arrays, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: count`);
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(a[i].shape, b[i].shape, `${what}[${i}] shape`);
    let diff = 0;
    let scale = 1e-3;
    for (let j = 0; j < a[i].data.length; j++) {
      diff = Math.max(diff, Math.abs(a[i].data[j] - b[i].data[j]));
      scale = Math.max(scale, Math.abs(a[i].data[j]));
    }
    assert.ok(diff / scale <= tol, `${what}[${i}] [${a[i].shape}]: relative difference ${diff / scale} > ${tol}`);
  }
}

/** A deterministic pseudo-random tensor (identical on every backend). */
function det(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((x, y) => x * y, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    d[i] = (s / 2 ** 32 - 0.5) * 2;
  }
  return tf.tensor(d, shape);
}

/** Weights whose values do not depend on the backend (drawn once, copied as arrays). */
function weightsOnBackend(arrays: Arrays, template: LiftWeights2d): LiftWeights2d {
  return liftWeightsFromTensors(template, arrays.map((a) => tf.tensor(a.data, a.shape)));
}

/** Values and gradients of liftDown2d and liftUp2d on the current backend. */
function downUpWithGrads(xShape: number[], wArrays: Arrays, template: LiftWeights2d, padMode: PadMode): Arrays {
  return tf.tidy(() => {
    const x = det(xShape, 11) as tf.Tensor4D;
    const w = weightsOnBackend(wArrays, template);
    const ws = weightEntries(w).map(([, t]) => t);
    const down = liftDown2d(x, w, { padMode });
    const shapeB = down.ll.shape;
    const probes = [0, 1, 2, 3].map((i) => det(shapeB, 100 + i));
    const lossDown = (xi: tf.Tensor, ...wi: tf.Tensor[]): tf.Scalar => {
      const ww = liftWeightsFromTensors(w, wi);
      const r = liftDown2d(xi as tf.Tensor4D, ww, { padMode });
      const bands = [r.ll, r.lh, r.hl, r.hh];
      return tf.addN([...bands.map((b, i) => tf.sum(tf.mul(b, probes[i]))), tf.mul(r.lossU, 0.3), tf.mul(r.lossP, 0.2)]) as tf.Scalar;
    };
    const gDown = tf.grads(lossDown)([x, ...ws]);
    const probeX = det(xShape, 200);
    const bandsIn = [0, 1, 2, 3].map((i) => det(shapeB, 300 + i));
    const lossUp = (ll: tf.Tensor, lh: tf.Tensor, hl: tf.Tensor, hh: tf.Tensor, ...wi: tf.Tensor[]): tf.Scalar => {
      const y = liftUp2d({ ll: ll as tf.Tensor4D, lh: lh as tf.Tensor4D, hl: hl as tf.Tensor4D, hh: hh as tf.Tensor4D, size: down.size }, liftWeightsFromTensors(w, wi), { padMode });
      return tf.sum(tf.mul(y, probeX)) as tf.Scalar;
    };
    const up = liftUp2d({ ll: bandsIn[0] as tf.Tensor4D, lh: bandsIn[1] as tf.Tensor4D, hl: bandsIn[2] as tf.Tensor4D, hh: bandsIn[3] as tf.Tensor4D, size: down.size }, w, { padMode });
    const gUp = tf.grads(lossUp)([...bandsIn, ...ws]);
    return toArrays([down.ll, down.lh, down.hl, down.hh, down.lossU, down.lossP, ...gDown, up, ...gUp]);
  });
}

/** Filter output and its gradients w.r.t. input and weights, fused or composite. */
function filterWithGrads(fused: boolean, zShape: number[], k: number, axis: LiftAxis, mode: PadMode): Arrays {
  const prev = setFusedLiftFilter(fused);
  try {
    return tf.tidy(() => {
      const z = det(zShape, 5) as tf.Tensor4D;
      const w = randomFilter(zShape[3], k, axis, 21);
      const probe = det(zShape, 6);
      const f = (zi: tf.Tensor, dk: tf.Tensor, db: tf.Tensor, pk: tf.Tensor, pb: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(liftFilter(zi as tf.Tensor4D, { depthwiseKernel: dk as tf.Tensor4D, depthwiseBias: db as tf.Tensor1D, pointwiseKernel: pk as tf.Tensor4D, pointwiseBias: pb as tf.Tensor1D }, axis, mode), probe)) as tf.Scalar;
      const g = tf.grads(f)([z, w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias]);
      return toArrays([liftFilter(z, w, axis, mode), ...g]);
    });
  } finally {
    setFusedLiftFilter(prev);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused lift filter on ${backend}`, () => {
    before(async () => {
      await useBestBackend(backend);
    });

    test('pad index map equals padAxis for every mode, incl. short-axis fallback', () => {
      for (const mode of PAD_MODES) {
        for (const [len, amount] of [[6, 2], [3, 2], [2, 2], [1, 2], [4, 1], [2, 3]]) {
          const idx = padIndexMap(len, amount, mode);
          const got = tf.tidy(() => padAxis(tf.range(1, len + 1).reshape([1, 1, len, 1]) as tf.Tensor4D, 'width', amount, mode).dataSync());
          assert.deepEqual(Array.from(got), Array.from(idx, (s) => (s < 0 ? 0 : s + 1)), `${mode} len ${len} amount ${amount}`);
        }
      }
    });

    test('fused filter = composite filter (values and all gradients), every pad mode and axis', () => {
      const cases: [number[], number][] = [[[2, 6, 5, 3], 5], [[2, 2, 2, 3], 5], [[1, 3, 1, 2], 5], [[1, 4, 3, 2], 3], [[2, 3, 4, 2], 1], [[1, 1, 1, 2], 7]];
      for (const axis of ['width', 'height'] as const) {
        for (const mode of PAD_MODES) {
          for (const [shape, k] of cases) {
            assertClose(filterWithGrads(false, shape, k, axis, mode), filterWithGrads(true, shape, k, axis, mode), 1e-5, `${axis} ${mode} [${shape}] K=${k}`);
          }
        }
      }
    });

    test('no tensor leaks: forward, gradients, inference under tidy', () => {
      const x = det([2, 7, 6, 3], 1) as tf.Tensor4D;
      const w = randomWeights2d(3, 5, 4);
      const ws = weightEntries(w).map(([, t]) => t);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        tf.tidy(() => {
          const r = liftDown2d(x, w);
          liftUp2d(r, w);
        });
        const g = tf.grads((xi: tf.Tensor, ...wi: tf.Tensor[]) => {
          const r = liftDown2d(xi as tf.Tensor4D, liftWeightsFromTensors(w, wi));
          return tf.addN([tf.sum(liftUp2d(r, liftWeightsFromTensors(w, wi))), r.lossU, r.lossP]) as tf.Scalar;
        })([x, ...ws]);
        tf.dispose(g);
      }
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, ...ws]);
    });
  });
}

describe('cpu vs wasm: liftDown2d / liftUp2d values and gradients', () => {
  for (const [shape, k, separate] of [[[2, 6, 7, 3], 5, false], [[1, 2, 3, 2], 5, true], [[2, 8, 8, 4], 3, false]] as [number[], number, boolean][]) {
    for (const padMode of PAD_MODES) {
      test(`[${shape}] K=${k}${separate ? ' separate vertical' : ''} ${padMode}`, async () => {
        await useBestBackend('cpu');
        const template = randomWeights2d(shape[3], k, 7, separate);
        const wArrays = toArrays(weightEntries(template).map(([, t]) => t));
        const onCpu = downUpWithGrads(shape, wArrays, template, padMode);
        await useBestBackend('wasm');
        const onWasm = downUpWithGrads(shape, wArrays, template, padMode);
        assertClose(onCpu, onWasm, 1e-4, `[${shape}] ${padMode}`);
        await useBestBackend('cpu');
        tf.dispose(weightEntries(template).map(([, t]) => t));
      });
    }
  }
});
