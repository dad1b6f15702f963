/**
 * Frozen numbers of the data layer: a SHA-256 of every corruption × severity (single images and
 * batches), every perturbation sequence, the shift pairs, and the seeded streams behind shuffling,
 * balanced subsets, augmentation and scene generation. The expected digests were computed on the code
 * before the data/ refactor (issue 17 item 4) and must never change: a change here means a refactor
 * changed the corrupted images, the training order or the scenes, and with them every reported number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CORRUPTIONS,
  CORRUPTION_CATEGORY,
  RANDOM_CORRUPTIONS,
  SEVERITY_PARAMS,
  batches,
  corrupt,
  corruptBatch,
  deriveSeed,
  imageSeed,
  makeScenes,
  mulberry32,
  PERTURBATIONS,
  perturbationSequence,
  permutation,
  randomShiftPairs,
  shuffleDataset,
  subsetBalanced,
  type Dataset,
  type Severity,
} from '../src/data/index.js';
import { saltedSeed, splitmix32 } from '../src/data/random.js';

/** A deterministic test image from a closed formula (no RNG): smooth blobs plus a sharp bar, in [0, 1]. */
function fixedImage(h: number, w: number, variant: number): Float32Array {
  const img = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = y / h - 0.5;
      const v = x / w - 0.5;
      const blob = Math.exp(-((u - 0.1 * variant) ** 2 + (v + 0.05 * variant) ** 2) * 18);
      const ring = Math.abs(Math.hypot(u, v) - 0.3) < 0.06 ? 0.8 : 0;
      const bar = Math.abs(x - w / 3 - variant) < 1.5 && y > h / 4 ? 1 : 0;
      img[y * w + x] = Math.min(1, 0.7 * blob + ring * (variant % 2) + bar * 0.9);
    }
  }
  return img;
}

const IMAGES: { h: number; w: number; img: Float32Array }[] = [
  { h: 28, w: 28, img: fixedImage(28, 28, 0) },
  { h: 28, w: 28, img: fixedImage(28, 28, 1) },
  { h: 32, w: 32, img: fixedImage(32, 32, 2) },
  { h: 20, w: 27, img: fixedImage(20, 27, 3) },
];

function sha(parts: Iterable<ArrayBufferView>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex').slice(0, 24);
}

function u32(values: number[]): Uint32Array {
  return Uint32Array.from(values.map((v) => v >>> 0));
}

function f64(values: number[]): Float64Array {
  return Float64Array.from(values);
}

/** sha256 (first 24 hex digits) of corrupt() at severities 1..5, seeds 7 and 123456789, on the four images. */
const CORRUPT_SHA: Record<string, string> = {
  gaussian_noise: '1a1ea298a1ca0d2605757d6d',
  shot_noise: '7b4b9eef09ca62db5549b4f4',
  impulse_noise: 'cc41378b0aa76cab427fed59',
  speckle_noise: 'cc06455f3912b34d9a477665',
  gaussian_blur: '8cb4697e3d615e600294928d',
  defocus_blur: 'bca27bf6487e62aa48f17251',
  glass_blur: '77672b0f4d02669e460a238d',
  motion_blur: '401bbb2de48830367b9e61ee',
  zoom_blur: '2192f4d1474e81a047f34a8f',
  contrast: 'c74877f93fa54bbc4b8b237e',
  brightness: '1277d9b62de57fc323934eed',
  pixelate: 'c06004e837bca03ad0d7c98b',
  jpeg_compression: 'f8ec4cd2be6a8d4d386e7bc7',
  elastic_transform: '4bcd27e8a02716fd7a3a4279',
};

/** corruptBatch of three stacked 28×28 images, severities 1..5, seed 11. */
const BATCH_SHA: Record<string, string> = {
  gaussian_noise: '49e9407f86ce06ade3397795',
  shot_noise: '25fc1e98882fc096f095f54e',
  impulse_noise: 'cb3e308dcf5031eecae3f4cf',
  speckle_noise: '5962ec7172d32296fad50076',
  gaussian_blur: 'c9244e949b8d54b7f44fd9c1',
  defocus_blur: 'd950c8b9c16decd41dd71e25',
  glass_blur: '14afbcb72ecde7e090b1863e',
  motion_blur: 'e0d3e646896193cf6e067060',
  zoom_blur: 'a7a6b5924156082576d8dc5d',
  contrast: '5352c918304e50e081ea7f2b',
  brightness: '14d317728b706af26c647d20',
  pixelate: 'f5243c02ec102ac5863260af',
  jpeg_compression: 'ba457388e39120987185aed8',
  elastic_transform: 'b763c818eb8184893f833135',
};

function corruptDigest(name: (typeof CORRUPTIONS)[number]): string {
  const parts: Float32Array[] = [];
  for (const seed of [7, 123456789]) {
    for (const { h, w, img } of IMAGES) {
      for (let s = 1; s <= 5; s++) parts.push(corrupt(img, h, w, name, s as Severity, seed));
    }
  }
  return sha(parts);
}

function batchDigest(name: (typeof CORRUPTIONS)[number]): string {
  const stack = new Float32Array(3 * 28 * 28);
  for (let k = 0; k < 3; k++) stack.set(fixedImage(28, 28, k + 4), k * 28 * 28);
  const parts: Float32Array[] = [];
  for (let s = 1; s <= 5; s++) parts.push(corruptBatch(stack, 3, 28, 28, name, s as Severity, 11));
  return sha(parts);
}

test('frozen: every corruption x severity is bit-identical to the recorded checksums', () => {
  const got = Object.fromEntries(CORRUPTIONS.map((c) => [c, corruptDigest(c)]));
  if (process.env.LIFTPOOL_PRINT_FROZEN) console.log(JSON.stringify(got, null, 2));
  assert.deepEqual(got, CORRUPT_SHA);
});

test('frozen: corruptBatch (incl. the jpeg mosaic path) is bit-identical to the recorded checksums', () => {
  const got = Object.fromEntries(CORRUPTIONS.map((c) => [c, batchDigest(c)]));
  if (process.env.LIFTPOOL_PRINT_FROZEN) console.log(JSON.stringify(got, null, 2));
  assert.deepEqual(got, BATCH_SHA);
});

const PERTURB_SHA: Record<string, string> = {
  translate: '6963d9b55b6a66d8c656a6f7',
  rotate: '34c2ad1a717d69f3ec5268d5',
  gaussian_noise: 'cd4e19aa23cce4542d5c06ed',
  brightness: '84fa6ba573b07a560f7923de',
  shiftPairs: '2bdee5473871158a65802a51',
};

test('frozen: perturbation sequences and shift pairs', () => {
  const got: Record<string, string> = {};
  for (const kind of PERTURBATIONS) {
    const frames = IMAGES.flatMap(({ h, w, img }, i) => perturbationSequence(img, h, w, kind, 7, 31 + i));
    got[kind] = sha(frames);
  }
  const pairs = randomShiftPairs(50, 3, 99);
  got.shiftPairs = sha([Int32Array.from(pairs.flatMap((p) => [p.dy1, p.dx1, p.dy2, p.dx2]))]);
  if (process.env.LIFTPOOL_PRINT_FROZEN) console.log(JSON.stringify(got, null, 2));
  assert.deepEqual(got, PERTURB_SHA);
});

/** A small synthetic labelled dataset (no RNG): 60 images 8×8, 3 classes, unbalanced. */
function toyDataset(): Dataset {
  const n = 60;
  const images = new Uint8Array(n * 8 * 8);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 5 === 0 ? 2 : i % 2;
    for (let p = 0; p < 64; p++) images[i * 64 + p] = (i * 37 + p * 11 + ((p >> 3) * (p & 7) * 5)) & 255;
  }
  return { name: 'toy', split: 'train', images, labels, n, height: 8, width: 8, channels: 1, numClasses: 3, classNames: ['a', 'b', 'c'] };
}

const STREAM_SHA: Record<string, string> = {
  mulberry32: '47a59edb36fcdb805b913728',
  corruptionRng: '4ce13cdeb7047fac0beb35e9',
  deriveSeed: '8f56a20e54d5c05a0f0f4918',
  deriveCorruptionSeed: '0919b04c27e31c7e620cb4ba',
  permutation: 'f7f6a4d3de187990fca7e156',
  shuffleDataset: 'b9d695b0068e76e5e0cbcb30',
  subsetBalanced: 'e5155e1183c3cfc5e86d1e8c',
  batches: 'f30457c0cdc495d5d2964e49',
  scenes: 'c9bf7b6ba6b5f5de9c0938b1',
};

test('frozen: seeded streams (seeds, shuffles, subsets, batches with augmentation, scenes)', () => {
  const got: Record<string, string> = {};
  const mul = mulberry32(12345);
  got.mulberry32 = sha([f64(Array.from({ length: 64 }, () => mul.uniform()))]);
  const crng = splitmix32(12345);
  got.corruptionRng = sha([f64(Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? crng.uniform() : i % 3 === 1 ? crng.normal() : crng.poisson(i))))]);
  got.deriveSeed = sha([u32([deriveSeed(0), deriveSeed(1, 2, 3), deriveSeed(7, 0, 1), deriveSeed(2 ** 40 + 5, 9), deriveSeed(-3, 0x5f1)])]);
  got.deriveCorruptionSeed = sha([
    u32([saltedSeed(0), saltedSeed(42, 'gaussian_noise'), saltedSeed(42, 'image', 3), saltedSeed(-5, 'shift'), imageSeed(9, 17)]),
  ]);
  got.permutation = sha([permutation(100, 77)]);
  const ds = toyDataset();
  const sh = shuffleDataset(ds, 5);
  got.shuffleDataset = sha([sh.sourceIndex ?? new Uint32Array(0), sh.labels]);
  const sub = subsetBalanced(ds, 25, 3);
  got.subsetBalanced = sha([sub.sourceIndex ?? new Uint32Array(0)]);
  const parts: ArrayBufferView[] = [];
  for (const epoch of [0, 1]) {
    for (const b of batches(ds, { batchSize: 16, shuffle: true, seed: 4, epoch, augment: { cropPadding: 2, horizontalFlip: true }, normalize: { mean: 0.5, std: 0.25 } })) {
      parts.push(b.xs, b.ys, b.indices);
    }
  }
  got.batches = sha(parts);
  const scenes = makeScenes(ds, 12, { size: 20, minItems: 1, maxItems: 3, minScale: 0.8, maxScale: 1.5, seed: 6 });
  got.scenes = sha([scenes.images, scenes.labels, scenes.itemsPerScene]);
  if (process.env.LIFTPOOL_PRINT_FROZEN) console.log(JSON.stringify(got, null, 2));
  assert.deepEqual(got, STREAM_SHA);
});

const TABLES_SHA = 'a6ad6dbe2b6261745b1219b0';

test('frozen: the corruption tables (names, order, categories, random set, severity parameters)', () => {
  const tables = { CORRUPTIONS, CORRUPTION_CATEGORY, RANDOM_CORRUPTIONS, SEVERITY_PARAMS };
  assert.equal(sha([new TextEncoder().encode(JSON.stringify(tables))]), TABLES_SHA);
});
