/**
 * Pure helpers on a {@link Dataset}: statistics, conversion to float, normalisation, zero-padding,
 * selection, seeded shuffling and balanced subsets. No I/O (loading is in load-dataset.ts, batching in
 * batches.ts); every function is a pure function of its arguments, deterministic for a given seed.
 */
import { deriveSeed, mulberry32, shuffleInPlace } from './random.js';
import { DATASET_NAMES, type Dataset, type DatasetName, type MeanStd } from './types.js';

/**
 * Per-dataset pixel mean and standard deviation (pixels scaled to [0, 1], all pixels of the train split
 * at 28×28, population std), as computed by {@link computeMeanStd}; a test checks them against the data.
 * MNIST matches the usual 0.1307 / 0.3081. Fashion-MNIST is for this project's split (docs/datasets.md).
 */
export const DATASET_STATS: Readonly<Record<DatasetName, MeanStd>> = {
  mnist: { mean: 0.1307, std: 0.3081 },
  'fashion-mnist': { mean: 0.286, std: 0.3528 },
};

/** Throw a clear error when the image / label array lengths disagree with the dataset's n and shape. */
export function checkShape(ds: Dataset, fn: string): void {
  if (ds.images.length !== ds.n * ds.height * ds.width * ds.channels || ds.labels.length !== ds.n) {
    throw new Error(`${fn}: dataset '${ds.name}' has inconsistent sizes (n=${ds.n}, images=${ds.images.length}, labels=${ds.labels.length})`);
  }
}

/** Mean and (population) standard deviation of all pixel values, in [0, 1] units. */
export function computeMeanStd(ds: Dataset): MeanStd {
  checkShape(ds, 'computeMeanStd');
  const scale = ds.images instanceof Uint8Array ? 1 / 255 : 1;
  let sum = 0;
  let sumSq = 0;
  const img = ds.images;
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    sum += v;
    sumSq += v * v;
  }
  const count = img.length;
  const mean = (sum / count) * scale;
  const variance = (sumSq / count) * scale * scale - mean * mean;
  return { mean, std: Math.sqrt(Math.max(0, variance)) };
}

/** Number of samples per class. */
export function labelHistogram(ds: Dataset): number[] {
  const h = new Array<number>(ds.numClasses).fill(0);
  for (let i = 0; i < ds.labels.length; i++) h[ds.labels[i]]++;
  return h;
}

/** The dataset with `Float32Array` images in [0, 1] (the same object when it already is float). */
export function toFloat32(ds: Dataset): Dataset {
  if (ds.images instanceof Float32Array) return ds;
  const out = new Float32Array(ds.images.length);
  const src = ds.images;
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
  return { ...ds, images: out };
}

/**
 * Normalise pixel values: `(x − mean) / std` with x in [0, 1] (uint8 input is divided by 255 first).
 * Returns a new array; the result is no longer in [0, 1], so it is a plain array, not a Dataset.
 */
export function normalizeImages(images: Float32Array | Uint8Array, stats: MeanStd): Float32Array {
  const out = new Float32Array(images.length);
  const scale = images instanceof Uint8Array ? 1 / 255 : 1;
  const inv = 1 / stats.std;
  for (let i = 0; i < images.length; i++) out[i] = (images[i] * scale - stats.mean) * inv;
  return out;
}

/** Statistics for a dataset name, or an error naming the known datasets. */
export function statsFor(name: string): MeanStd {
  const s = (DATASET_STATS as Record<string, MeanStd | undefined>)[name];
  if (!s) throw new Error(`No normalisation statistics for dataset '${name}' (known: ${DATASET_NAMES.join(', ')}); pass {mean, std} explicitly`);
  return s;
}

/**
 * Zero-pad every image to `size × size` (default 32), centred: the top/left margin is
 * ⌊(size − h)/2⌋ and the rest goes to the bottom/right (28 → 32 gives 2 on each side).
 * Pad raw images (0 = background), before normalisation. Keeps the array type.
 */
export function padDataset(ds: Dataset, size = 32): Dataset {
  checkShape(ds, 'padDataset');
  const { height: h, width: w, channels: c, n } = ds;
  if (size < h || size < w) throw new Error(`padDataset: cannot pad ${h}×${w} images to ${size}×${size}`);
  if (size === h && size === w) return ds;
  const top = Math.floor((size - h) / 2);
  const left = Math.floor((size - w) / 2);
  const out = ds.images instanceof Uint8Array ? new Uint8Array(n * size * size * c) : new Float32Array(n * size * size * c);
  const rowLen = w * c;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const s = ((i * h + y) * w) * c;
      const d = ((i * size + y + top) * size + left) * c;
      out.set(ds.images.subarray(s, s + rowLen), d);
    }
  }
  return { ...ds, images: out, height: size, width: size };
}

/** A new dataset holding the given samples, in the given order. */
export function selectSamples(ds: Dataset, indices: ArrayLike<number>): Dataset {
  checkShape(ds, 'selectSamples');
  const size = ds.height * ds.width * ds.channels;
  const m = indices.length;
  const images = ds.images instanceof Uint8Array ? new Uint8Array(m * size) : new Float32Array(m * size);
  const labels = new Uint8Array(m);
  const sourceIndex = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n) throw new Error(`selectSamples: index ${i} out of range [0, ${ds.n})`);
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i];
    sourceIndex[k] = ds.sourceIndex ? ds.sourceIndex[i] : i;
  }
  return { ...ds, images, labels, n: m, sourceIndex };
}

/** The dataset in a seeded random order. */
export function shuffleDataset(ds: Dataset, seed: number): Dataset {
  const perm = new Uint32Array(ds.n);
  for (let i = 0; i < ds.n; i++) perm[i] = i;
  return selectSamples(ds, shuffleInPlace(perm, mulberry32(deriveSeed(seed, 0x5f1))));
}

/**
 * A class-balanced subset of at most `limit` samples, deterministic for `seed`.
 * Each class gets ⌊limit / numClasses⌋ samples; the remaining `limit mod numClasses` go one each to
 * classes 0, 1, 2, …; if a class has too few samples, its shortfall is handed to the following classes
 * (in class order, cyclically) that still have some. Within a class the samples are a seeded random
 * choice. The result keeps the dataset's original sample order. `limit ≥ n` returns the whole dataset.
 */
export function subsetBalanced(ds: Dataset, limit: number, seed: number): Dataset {
  checkShape(ds, 'subsetBalanced');
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`subsetBalanced: limit must be a non-negative integer, got ${limit}`);
  if (limit >= ds.n) return ds;
  const K = ds.numClasses;
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < ds.n; i++) byClass[ds.labels[i]].push(i);
  const quota = byClass.map((_, c) => Math.floor(limit / K) + (c < limit % K ? 1 : 0));
  // Redistribute shortfalls of small classes to the next classes with spare samples.
  let shortfall = 0;
  for (let c = 0; c < K; c++) {
    if (quota[c] > byClass[c].length) {
      shortfall += quota[c] - byClass[c].length;
      quota[c] = byClass[c].length;
    }
  }
  for (let c = 0; shortfall > 0; c = (c + 1) % K) {
    if (quota[c] < byClass[c].length) {
      quota[c]++;
      shortfall--;
    }
  }
  const chosen: number[] = [];
  for (let c = 0; c < K; c++) {
    const idx = byClass[c];
    const rng = mulberry32(deriveSeed(seed, 0x5b, c));
    // Partial Fisher–Yates: the first quota[c] entries become a uniform random sample.
    for (let i = 0; i < quota[c]; i++) {
      const j = i + Math.floor(rng.uniform() * (idx.length - i));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      chosen.push(idx[i]);
    }
  }
  chosen.sort((a, b) => a - b);
  return selectSamples(ds, chosen);
}

