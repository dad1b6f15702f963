/**
 * The LiftPool filter on wasm with and without its own kernels (`LiftPoolFilter`,
 * `LiftPoolFilterGrad`, native/lift_filter.c), at the four filter shapes of the reference tiny
 * CNN's training step (batch 64): forward, and forward + backward (gradients w.r.t. the input and
 * the four weights). Medians; the two variants are interleaved rep by rep so machine load hits
 * both alike. Without the kernels the filter runs on the backend's kernels (what the threaded
 * wasm build and the other backends use).
 *
 *   npx tsx bench/lift-filter-kernels.ts [--reps 15]
 */
import * as tf from '@tensorflow/tfjs';

import { registerWasmTrainingKernels, useBestBackend } from '../src/backend/index.js';
import { unregisterLiftFilterKernels } from '../src/backend/wasm-kernels.js';
import { median } from '../src/cli/bench-timing.js';
import { liftFilter } from '../src/lifting/filter.js';
import { initLiftFilterWeights } from '../src/lifting/index.js';
import type { LiftAxis } from '../src/lifting/index.js';

const i = process.argv.indexOf('--reps');
const reps = i >= 0 ? Number(process.argv[i + 1]) : 15;
await useBestBackend('wasm');

function setKernels(on: boolean): void {
  if (on) registerWasmTrainingKernels();
  else unregisterLiftFilterKernels();
}

/** ms of one call of `fn`, reading every output back. */
function once(fn: () => tf.Tensor[]): number {
  const t0 = performance.now();
  const out = fn();
  for (const t of out) t.dataSync();
  const dt = performance.now() - t0;
  tf.dispose(out);
  return dt;
}

const cases: [[number, number, number, number], LiftAxis][] = [
  [[64, 28, 14, 16], 'width'],
  [[128, 14, 14, 16], 'height'],
  [[64, 14, 7, 32], 'width'],
  [[128, 7, 7, 32], 'height'],
];
console.log(`backend wasm, ${reps} reps (median ms per filter call; kernels and backend ops interleaved)\n`);
console.log('| input NHWC | axis | fwd, kernel | fwd, backend ops | fwd+bwd, kernel | fwd+bwd, backend ops | fwd+bwd speed-up |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [shape, axis] of cases) {
  const z = tf.randomNormal(shape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = initLiftFilterWeights(shape[3], 5, axis, 2);
  const probe = tf.randomNormal(shape, 0, 1, 'float32', 3);
  const fwd = () => [liftFilter(z, w, axis, 'reflect')];
  const both = () =>
    tf.grads((zi: tf.Tensor, dk: tf.Tensor, db: tf.Tensor, pk: tf.Tensor, pb: tf.Tensor) =>
      tf.sum(tf.mul(liftFilter(zi as tf.Tensor4D, { depthwiseKernel: dk as tf.Tensor4D, depthwiseBias: db as tf.Tensor1D, pointwiseKernel: pk as tf.Tensor4D, pointwiseBias: pb as tf.Tensor1D }, axis, 'reflect'), probe)),
    )([z, w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias]);
  const t = { fk: [] as number[], fo: [] as number[], bk: [] as number[], bo: [] as number[] };
  for (let r = 0; r < reps + 1; r++) {
    const keep = r > 0; // the first round is warm-up
    for (const on of r % 2 ? [true, false] : [false, true]) {
      setKernels(on);
      const f = once(fwd);
      const b = once(both);
      if (keep) (on ? t.fk : t.fo).push(f);
      if (keep) (on ? t.bk : t.bo).push(b);
    }
  }
  setKernels(true);
  const m = { fk: median(t.fk), fo: median(t.fo), bk: median(t.bk), bo: median(t.bo) };
  console.log(`| [${shape}] | ${axis} | ${m.fk.toFixed(2)} | ${m.fo.toFixed(2)} | ${m.bk.toFixed(2)} | ${m.bo.toFixed(2)} | ${(m.bo / m.bk).toFixed(1)}× |`);
  tf.dispose([z, probe, ...Object.values(w)]);
}
