import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  LiftDownPool2D, LiftUpPool2D, LiftDownPool1D, LiftUpPool1D, BlurPool2D, MaxPool2DWithIndices, MaxUnpool2D,
  WaveletPool2D, liftDown2d, liftConstraintLoss, binomialFilter2d, type BandName,
} from '../src/index.js';
import { maxAbs, maxAbsDiff } from './helpers.js';

const sym = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
const syms = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor[];

describe('LiftDownPool2D', () => {
  test('output shapes for every output mode, including odd sizes and dynamic sizes', () => {
    const x = tf.input({ shape: [7, 9, 4] });
    assert.deepEqual(sym(new LiftDownPool2D(), x).shape, [null, 4, 5, 4]);
    assert.deepEqual(sym(new LiftDownPool2D({ output: 'hh' }), x).shape, [null, 4, 5, 4]);
    assert.deepEqual(sym(new LiftDownPool2D({ output: 'concat' }), x).shape, [null, 4, 5, 16]);
    assert.deepEqual(sym(new LiftDownPool2D({ output: 'concat', bands: ['ll', 'hh'] }), x).shape, [null, 4, 5, 8]);
    assert.deepEqual(syms(new LiftDownPool2D({ returnDetails: true }), x).map((t) => t.shape), Array(4).fill([null, 4, 5, 4]));
    const dyn = tf.input({ shape: [null, null, 3] });
    assert.deepEqual(sym(new LiftDownPool2D(), dyn).shape, [null, null, null, 3]);
  });

  test('outputs are the bands of liftDown2d with the layer weights (sum, subset sum, single band, concat)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const ref = new LiftDownPool2D({ kernelSize: 3 });
      ref.apply(x);
      const r = liftDown2d(x, ref.liftingSpec());
      const bands: Record<BandName, tf.Tensor> = { ll: r.ll, lh: r.lh, hl: r.hl, hh: r.hh };
      const sum = tf.addN([r.ll, r.lh, r.hl, r.hh]);
      assert.ok(maxAbsDiff(ref.apply(x) as tf.Tensor, sum) < 1e-5);
      const sub = new LiftDownPool2D({ kernelSize: 3, bands: ['ll', 'hh'] });
      sub.apply(x);
      sub.setWeights(ref.getWeights());
      assert.ok(maxAbsDiff(sub.apply(x) as tf.Tensor, tf.add(r.ll, r.hh)) < 1e-5);
      for (const b of ['ll', 'lh', 'hl', 'hh'] as BandName[]) {
        const one = new LiftDownPool2D({ kernelSize: 3, output: b });
        one.apply(x);
        one.setWeights(ref.getWeights());
        assert.ok(maxAbsDiff(one.apply(x) as tf.Tensor, bands[b]) < 1e-6, b);
      }
      const cat = new LiftDownPool2D({ kernelSize: 3, output: 'concat' });
      cat.apply(x);
      cat.setWeights(ref.getWeights());
      assert.ok(maxAbsDiff(cat.apply(x) as tf.Tensor, tf.concat([r.ll, r.lh, r.hl, r.hh], 3)) < 1e-6);
    });
  });

  test('weights: 16 trainable tensors (shared vertical), 24 with separateVertical, none for wavelets', () => {
    const x = tf.input({ shape: [8, 8, 5] });
    const a = new LiftDownPool2D();
    a.apply(x);
    assert.equal(a.trainableWeights.length, 16);
    assert.equal(a.countParams(), 4 * (5 * 5 + 5 + 25 + 5));
    const b = new LiftDownPool2D({ separateVertical: true });
    b.apply(x);
    assert.equal(b.trainableWeights.length, 24);
    const c = new LiftDownPool2D({ wavelet: 'cdf97' });
    c.apply(x);
    assert.equal(c.trainableWeights.length, 0);
  });

  test('bad configs fail at construction with a clear message', () => {
    assert.throws(() => new LiftDownPool2D({ kernelSize: 4 }), /LiftDownPool2D: kernelSize must be an odd integer >= 1, got 4/);
    assert.throws(() => new LiftDownPool2D({ output: 'xx' as never }), /unknown output 'xx'/);
    assert.throws(() => new LiftDownPool2D({ bands: ['ll', 'zz' as BandName] }), /unknown band 'zz'/);
    assert.throws(() => new LiftDownPool2D({ padMode: 'wrap' as never }), /unknown padMode 'wrap'/);
    assert.throws(() => new LiftDownPool2D({ wavelet: 'db2' as never }), /unknown wavelet 'db2'/);
    assert.throws(() => new LiftDownPool2D({ lambdaU: -1 }), /lambdaU must be a finite number >= 0/);
    assert.throws(() => new LiftDownPool2D().createUpPool(), /must be created with returnDetails: true/);
    assert.throws(() => new WaveletPool2D({ output: 'hh' as never }), /output must be 'll' or 'sum'/);
    assert.throws(() => new BlurPool2D({ filterSize: 4 as never }), /filterSize must be 3 or 5/);
    assert.throws(() => new LiftDownPool1D({ kernelSize: 2 }), /kernelSize must be an odd integer/);
  });
});

describe('LiftUpPool2D paired with LiftDownPool2D', () => {
  for (const [shape, output, bands] of [
    [[7, 9, 3], 'sum', undefined],
    [[8, 8, 2], 'll', undefined],
    [[6, 10, 2], 'sum', ['ll', 'lh']],
  ] as [[number, number, number], 'sum' | 'll', BandName[] | undefined][]) {
    test(`identity decoder path reproduces the input exactly: [${shape}] output ${output}${bands ? ` bands ${bands}` : ''}`, () => {
      const inp = tf.input({ shape });
      const down = new LiftDownPool2D({ returnDetails: true, output, bands });
      const [p, lh, hl, hh] = syms(down, inp);
      const up = down.createUpPool();
      const out = sym(up, [p, lh, hl, hh]);
      assert.deepEqual(out.shape, [null, ...shape]);
      const model = tf.model({ inputs: inp, outputs: out });
      assert.equal(up.trainableWeights.length, 0, 'the up layer owns no weights');
      assert.equal(model.trainableWeights.length, 16, 'one shared set of weights');
      tf.tidy(() => {
        const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 3);
        const y = model.predict(x) as tf.Tensor;
        assert.ok(maxAbsDiff(x, y) <= 1e-5 * maxAbs(x), `max error ${maxAbsDiff(x, y)}`);
      });
    });
  }

  test('weights are shared, not copied: changing the down weights changes the up output', () => {
    tf.tidy(() => {
      const down = new LiftDownPool2D({ returnDetails: true, kernelSize: 3 });
      const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 5);
      const [p, lh, hl, hh] = down.apply(x) as tf.Tensor[];
      const up = down.createUpPool();
      const before = up.apply([tf.zerosLike(p), lh, hl, hh]) as tf.Tensor;
      down.setWeights(down.getWeights().map((w) => tf.add(w, 0.5)));
      const after = up.apply([tf.zerosLike(p), lh, hl, hh]) as tf.Tensor;
      assert.ok(maxAbsDiff(before, after) > 1e-3);
    });
  });

  test('pairing is found from the graph, and mismatches are reported', () => {
    const inp = tf.input({ shape: [8, 8, 4] });
    const down = new LiftDownPool2D({ returnDetails: true });
    const [p, lh, hl, hh] = syms(down, inp);
    const up = new LiftUpPool2D();
    sym(up, [p, lh, hl, hh]);
    assert.equal(up.pairedLayer, down);
    const other = new LiftDownPool2D({ returnDetails: true });
    const [, lh2] = syms(other, inp);
    assert.throws(() => sym(new LiftUpPool2D(), [p, lh2, hl, hh]), /must be outputs of one LiftDownPool2D/);
    assert.throws(() => sym(other.createUpPool(), [p, lh, hl, hh]), /paired with '.*' but the detail inputs come from/);
    const wrongC = sym(tf.layers.conv2d({ filters: 3, kernelSize: 1 }), p);
    assert.throws(() => sym(down.createUpPool(), [wrongC, lh, hl, hh]), /decoder input has 3 channels but the paired LiftDownPool2D .* works on 4 channels/);
    assert.throws(() => sym(down.createUpPool(), [p, lh, hl]), /expects 4 inputs/);
  });
});

describe('constraint losses in training', () => {
  test('with the task loss off, one optimiser step on the constraint losses changes the weights and lowers them', () => {
    const inp = tf.input({ shape: [8, 8, 3] });
    const down = new LiftDownPool2D({ lambdaU: 1, lambdaP: 1 });
    const out = sym(down, inp);
    const model = tf.model({ inputs: inp, outputs: out });
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 9);
    const opt = tf.train.sgd(0.05);
    const before = down.getWeights().map((w) => w.clone());
    const lossAt = () => tf.tidy(() => {
      model.apply(x, { training: true });
      return liftConstraintLoss(model).dataSync()[0];
    });
    const l0 = lossAt();
    tf.tidy(() => {
      opt.minimize(() => {
        model.apply(x, { training: true });
        return liftConstraintLoss(model);
      });
    });
    const l1 = lossAt();
    assert.ok(l1 < l0, `constraint loss ${l0} -> ${l1}`);
    const changed = down.getWeights().filter((w, i) => maxAbsDiff(w, before[i]) > 0).length;
    assert.ok(changed >= 8, `${changed} of 16 weight tensors changed`);
    tf.dispose([x, ...before]);
    opt.dispose();
  });

  test('model.fit minimises the constraint losses too (zero task loss)', async () => {
    const inp = tf.input({ shape: [8, 8, 2] });
    const down = new LiftDownPool2D({ lambdaU: 1, lambdaP: 1 });
    const model = tf.model({ inputs: inp, outputs: sym(down, inp) });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: (_yt: tf.Tensor, yp: tf.Tensor) => tf.mul(tf.mean(yp), 0) });
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 4);
    const y = tf.zeros([4, 4, 4, 2]);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, shuffle: false });
    const losses = h.history.loss as number[];
    assert.ok(losses[0] > 0, 'fit reports the constraint loss');
    assert.ok(losses[2] < losses[0], `fit loss ${losses}`);
    tf.dispose([x, y]);
  });

  test('inference mode records no constraint loss', () => {
    const down = new LiftDownPool2D();
    tf.tidy(() => {
      down.apply(tf.ones([1, 4, 4, 1]));
      assert.equal(down.constraintLoss, null);
    });
  });
});

describe('baselines', () => {
  test('BlurPool2D: normalised binomial filter, constants stay constant, matches a hand computation', () => {
    const f = binomialFilter2d(3);
    assert.ok(Math.abs(f.reduce((a, b) => a + b, 0) - 1) < 1e-7);
    assert.ok(Math.abs(f[4] - 4 / 16) < 1e-7);
    tf.tidy(() => {
      const c = new BlurPool2D({ filterSize: 5 }).apply(tf.fill([1, 8, 8, 2], 3)) as tf.Tensor;
      assert.deepEqual(c.shape, [1, 4, 4, 2]);
      assert.ok(maxAbs(tf.sub(c, 3)) < 1e-5);
      // Impulse at (2,2) of a 4x4 map: output (1,1) samples input (2,2) with the centre weight 4/16.
      const x = tf.buffer([1, 4, 4, 1]);
      x.set(1, 0, 2, 2, 0);
      const y = (new BlurPool2D().apply(x.toTensor()) as tf.Tensor).arraySync() as number[][][][];
      assert.ok(Math.abs(y[0][1][1][0] - 0.25) < 1e-6);
      assert.ok(Math.abs(y[0][0][0][0] - 0) < 1e-6);
    });
  });

  test('MaxPool2DWithIndices + MaxUnpool2D: pooled = max pool, unpool restores maxima in place, gradients flow', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const pool = new MaxPool2DWithIndices();
      const [p, sw] = pool.apply(x) as tf.Tensor[];
      assert.ok(maxAbsDiff(p, tf.maxPool(x, 2, 2, 'valid')) === 0);
      assert.equal(tf.sum(sw).dataSync()[0], p.size, 'one switch per window');
      const unpool = new MaxUnpool2D({ pairedWith: pool });
      const u = unpool.apply([p, sw]) as tf.Tensor;
      assert.deepEqual(u.shape, x.shape);
      // The unpooled map equals x where x is its window maximum, zero elsewhere.
      const isMax = tf.equal(x, tf.image.resizeNearestNeighbor(p as tf.Tensor4D, [6, 8]));
      assert.ok(maxAbsDiff(u, tf.where(isMax, x, tf.zerosLike(x))) === 0);
      // d/dx of sum(unpool(pool(x)) * r) = r at the argmax positions.
      const r = tf.randomNormal(x.shape, 0, 1, 'float32', 7);
      const g = tf.grad((z: tf.Tensor) => {
        const [pp, ss] = pool.apply(z) as tf.Tensor[];
        return tf.sum(tf.mul(unpool.apply([pp, ss]) as tf.Tensor, r)) as tf.Scalar;
      })(x);
      assert.ok(maxAbsDiff(g, tf.where(isMax, r, tf.zerosLike(r))) < 1e-6);
    });
  });

  test('MaxUnpool2D restores odd sizes of the paired pool in a model', () => {
    const inp = tf.input({ shape: [7, 5, 2] });
    const pool = new MaxPool2DWithIndices();
    const [p, sw] = syms(pool, inp);
    const out = sym(new MaxUnpool2D(), [p, sw]);
    assert.deepEqual(p.shape, [null, 4, 3, 2]);
    assert.deepEqual(out.shape, [null, 7, 5, 2]);
  });

  test('WaveletPool2D: Haar LL is 2x2 average pooling; no weights', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const l = new WaveletPool2D();
      assert.ok(maxAbsDiff(l.apply(x) as tf.Tensor, tf.avgPool(x, 2, 2, 'valid')) < 1e-6);
      assert.equal(l.countParams(), 0);
    });
  });
});

describe('1D layers', () => {
  test('LiftDownPool1D/LiftUpPool1D: shapes and exact round trip for odd lengths', () => {
    const inp = tf.input({ shape: [11, 4] });
    const down = new LiftDownPool1D({ returnDetails: true });
    const [p, d] = syms(down, inp);
    assert.deepEqual(p.shape, [null, 6, 4]);
    const out = sym(down.createUpPool(), [p, d]);
    assert.deepEqual(out.shape, [null, 11, 4]);
    const model = tf.model({ inputs: inp, outputs: out });
    tf.tidy(() => {
      const x = tf.randomNormal([3, 11, 4], 0, 1, 'float32', 8);
      assert.ok(maxAbsDiff(model.predict(x) as tf.Tensor, x) < 1e-5 * maxAbs(x));
    });
    const q = sym(tf.layers.dense({ units: 4 }), p);
    assert.throws(() => sym(new LiftUpPool1D(), [p, q]), /must be outputs of one LiftDownPool1D/);
  });
});
