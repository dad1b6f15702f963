import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend/index.js';
import { LiftDownPool2D, LiftUpPool2D, MaxPool2DWithIndices, MaxUnpool2D, BlurPool2D } from '../src/layers/index.js';
import { buildSegNet, DOWN_UP_NAMES, paramCount, type DownUpName } from '../src/models/index.js';

const W = 0.125;

before(async () => {
  assert.equal(await useBestBackend('wasm'), 'wasm');
});

describe('SegNet', () => {
  test('every downUp variant builds and outputs per-pixel class probabilities [B, 64, 64, 11]', () => {
    const x = tf.randomNormal([2, 64, 64, 1], 0, 1, 'float32', 1);
    for (const downUp of DOWN_UP_NAMES) {
      const model = buildSegNet({ downUp, width: W, seed: 1 });
      const y = model.predict(x) as tf.Tensor;
      assert.deepEqual(y.shape, [2, 64, 64, 11], downUp);
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(y, -1), 1))));
      assert.ok(err.dataSync()[0] < 1e-4, `${downUp}: softmax over classes`);
      tf.dispose([y, err]);
      model.dispose();
    }
    x.dispose();
  });

  test('depth 4, other shapes, and logits output', () => {
    const model = buildSegNet({ downUp: 'lift-liftup', inputShape: [32, 48, 3], numClasses: 5, depth: 4, width: W, seed: 0, activation: 'linear' });
    assert.deepEqual(model.outputs[0].shape, [null, 32, 48, 5]);
    assert.equal(model.layers.filter((l) => l instanceof LiftDownPool2D).length, 4);
    assert.equal(model.layers.at(-1)!.getConfig().activation, 'linear');
    model.dispose();
  });

  test("'lift-liftup': each LiftUpPool2D is paired with the mirrored encoder LiftDownPool2D", () => {
    for (const depth of [3, 4]) {
      const model = buildSegNet({ downUp: 'lift-liftup', width: W, depth, seed: 0 });
      const downs = model.layers.filter((l): l is LiftDownPool2D => l instanceof LiftDownPool2D);
      const ups = model.layers.filter((l): l is LiftUpPool2D => l instanceof LiftUpPool2D);
      assert.equal(downs.length, depth);
      assert.equal(ups.length, depth);
      for (const up of ups) {
        const down = up.pairedLayer;
        assert.ok(down != null && downs.includes(down as LiftDownPool2D), `${up.name} is paired with a layer of the model`);
        assert.ok(down.returnDetails);
        // dec<i>_liftup ↔ enc<i>_lift
        assert.equal(up.name.replace(/_dec(\d+)_liftup$/, '_enc$1_lift'), down.name);
        // Its detail inputs come from that down layer.
        const inbound = up.inboundNodes[0].inboundLayers;
        assert.deepEqual(inbound.slice(1).map((l) => l.name), [down.name, down.name, down.name]);
      }
      assert.equal(new Set(ups.map((u) => u.pairedLayer)).size, depth, 'one up layer per down layer');
      // The up layers own no weights: the pair shares the down layer's.
      assert.ok(ups.every((u) => u.weights.length === 0));
      model.dispose();
    }
  });

  test("'max-maxunpool' unpools with the mirrored encoder's switches; other variants use the documented layers", () => {
    const layers = (downUp: DownUpName) => {
      const m = buildSegNet({ downUp, width: W, seed: 0 });
      const r = { layers: m.layers, params: paramCount(m) };
      m.dispose();
      return r;
    };
    const mu = layers('max-maxunpool').layers;
    const pools = mu.filter((l) => l instanceof MaxPool2DWithIndices);
    const unpools = mu.filter((l) => l instanceof MaxUnpool2D);
    assert.equal(pools.length, 3);
    assert.equal(unpools.length, 3);
    for (const u of unpools) {
      const [, sw] = u.inboundNodes[0].inboundLayers;
      assert.equal(u.name.replace(/_dec(\d+)_maxunpool$/, '_enc$1_maxpool_idx'), sw.name);
    }
    const bil = layers('max-bilinear');
    assert.equal(bil.layers.filter((l) => l.getClassName() === 'UpSampling2D').length, 3);
    assert.ok(bil.layers.filter((l) => l.getClassName() === 'UpSampling2D').every((l) => l.getConfig().interpolation === 'bilinear'));
    const blur = layers('blur-bilinear');
    assert.equal(blur.layers.filter((l) => l instanceof BlurPool2D).length, 3);
    assert.equal(blur.params.total, bil.params.total);
    const tr = layers('max-transposed');
    assert.equal(tr.layers.filter((l) => l.getClassName() === 'Conv2DTranspose').length, 3);
    assert.ok(tr.params.total > bil.params.total);
    assert.ok(layers('lift-liftup').params.total > bil.params.total);
  });

  test('same seed ⇒ identical initial weights, different seed ⇒ different', () => {
    const w = (seed: number) => {
      const m = buildSegNet({ downUp: 'lift-liftup', width: W, seed });
      const r = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return r;
    };
    assert.deepEqual(w(3), w(3));
    assert.notDeepEqual(w(3), w(4));
  });

  test('unknown downUp and bad options → clear errors', () => {
    assert.throws(() => buildSegNet({ downUp: 'avg-nearest' as DownUpName, seed: 0 }), /unknown downUp 'avg-nearest'.*max-maxunpool, max-bilinear, max-transposed, lift-liftup, blur-bilinear/);
    assert.throws(() => buildSegNet({ downUp: 'max-bilinear', depth: 5, seed: 0 }), /depth must be an integer from 1 to 4/);
    assert.throws(() => buildSegNet({ downUp: 'max-bilinear', inputShape: [60, 64, 1], seed: 0 }), /divisible by 2\^depth = 8/);
    assert.throws(() => buildSegNet({ downUp: 'max-bilinear', width: -1, seed: 0 }), /width must be/);
  });

  test("'lift-liftup' trains a step on wasm without leaking tensors", async () => {
    const model = buildSegNet({ downUp: 'lift-liftup', inputShape: [32, 32, 1], numClasses: 4, width: W, seed: 0 });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 2);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([2, 32, 32], 0, 4, 3), 4));
    const l0 = await model.trainOnBatch(x, y);
    const n = tf.memory().numTensors;
    const l1 = await model.trainOnBatch(x, y);
    assert.equal(tf.memory().numTensors, n);
    assert.ok(Number.isFinite(l0 as number) && Number.isFinite(l1 as number));
    tf.dispose([x, y]);
    model.dispose();
  });
});
