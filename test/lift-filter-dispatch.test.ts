/**
 * The LiftPool filter's dispatch (src/backend/lift-filter-dispatch.ts): the lifting core runs the
 * backend's own kernels only where the backend's gate allows them, and its one path on standard
 * ops reads nothing back to the CPU (what WebGL/WebGPU need inside a backward).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBestBackend } from '../src/backend/index.js';
import { liftFilterKernels, setLiftFilterKernelGate } from '../src/backend/lift-filter-dispatch.js';
import { liftFilterKernelsUsable } from '../src/backend/wasm-kernels.js';
import { liftDown2d, liftUp2d, liftWeightsFromTensors, PAD_MODES } from '../src/lifting/index.js';
import { randomWeights2d, weightEntries } from './helpers.js';

/** Values and gradients of a down/up round trip with every weight (stays on the device). */
function downUpGrads(padMode: (typeof PAD_MODES)[number]): tf.Tensor[] {
  const x = tf.randomNormal([2, 7, 6, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = randomWeights2d(4, 5, 9);
  const ws = weightEntries(w).map(([, t]) => t);
  const f = (xi: tf.Tensor, ...wi: tf.Tensor[]): tf.Scalar => {
    const ww = liftWeightsFromTensors(w, wi);
    const r = liftDown2d(xi as tf.Tensor4D, ww, { padMode });
    const y = liftUp2d({ ...r, ll: tf.mul(r.ll, 1.5) as tf.Tensor4D }, ww, { padMode });
    return tf.addN([tf.sum(tf.square(y)), r.lossU, r.lossP]) as tf.Scalar;
  };
  return [f(x, ...ws), ...tf.grads(f)([x, ...ws])];
}

after(async () => {
  setLiftFilterKernelGate('wasm', liftFilterKernelsUsable);
  await useBestBackend('cpu');
});

describe('LiftPool filter dispatch', () => {
  test('the path on standard ops reads nothing back inside forward or backward (every pad mode)', async () => {
    await useBestBackend('cpu');
    assert.equal(liftFilterKernels(), false, 'cpu has no filter kernels');
    // Every read-back by user code (dataSync, data, array, …) goes through the engine; the cpu
    // backend's kernels read their own inputs directly, which a GPU backend never does.
    const backend = tf.engine() as unknown as { readSync: unknown; read: unknown };
    const { readSync, read } = backend;
    let reads = 0;
    const n0 = tf.memory().numTensors;
    const outs: tf.Tensor[] = [];
    backend.readSync = () => { reads++; throw new Error('read back inside the LiftPool filter'); };
    backend.read = () => { reads++; throw new Error('read back inside the LiftPool filter'); };
    try {
      for (const mode of PAD_MODES) outs.push(...tf.tidy(() => downUpGrads(mode)));
    } finally {
      backend.readSync = readSync;
      backend.read = read;
    }
    assert.equal(reads, 0);
    assert.ok(outs.every((t) => Array.from(t.dataSync()).every(Number.isFinite)));
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, n0);
  });

  test('on wasm the kernels run where the gate allows them; a closed gate gives the same values on standard ops', async () => {
    await useBestBackend('wasm');
    assert.equal(liftFilterKernels(), true);
    const n0 = tf.memory().numTensors;
    const withKernels = tf.tidy(() => downUpGrads('reflect'));
    setLiftFilterKernelGate('wasm', () => false);
    try {
      assert.equal(liftFilterKernels(), false);
      const without = tf.tidy(() => downUpGrads('reflect'));
      assert.equal(without.length, withKernels.length);
      for (let i = 0; i < without.length; i++) {
        const a = without[i].dataSync();
        const b = withKernels[i].dataSync();
        let diff = 0;
        let scale = 1e-3;
        for (let j = 0; j < a.length; j++) {
          diff = Math.max(diff, Math.abs(a[j] - b[j]));
          scale = Math.max(scale, Math.abs(b[j]));
        }
        assert.ok(diff / scale < 2e-5, `output ${i}: relative difference ${diff / scale}`);
      }
      tf.dispose(without);
    } finally {
      setLiftFilterKernelGate('wasm', liftFilterKernelsUsable);
    }
    assert.equal(liftFilterKernels(), true);
    tf.dispose(withKernels);
    assert.equal(tf.memory().numTensors, n0);
  });
});
