/**
 * LiftPool op benchmark: median times (warm-up excluded) of `liftDown2d` forward and
 * forward+backward (gradients w.r.t. the input and all weights) at two NHWC shapes, and the
 * training throughput of the reference tiny CNN with max pooling vs LiftDownPool2D, measured in
 * the same run with the two models' steps interleaved (so machine noise hits both alike).
 *
 *   npx tsx bench/lift-ops.ts [--backend wasm|cpu] [--reps 5] [--steps 12] [--no-cnn] [--no-ops]
 *       [--shapes 32x32x32x64,64x16x16x128] [--compare]
 *
 * `--compare` also times the composite (unfused) filter, for before/after numbers in one run.
 * With it, the CNN steps of both filter variants and the max-pool model are interleaved.
 */
import * as tf from '@tensorflow/tfjs';

import { useBestBackend, type BackendPreference } from '../src/backend/index.js';
import { median, timeMs } from '../src/cli/bench-timing.js';
import { LiftDownPool2D } from '../src/layers/index.js';
import { setFusedLiftFilter } from '../src/lifting/filter.js';
import { initLiftWeights2d, liftDown2d, disposeLiftWeights, liftWeightTensors, liftWeightsFromTensors } from '../src/lifting/index.js';
import { PackedAdamOptimizer } from '../src/train/packed-adam.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function benchOps(shapes: [number, number, number, number][], reps: number, label = ''): void {
  for (const shape of shapes) {
    const c = shape[3];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = initLiftWeights2d(c, 5, { seed: 3 });
    const ws = liftWeightTensors(w);
    const before = tf.memory().numTensors;
    const fwd = timeMs(() => {
      const r = liftDown2d(x, w);
      return [r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP];
    }, reps);
    const grad = tf.grads((...args: tf.Tensor[]) => {
      const [xi, ...rest] = args;
      const wi = liftWeightsFromTensors(w, rest);
      const r = liftDown2d(xi as tf.Tensor4D, wi);
      return tf.addN([tf.mean(tf.addN([r.ll, r.lh, r.hl, r.hh])), tf.mul(r.lossU, 0.01), tf.mul(r.lossP, 0.1)]) as tf.Scalar;
    });
    const bwd = timeMs(() => grad([x, ...ws]), reps);
    const leaked = tf.memory().numTensors - before;
    console.log(
      `${label}liftDown2d [${shape.join(',')}] K=5: forward ${bwdFmt(fwd)}  forward+backward ${bwdFmt(bwd)}` + (leaked ? `  (LEAK ${leaked} tensors)` : ''),
    );
    x.dispose();
    disposeLiftWeights(w);
  }
}

function bwdFmt(ms: number): string {
  return `${ms.toFixed(1).padStart(8)} ms`;
}

/** The reference tiny CNN; `pool` makes each of its two pooling layers. */
function tinyCnn(pool: () => tf.layers.Layer): tf.LayersModel {
  const conv = (filters: number, extra: Record<string, unknown> = {}) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...extra });
  return tf.sequential({
    layers: [
      conv(16, { inputShape: [28, 28, 1] }),
      conv(16),
      pool(),
      conv(32),
      conv(32),
      pool(),
      conv(64),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

interface Variant {
  label: string;
  /** Called before each LiftDownPool2D step of this variant (switches implementations). */
  apply: () => void;
}

/**
 * Tiny-CNN training throughput, max pool vs LiftDownPool2D; with several variants, the lift model
 * takes one step per variant per round (all interleaved with the max-pool steps).
 */
async function benchCnn(steps: number, variants: Variant[] = [{ label: 'LiftDownPool2D', apply: () => {} }], batch = 64): Promise<void> {
  const max = tinyCnn(() => tf.layers.maxPooling2d({ poolSize: 2 }));
  const lift = tinyCnn(() => new LiftDownPool2D({ kernelSize: 5 }));
  for (const m of [max, lift]) m.compile({ optimizer: new PackedAdamOptimizer(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 8) as tf.Tensor1D, 10);
  const msMax: number[] = [];
  const msLift: number[][] = variants.map(() => []);
  for (let i = 0; i < steps + 2; i++) {
    let t0 = performance.now();
    await max.trainOnBatch(x, y);
    if (i >= 2) msMax.push(performance.now() - t0);
    for (let v = 0; v < variants.length; v++) {
      variants[v].apply();
      t0 = performance.now();
      await lift.trainOnBatch(x, y);
      if (i >= 2) msLift[v].push(performance.now() - t0);
    }
  }
  variants[variants.length - 1].apply();
  const ips = (ms: number[]) => (batch * 1000) / median(ms);
  console.log(`tiny CNN train (batch ${batch}, Adam, ${steps} interleaved steps): max pool ${ips(msMax).toFixed(0)} images/s (${median(msMax).toFixed(0)} ms/step)`);
  variants.forEach((v, i) => {
    console.log(`  ${v.label}: ${ips(msLift[i]).toFixed(0)} images/s (${median(msLift[i]).toFixed(0)} ms/step), ratio lift/max ${(ips(msLift[i]) / ips(msMax)).toFixed(2)}`);
  });
  tf.dispose([x, y]);
  max.dispose();
  lift.dispose();
}

const backend = (arg('backend') ?? 'wasm') as BackendPreference;
await useBestBackend(backend);
console.log(`backend ${tf.getBackend()}`);
const reps = Number(arg('reps') ?? 5);
const shapes = (arg('shapes') ?? '32x32x32x64,64x16x16x128')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number, number]);
const compare = process.argv.includes('--compare');
const variants: Variant[] = [];
if (compare) variants.push({ label: 'LiftDownPool2D, composite filter', apply: () => setFusedLiftFilter(false) });
variants.push({ label: 'LiftDownPool2D', apply: () => setFusedLiftFilter(true) });
if (!process.argv.includes('--no-ops')) {
  for (const v of variants) {
    v.apply();
    benchOps(shapes, reps, variants.length > 1 ? `${v.label.padEnd(34)} ` : '');
  }
}
if (!process.argv.includes('--no-cnn')) await benchCnn(Number(arg('steps') ?? 12), variants);
