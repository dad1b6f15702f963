import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  augmentBatch,
  batches,
  deriveSeed,
  labelHistogram,
  mulberry32,
  normalizeImages,
  numBatches,
  padDataset,
  permutation,
  recommendedAugmentation,
  selectSamples,
  shuffleDataset,
  subsetBalanced,
  toFloat32,
  toTensors,
  type Dataset,
  type TensorFactory,
} from '../src/data/index.js';

/** Synthetic dataset: sample i is an h×w image filled with (i mod 251) + 1 at its pixels, label = i mod K or given. */
function synth(n: number, opts: { h?: number; w?: number; labels?: number[]; numClasses?: number } = {}): Dataset {
  const h = opts.h ?? 4;
  const w = opts.w ?? 4;
  const K = opts.numClasses ?? 10;
  const images = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) images[i * h * w + p] = ((i * 7 + p) % 251) + 1;
  const labels = Uint8Array.from(opts.labels ?? Array.from({ length: n }, (_, i) => i % K));
  return { name: 'synthetic', images, labels, n, height: h, width: w, channels: 1, numClasses: K, classNames: Array.from({ length: K }, (_, i) => String(i)) };
}

test('mulberry32 is deterministic and roughly uniform; deriveSeed separates streams', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.uniform()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05);
  assert.notEqual(mulberry32(1).uniform(), mulberry32(2).uniform());
  assert.notEqual(deriveSeed(1, 0), deriveSeed(1, 1));
  assert.notEqual(deriveSeed(1, 2 ** 32), deriveSeed(1, 0));
  const p = permutation(50, 3);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(p, permutation(50, 3));
  assert.notDeepEqual(p, permutation(50, 4));
});

test('subsetBalanced: balanced per class, remainder to the first classes, deterministic', () => {
  const ds = synth(1000);
  const s = subsetBalanced(ds, 103, 7);
  assert.equal(s.n, 103);
  assert.deepEqual(labelHistogram(s), [11, 11, 11, 10, 10, 10, 10, 10, 10, 10]);
  assert.deepEqual(subsetBalanced(ds, 103, 7).sourceIndex, s.sourceIndex);
  assert.notDeepEqual(subsetBalanced(ds, 103, 8).sourceIndex, s.sourceIndex);
  // Original order is kept, no duplicates, and images follow their labels.
  const src = [...s.sourceIndex!];
  assert.deepEqual(src, [...src].sort((a, b) => a - b));
  assert.equal(new Set(src).size, 103);
  for (let k = 0; k < s.n; k++) assert.equal(s.labels[k], ds.labels[src[k]]);
  assert.deepEqual(s.images.subarray(16, 32), ds.images.subarray(src[1] * 16, src[1] * 16 + 16));
  // limit >= n returns everything.
  assert.equal(subsetBalanced(ds, 5000, 1).n, 1000);
});

test('subsetBalanced: a small class hands its shortfall to the others', () => {
  // Class 0 has only 2 samples, classes 1 and 2 have 50 each.
  const labels = [0, 0, ...new Array(50).fill(1), ...new Array(50).fill(2)];
  const ds = synth(labels.length, { labels, numClasses: 3 });
  const s = subsetBalanced(ds, 30, 1);
  assert.equal(s.n, 30);
  assert.deepEqual(labelHistogram(s), [2, 14, 14]);
});

test('selectSamples and shuffleDataset keep images and labels together', () => {
  const ds = synth(20);
  const sh = shuffleDataset(ds, 5);
  assert.deepEqual(shuffleDataset(ds, 5).sourceIndex, sh.sourceIndex);
  for (let k = 0; k < sh.n; k++) {
    const i = sh.sourceIndex![k];
    assert.equal(sh.labels[k], ds.labels[i]);
    assert.deepEqual(sh.images.subarray(k * 16, k * 16 + 16), ds.images.subarray(i * 16, i * 16 + 16));
  }
  assert.throws(() => selectSamples(ds, [20]), /out of range/);
});

test('padDataset centres 28×28 images in 32×32 with zeros', () => {
  const ds = synth(3, { h: 28, w: 28 });
  const p = padDataset(ds);
  assert.deepEqual([p.height, p.width, p.n], [32, 32, 3]);
  assert.ok(p.images instanceof Uint8Array);
  for (let i = 0; i < 3; i++) {
    let sum = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const v: number = p.images[(i * 32 + y) * 32 + x];
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        if (inside) assert.equal(v, ds.images[(i * 28 + y - 2) * 28 + x - 2]);
        else sum += v;
      }
    }
    assert.equal(sum, 0, 'border is zero');
  }
  const f = padDataset(toFloat32(ds), 32);
  assert.ok(f.images instanceof Float32Array);
  assert.equal(f.images[(0 * 32 + 2) * 32 + 2], Math.fround(ds.images[0] / 255));
  // Odd margins: the extra row/column goes bottom/right.
  const odd = padDataset(synth(1, { h: 2, w: 2 }), 5);
  assert.deepEqual([...odd.images.subarray(5, 10)], [0, ...Array.from(synth(1, { h: 2, w: 2 }).images.subarray(0, 2)), 0, 0]);
  assert.throws(() => padDataset(ds, 20), /cannot pad/);
});

test('augmentBatch: deterministic for a seed, shape-preserving, shifts and flips correctly', () => {
  const ds = toFloat32(synth(16, { h: 8, w: 8 }));
  const shape = { n: 16, height: 8, width: 8, channels: 1 };
  const opts = { cropPadding: 2, horizontalFlip: true };
  const a = augmentBatch(ds.images as Float32Array, shape, opts, mulberry32(9));
  const b = augmentBatch(ds.images as Float32Array, shape, opts, mulberry32(9));
  const c = augmentBatch(ds.images as Float32Array, shape, opts, mulberry32(10));
  assert.equal(a.length, ds.images.length);
  assert.ok(a instanceof Float32Array);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // No-op options copy the input.
  assert.deepEqual(augmentBatch(ds.images as Float32Array, shape, {}, mulberry32(1)), ds.images);
  // Flip only (k = 0): every image is either unchanged or mirrored.
  const img = Uint8Array.from({ length: 12 }, (_, i) => i + 1); // 1×3×4
  const s1 = { n: 1, height: 3, width: 4, channels: 1 };
  const mirrored = [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9];
  const seen = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const out = [...augmentBatch(img, s1, { horizontalFlip: true }, mulberry32(seed))];
    assert.ok(JSON.stringify(out) === JSON.stringify([...img]) || JSON.stringify(out) === JSON.stringify(mirrored));
    seen.add(JSON.stringify(out));
  }
  assert.equal(seen.size, 2);
  // Crop only: the output is the input shifted with zero fill, and pixel values are preserved.
  for (let seed = 0; seed < 20; seed++) {
    const out = augmentBatch(img, s1, { cropPadding: 1 }, mulberry32(seed));
    for (const v of out) assert.ok(v === 0 || img.includes(v));
    const shifted = [...out].filter((v) => v > 0);
    assert.ok(shifted.length >= 6);
  }
  assert.deepEqual(recommendedAugmentation('mnist'), { cropPadding: 2, horizontalFlip: false });
  assert.equal(recommendedAugmentation('fashion-mnist').horizontalFlip, true);
});

test('batches: sizes, determinism per (seed, epoch), normalisation', () => {
  const ds = synth(25);
  const list = (o: Parameters<typeof batches>[1]) => [...batches(ds, o)];
  const plain = list({ batchSize: 10 });
  assert.deepEqual(plain.map((b) => b.shape[0]), [10, 10, 5]);
  assert.deepEqual(plain.map((b) => b.shape.slice(1)), [[4, 4, 1], [4, 4, 1], [4, 4, 1]]);
  assert.equal(plain[0].xs[0], Math.fround(ds.images[0] / 255));
  assert.deepEqual([...plain[2].ys], [...ds.labels.subarray(20)]);
  assert.equal(list({ batchSize: 10, dropLast: true }).length, 2);
  assert.equal(numBatches(25, 10), 3);
  const o = { batchSize: 8, shuffle: true, seed: 3, epoch: 1, augment: { cropPadding: 1, horizontalFlip: true } };
  const a = list(o);
  const b = list(o);
  assert.deepEqual(a, b);
  assert.notDeepEqual(list({ ...o, epoch: 2 }).map((x) => [...x.indices]), a.map((x) => [...x.indices]));
  const all = a.flatMap((x) => [...x.indices]).sort((p, q) => p - q);
  assert.deepEqual(all, Array.from({ length: 25 }, (_, i) => i));
  for (const x of a) for (let k = 0; k < x.ys.length; k++) assert.equal(x.ys[k], ds.labels[x.indices[k]]);
  const stats = { mean: 0.5, std: 0.25 };
  const n = list({ batchSize: 25, normalize: stats })[0];
  const expected = normalizeImages(ds.images, stats);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(n.xs[i] - expected[i]) < 1e-6);
  assert.throws(() => list({ batchSize: 4, normalize: true }), /No normalisation statistics for dataset 'synthetic'/);
  assert.throws(() => list({ batchSize: 0 }), /batchSize/);
});

test('toTensors passes shapes and dtypes to the tensor factory', () => {
  const calls: unknown[][] = [];
  const fake = {
    tensor4d: (...args: unknown[]) => (calls.push(['4d', ...args]), 'X'),
    tensor2d: (...args: unknown[]) => (calls.push(['2d', ...args]), 'Y2'),
    tensor1d: (...args: unknown[]) => (calls.push(['1d', ...args]), 'Y1'),
  } as unknown as TensorFactory;
  const [batch] = [...batches(synth(3), { batchSize: 3 })];
  toTensors(batch, fake);
  toTensors(batch, fake, { oneHot: 10 });
  assert.deepEqual(calls[0].slice(2), [[3, 4, 4, 1], 'float32']);
  assert.deepEqual(calls[1], ['1d', Int32Array.from([0, 1, 2]), 'int32']);
  const oh = calls[3] as [string, Float32Array, number[]];
  assert.deepEqual(oh[2], [3, 10]);
  assert.deepEqual([...oh[1].subarray(10, 20)], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
});
