import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D } from '../src/index.js';
import { useBestBackend } from '../src/backend/index.js';
import { loadDataset, subsetBalanced, normalizeImages, statsFor } from '../src/data/index.js';

test('a small model with LiftDownPool2D trains on real MNIST digits (wasm) and its loss goes down', async () => {
  assert.equal(await useBestBackend('wasm'), 'wasm');
  const train = subsetBalanced(await loadDataset('mnist', 'train'), 256, 1);
  const xs = tf.tensor4d(normalizeImages(train.images, statsFor('mnist')), [train.n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
  const inp = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(inp) as tf.SymbolicTensor;
  h = new LiftDownPool2D({ depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h) as tf.SymbolicTensor;
  h = new LiftDownPool2D({ depthwiseInitializer: tf.initializers.glorotUniform({ seed: 5 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: inp, outputs: out });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const hist = await model.fit(xs, ys, { epochs: 6, batchSize: 64, shuffle: false, verbose: 0 });
  const loss = hist.history.loss as number[];
  assert.ok(loss[loss.length - 1] < 0.8 * loss[0], `training loss ${loss.map((v) => v.toFixed(3)).join(' -> ')}`);
  tf.dispose([xs, ys]);
  model.dispose();
});
