/**
 * PackedAdamOptimizer (src/train/packed-adam.ts) against TF.js's own Adam: the same weights, moments
 * and bias corrections bit for bit over several steps of the tiny LiftPool CNN (wasm and cpu); its
 * state saves and restores through getWeights/setWeights with TF.js's names and order, and a run
 * resumed from it continues bit for bit; a variable left without a gradient keeps its moments;
 * no tensor leaks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBestBackend } from '../src/backend/index.js';
import { buildTinyCnn } from '../src/models/index.js';
import { PackedAdamOptimizer } from '../src/train/packed-adam.js';
import { captureOptimizer, restoreOptimizer } from '../src/train/optimizer-state.js';

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

function setup(optimizer: tf.Optimizer) {
  const model = buildTinyCnn({ pool: 'lift', inputShape: [12, 12, 1], numClasses: 4, seed: 3, width: 0.5 });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

async function train(model: tf.LayersModel, steps: number, from = 0): Promise<number[]> {
  const losses: number[] = [];
  for (let i = from; i < from + steps; i++) {
    const [x, y] = tf.tidy(() => [tf.randomNormal([8, 12, 12, 1], 0, 1, 'float32', 10 + i), tf.oneHot(tf.randomUniform([8], 0, 4, 'int32', 20 + i), 4)]);
    losses.push((await model.trainOnBatch(x, y)) as number);
    tf.dispose([x, y]);
  }
  return losses;
}

async function state(model: tf.LayersModel) {
  const opt = await model.optimizer.getWeights();
  const out = { weights: model.getWeights().map(bits), slots: opt.slice(1).map((w) => ({ name: w.name.replace(/_\d+\//, '/'), bits: bits(w.tensor) })) };
  opt[0].tensor.dispose();
  return out;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`PackedAdamOptimizer on ${backend}`, () => {
    test('bit-identical to tf.train.adam: losses, weights and moments after 5 steps (unpacked and packed again in between); reported as Adam', async () => {
      await useBestBackend(backend);
      const ref = setup(tf.train.adam(3e-3));
      const packed = setup(new PackedAdamOptimizer(3e-3));
      assert.equal(packed.optimizer.getClassName(), 'Adam');
      const [a, b] = [await train(ref, 1), await train(packed, 1)];
      const before = tf.memory().numTensors;
      a.push(...(await train(ref, 3, 1)));
      b.push(...(await train(packed, 3, 1)));
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks over the steps');
      await state(packed); // unpacks the moments; the next step packs them again
      b.push(...(await train(packed, 1, 4)));
      a.push(...(await train(ref, 1, 4)));
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks over unpacking and packing again');
      assert.deepEqual(b, a);
      const [sa, sb] = [await state(ref), await state(packed)];
      assert.deepEqual(sb.weights, sa.weights);
      assert.equal(sb.slots.length, sa.slots.length);
      sb.slots.forEach((s, i) => assert.deepEqual(s.bits, sa.slots[i].bits, `slot ${i} (${s.name})`));
      ref.dispose();
      packed.dispose();
    });

    test('saved state restores into a fresh optimizer and the run continues bit for bit', async () => {
      await useBestBackend(backend);
      const straight = setup(new PackedAdamOptimizer(3e-3));
      await train(straight, 5);
      const first = setup(new PackedAdamOptimizer(3e-3));
      await train(first, 3);
      const saved = await captureOptimizer(first.optimizer);
      assert.ok(saved.slots.every((s) => /\/(m|v)$/.test(s.name)), 'slot names as TF.js writes them');
      const resumed = setup(new PackedAdamOptimizer(3e-3));
      resumed.setWeights(first.getWeights());
      // The optimizer's slots exist only after a step: build them as a resumed run does, by restoring.
      await restoreOptimizer(resumed.optimizer, saved);
      await train(resumed, 2, 3);
      assert.deepEqual((await state(resumed)).weights, (await state(straight)).weights);
      for (const m of [straight, first, resumed]) m.dispose();
    });
  });
}

test('a variable without a gradient keeps its moments (the per-variable path), and packing resumes after', async () => {
  await useBestBackend('cpu');
  const a = tf.variable(tf.tensor1d([1, 2, 3]));
  const b = tf.variable(tf.tensor2d([[1, -1]]));
  const ref = tf.train.adam(0.1);
  const packed = new PackedAdamOptimizer(0.1);
  const a2 = tf.variable(a.clone());
  const b2 = tf.variable(b.clone());
  const step = (opt: tf.Optimizer, x: tf.Variable, y: tf.Variable, withB: boolean) =>
    tf.tidy(() => {
      const gx = tf.mul(x, 2);
      opt.applyGradients(withB ? { [x.name]: gx, [y.name]: tf.mul(y, 3) } : [{ name: x.name, tensor: gx }, { name: y.name, tensor: null as unknown as tf.Tensor }]);
    });
  for (const withB of [true, false, true, true]) {
    step(ref, a, b, withB);
    step(packed, a2, b2, withB);
  }
  assert.deepEqual(bits(a2), bits(a));
  assert.deepEqual(bits(b2), bits(b));
  tf.dispose([a, b, a2, b2]);
  ref.dispose();
  packed.dispose();
});

test('a step over fewer variables keeps the other slots as TF.js does (by position), and they resume later', async () => {
  await useBestBackend('cpu');
  const make = () => [tf.variable(tf.tensor1d([1, 2, 3])), tf.variable(tf.tensor2d([[1, -1]])), tf.variable(tf.tensor1d([0.5]))];
  const [ref, packed] = [tf.train.adam(0.1), new PackedAdamOptimizer(0.1)];
  const [vr, vp] = [make(), make()];
  const step = (opt: tf.Optimizer, vs: tf.Variable[], n: number) =>
    tf.tidy(() => opt.applyGradients(vs.slice(0, n).map((v, i) => ({ name: v.name, tensor: tf.mul(v, i + 2) }))));
  for (const n of [3, 2, 3, 3]) {
    step(ref, vr, n);
    step(packed, vp, n);
  }
  vp.forEach((v, i) => assert.deepEqual(bits(v), bits(vr[i]), `variable ${i}`));
  step(packed, vp, 2);
  step(ref, vr, 2);
  const [wr, wp] = [await ref.getWeights(), await packed.getWeights()];
  assert.equal(wp.length, wr.length, 'all slots are still there');
  wp.forEach((w, i) => assert.deepEqual(bits(w.tensor), bits(wr[i].tensor), `slot ${i}`));
  tf.dispose([wr[0].tensor, wp[0].tensor, ...vr, ...vp]);
  ref.dispose();
  packed.dispose();
});
