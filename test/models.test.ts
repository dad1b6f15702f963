import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend/index.js';
import { LiftDownPool2D, WaveletPool2D, BlurPool2D } from '../src/layers/index.js';
import {
  ARCH_NAMES, POOL_NAMES, buildClassifier, buildTinyCnn, downsample, paramCount, SeededInit,
  type ArchName, type PoolName,
} from '../src/models/index.js';

const W = 0.125;

before(async () => {
  assert.equal(await useBestBackend('wasm'), 'wasm');
});

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => v === b[i][j]));
}

/** Spatial size of the map entering the global average pooling. */
function gapInputSize(model: tf.LayersModel): number[] {
  const gap = model.layers.find((l) => l.getClassName() === 'GlobalAveragePooling2D')!;
  return (gap.input as tf.SymbolicTensor).shape.slice(1, 3) as number[];
}

describe('downsample', () => {
  test('every pooling halves an odd-sized map to ceil(H/2) and keeps the channels', () => {
    for (const pool of POOL_NAMES) {
      const x = tf.input({ shape: [7, 9, 3] });
      const y = downsample(x, pool, { init: new SeededInit(0), name: `t_${pool.replace('-', '_')}` });
      assert.deepEqual(y.shape, [null, 4, 5, 3], pool);
    }
  });

  test('builds the documented layers', () => {
    const layersFor = (pool: PoolName) => {
      const x = tf.input({ shape: [8, 8, 2] });
      const y = downsample(x, pool, { init: new SeededInit(0), name: 'p', waveletName: 'cdf53' });
      return tf.model({ inputs: x, outputs: y }).layers.slice(1);
    };
    const blur = layersFor('blur');
    assert.deepEqual(blur.map((l) => l.getClassName()), ['MaxPooling2D', 'BlurPool2D']);
    assert.equal((blur[1] as BlurPool2D).filterSize, 3);
    assert.equal((blur[1] as BlurPool2D).strides, 2);
    const wav = layersFor('wavelet')[0] as WaveletPool2D;
    assert.ok(wav instanceof WaveletPool2D);
    assert.equal(wav.wavelet, 'cdf53');
    assert.equal(wav.outputMode, 'll');
    assert.equal((layersFor('lift')[0] as LiftDownPool2D).outputMode, 'sum');
    assert.equal((layersFor('lift-hl')[0] as LiftDownPool2D).outputMode, 'hl');
    const skip = layersFor('skip')[0];
    assert.equal(skip.getClassName(), 'Conv2D');
    assert.deepEqual(skip.getConfig().strides, [2, 2]);
    assert.equal(skip.getConfig().filters, 2);
  });

  test('unknown pooling → error listing the valid names', () => {
    const x = tf.input({ shape: [8, 8, 2] });
    assert.throws(() => downsample(x, 'median' as PoolName, { init: new SeededInit(0), name: 'p' }), /unknown pooling 'median'.*max, avg, skip, blur, wavelet, lift, lift-ll/);
  });
});

describe('classifiers', () => {
  test('every arch × every pool builds on 28×28×1 and 32×32×1 and outputs [batch, numClasses]', () => {
    for (const shape of [[28, 28, 1], [32, 32, 1]] as [number, number, number][]) {
      const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 3);
      for (const arch of ARCH_NAMES) {
        for (const pool of POOL_NAMES) {
          const model = buildClassifier(arch, { pool, inputShape: shape, numClasses: 7, width: W, seed: 1 });
          const y = model.predict(x) as tf.Tensor;
          assert.deepEqual(y.shape, [2, 7], `${arch}/${pool}`);
          const sums = tf.sum(y, 1).dataSync();
          for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-4, `${arch}/${pool} softmax`);
          y.dispose();
          model.dispose();
        }
      }
      x.dispose();
    }
  });

  test('poolings per arch: 28×28 → tiny 2 (7×7), vgg13 4 (2×2), resnet18 3 (4×4), mobilenetv2 3 (4×4)', () => {
    const expected: Record<ArchName, [number, number]> = { tiny: [2, 7], vgg13: [4, 2], resnet18: [3, 4], mobilenetv2: [3, 4] };
    for (const arch of ARCH_NAMES) {
      const model = buildClassifier(arch, { pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, width: W, seed: 0 });
      const lifts = model.layers.filter((l) => l instanceof LiftDownPool2D);
      assert.equal(lifts.length, expected[arch][0], arch);
      assert.deepEqual(gapInputSize(model), [expected[arch][1], expected[arch][1]], arch);
      model.dispose();
    }
  });

  test('param counts: wavelet/avg/max/blur add none, lift and skip add exactly their weights', () => {
    for (const arch of ARCH_NAMES) {
      const count = (pool: PoolName) => {
        const m = buildClassifier(arch, { pool, inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 0, liftKernelSize: 3 });
        const c = paramCount(m);
        assert.equal(c.total, m.countParams(), `${arch}/${pool} total`);
        const pooledChannels = m.layers.filter((l) => l instanceof LiftDownPool2D || l.name.endsWith('_skipconv') || l.name.endsWith('_maxpool'))
          .map((l) => (l.input as tf.SymbolicTensor).shape[3] as number);
        m.dispose();
        return { ...c, pooledChannels };
      };
      const max = count('max');
      for (const p of ['avg', 'blur', 'wavelet'] as const) assert.equal(count(p).total, max.total, `${arch}/${p}`);
      const lift = count('lift');
      const K = 3;
      const liftExtra = lift.pooledChannels.reduce((s, c) => s + 4 * (c * c + (K + 2) * c), 0);
      assert.equal(lift.trainable - max.trainable, liftExtra, `${arch} lift`);
      for (const b of ['lift-ll', 'lift-lh', 'lift-hl', 'lift-hh'] as const) assert.equal(count(b).total, lift.total, `${arch}/${b}`);
      const skip = count('skip');
      assert.equal(skip.trainable - max.trainable, skip.pooledChannels.reduce((s, c) => s + 9 * c * c + c, 0), `${arch} skip`);
      assert.ok(lift.total > max.total && skip.total > max.total);
    }
  });

  test('same seed ⇒ identical initial weights; different seed ⇒ different', () => {
    for (const arch of ARCH_NAMES) {
      const opts = { pool: 'lift' as const, inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, width: W };
      const a = buildClassifier(arch, { ...opts, seed: 5 });
      const b = buildClassifier(arch, { ...opts, seed: 5 });
      const c = buildClassifier(arch, { ...opts, seed: 6 });
      const [wa, wb, wc] = [a, b, c].map(weightsOf);
      assert.ok(sameWeights(wa, wb), `${arch}: same seed`);
      // Every randomly initialised kernel differs under another seed.
      const kernels = a.weights.map((w, i) => [w, i] as const).filter(([w]) => /kernel/.test(w.name)).map(([, i]) => i);
      assert.ok(kernels.length > 0);
      for (const i of kernels) assert.ok(!wa[i].every((v, j) => v === wc[i][j]), `${arch}: weight ${a.weights[i].name} equal across seeds`);
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  test('unknown names and bad options → clear errors', () => {
    const ok = { pool: 'max' as PoolName, inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, seed: 0 };
    assert.throws(() => buildClassifier('alexnet' as ArchName, ok), /unknown architecture 'alexnet'.*tiny, vgg13, resnet18, mobilenetv2/);
    assert.throws(() => buildClassifier('vgg13', { ...ok, pool: 'median' as PoolName }), /unknown pooling 'median'.*lift-hh/);
    assert.throws(() => buildTinyCnn({ ...ok, width: 0 }), /width must be a finite number > 0/);
    assert.throws(() => buildTinyCnn({ ...ok, numClasses: 0 }), /numClasses must be a positive integer/);
    assert.throws(() => buildTinyCnn({ ...ok, inputShape: [28, 28] as unknown as [number, number, number] }), /inputShape must be \[height, width, channels\]/);
    assert.throws(() => buildTinyCnn({ ...ok, seed: 0.5 }), /seed must be an integer/);
  });
});

describe('training (wasm)', () => {
  for (const arch of ARCH_NAMES) {
    test(`${arch} with pool 'lift': a training step runs and does not leak tensors`, async () => {
      const model = buildClassifier(arch, { pool: 'lift', inputShape: [28, 28, 1], numClasses: 10, width: W, seed: 2 });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 7);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
      const before0 = weightsOf(model);
      const l0 = await model.trainOnBatch(x, y); // warm-up: optimizer slots, kept constraint losses
      const n = tf.memory().numTensors;
      const l1 = await model.trainOnBatch(x, y);
      assert.equal(tf.memory().numTensors, n, `${arch}: tensors leaked`);
      for (const l of [l0, l1]) assert.ok(Number.isFinite(l as number), `${arch}: loss ${String(l)}`);
      const after = weightsOf(model);
      assert.ok(!sameWeights(before0, after), `${arch}: weights did not change`);
      const lift = model.layers.find((l) => l instanceof LiftDownPool2D) as LiftDownPool2D;
      const liftIdx = model.weights.findIndex((w) => w.name.includes(lift.name));
      assert.ok(liftIdx >= 0 && !before0[liftIdx].every((v, j) => v === after[liftIdx][j]), `${arch}: lift weights did not train`);
      tf.dispose([x, y]);
      model.dispose();
    });
  }
});
