import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batches, toTensors, type Dataset } from '../src/data/index.js';

test('toTensors works with the real TF.js namespace', async () => {
  await tf.setBackend('cpu');
  const ds: Dataset = {
    name: 'synthetic',
    images: Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10),
    labels: Uint8Array.from([4, 1]),
    n: 2,
    height: 3,
    width: 3,
    channels: 1,
    numClasses: 5,
    classNames: ['a', 'b', 'c', 'd', 'e'],
  };
  const [batch] = [...batches(ds, { batchSize: 2 })];
  const { xs, ys } = toTensors(batch, tf);
  assert.deepEqual(xs.shape, [2, 3, 3, 1]);
  assert.equal(xs.dtype, 'float32');
  assert.equal(ys.dtype, 'int32');
  assert.deepEqual(Array.from(ys.dataSync()), [4, 1]);
  const oh = toTensors(batch, tf, { oneHot: 5 });
  assert.deepEqual(oh.ys.shape, [2, 5]);
  assert.deepEqual(Array.from(oh.ys.dataSync()), [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]);
  tf.dispose([xs, ys, oh.xs, oh.ys]);
});
