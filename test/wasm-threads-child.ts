/**
 * Child process of test/backend-wasm-threads.test.ts (not a test itself): on the wasm backend with
 * the thread count from LIFTPOOL_WASM_THREADS, prints one JSON line with the LiftPool filter's
 * output and gradients (SIMD and scalar channel paths, both axes), whether the whole-lifting-step
 * kernels run and give liftDown2d gradients bit-equal to the split path, how many LiftPool kernel
 * calls were split between threads (helper threads, src/backend/heap-workers.ts), the error of a chunk
 * made to fail on a helper, and three Adam steps of
 * the tiny LiftPool CNN (losses and final weights). It never calls process.exit: the test checks that the
 * process ends by itself.
 */
import * as tf from '@tensorflow/tfjs';

import { backendInfo, useBestBackend } from '../src/backend/index.js';
import { heapWorkers, heapWorkerStats } from '../src/backend/heap-workers.js';
import { wasmMemory, type WasmBackendLike } from '../src/backend/wasm-module.js';
import { liftStepKernels, setLiftStepKernels } from '../src/backend/lift-filter-dispatch.js';
import { liftFilter } from '../src/lifting/filter.js';
import { liftDown2d, liftWeightsFromTensors, liftWeightTensors } from '../src/lifting/index.js';
import { buildTinyCnn } from '../src/models/index.js';
import { randomFilter, randomWeights2d } from './helpers.js';

await useBestBackend('wasm');
const values: Record<string, number[]> = {};

// A chunk that traps on a helper (an out-of-bounds heap offset) while the calling thread sleeps
// through its own: the call throws with the helper's error, and the helpers stay in service (the
// runs below use them and must still equal one thread).
let helperError = '';
const workers = heapWorkers(wasmMemory(tf.backend() as unknown as WasmBackendLike));
if (workers) {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  try {
    workers.run('lift_backward_fold', Array.from({ length: 8 }, () => [-16, 1, 4, 1, -16, -16, -16, -16]), () => void Atomics.wait(nap, 0, 0, 500));
  } catch (e) {
    helperError = (e as Error).message;
  }
}

// C = 6 on a larger input: split between threads with C not a multiple of 4 (the scalar loops).
for (const [c, axis, n] of [[16, 'width', 4], [3, 'height', 4], [6, 'height', 12]] as const) {
  const shape: [number, number, number, number] = [n, 12, 10, c];
  tf.tidy(() => {
    const z = tf.randomNormal(shape, 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = randomFilter(c, 5, axis, 17);
    const probe = tf.randomNormal(shape, 0, 1, 'float32', 4);
    const f = (zi: tf.Tensor, dk: tf.Tensor, db: tf.Tensor, pk: tf.Tensor, pb: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(liftFilter(zi as tf.Tensor4D, { depthwiseKernel: dk as tf.Tensor4D, depthwiseBias: db as tf.Tensor1D, pointwiseKernel: pk as tf.Tensor4D, pointwiseBias: pb as tf.Tensor1D }, axis, 'reflect'), probe));
    const g = tf.grads(f)([z, w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias]);
    [liftFilter(z, w, axis, 'reflect'), ...g].forEach((t, i) => (values[`filter C=${c} ${axis} #${i}`] = Array.from(t.dataSync())));
  });
}

// The whole-lifting-step kernels against the split path in this process: bit-equal bands and gradients.
const stepKernels = liftStepKernels();
const lift2d = (on: boolean): Uint32Array[] => {
  const prev = setLiftStepKernels(on);
  try {
    const grads = tf.tidy(() => {
      const x = tf.randomNormal([3, 9, 10, 8], 0, 1, 'float32', 5) as tf.Tensor4D;
      const w = randomWeights2d(8, 5, 6);
      const f = (xi: tf.Tensor, ...wt: tf.Tensor[]): tf.Scalar => {
        const r = liftDown2d(xi as tf.Tensor4D, liftWeightsFromTensors(w, wt));
        return tf.addN([tf.sum(tf.square(tf.addN([r.ll, r.lh, r.hl, r.hh]))), r.lossU, r.lossP]) as tf.Scalar;
      };
      return tf.grads(f)([x, ...liftWeightTensors(w)]);
    });
    const bits = grads.map((t) => new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));
    tf.dispose(grads);
    return bits;
  } finally {
    setLiftStepKernels(prev);
  }
};
const [withSteps, split] = [lift2d(true), lift2d(false)];
const stepsBitEqual = withSteps.length === split.length && withSteps.every((a, i) => a.length === split[i].length && a.every((v, j) => v === split[i][j]));

const model = buildTinyCnn({ pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const x = tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 3);
const y = tf.oneHot(tf.randomUniform([16], 0, 10, 'int32', 4), 10);
const losses: number[] = [];
for (let i = 0; i < 3; i++) losses.push((await model.trainOnBatch(x, y)) as number);
values['tiny CNN losses'] = losses;
model.getWeights().forEach((w, i) => (values[`tiny CNN weight #${i}`] = Array.from(w.dataSync())));

console.log(JSON.stringify({ threads: backendInfo().threads, helperError, splitCalls: heapWorkerStats().splitCalls, filterKernel: tf.getKernel('LiftPoolFilter', 'wasm') != null, stepKernels, stepsBitEqual, values }));
