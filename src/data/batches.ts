/**
 * Mini-batches of float pixels from a {@link Dataset}: a seeded order and seeded augmentation per epoch,
 * optional normalisation, and conversion to TF.js tensors. Pure (no I/O).
 */
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { augmentBatch, type AugmentOptions } from './augment.js';
import { checkShape, statsFor } from './datasets.js';
import { deriveSeed, mulberry32, shuffleInPlace } from './random.js';
import type { Dataset, MeanStd } from './types.js';

/** One mini-batch: `xs` is NHWC float32 with `shape`, `ys` the labels, `indices` the dataset rows used. */
export interface Batch {
  xs: Float32Array;
  ys: Uint8Array;
  shape: [number, number, number, number];
  indices: Uint32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Visit samples in a seeded random order (different per epoch). Default false: dataset order. */
  shuffle?: boolean;
  /** Base seed for shuffling and augmentation. Default 0. */
  seed?: number;
  /** Epoch number, mixed into the seed so each epoch gets its own order and augmentation. Default 0. */
  epoch?: number;
  /** Drop a final batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Augmentation applied to each batch (before normalisation). */
  augment?: AugmentOptions;
  /** `true`: normalise with the dataset's {@link DATASET_STATS}; or explicit statistics. Default: [0, 1] pixels. */
  normalize?: boolean | MeanStd;
}

/** Number of batches {@link batches} yields. */
export function numBatches(n: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Iterate over mini-batches of float pixels. Deterministic for (seed, epoch): the order comes from one
 * seeded stream and the augmentation from another, consumed batch after batch.
 */
export function* batches(ds: Dataset, opts: BatchOptions): Generator<Batch> {
  checkShape(ds, 'batches');
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const seed = opts.seed ?? 0;
  const epoch = opts.epoch ?? 0;
  const order = new Uint32Array(ds.n);
  for (let i = 0; i < ds.n; i++) order[i] = i;
  if (opts.shuffle) shuffleInPlace(order, mulberry32(deriveSeed(seed, epoch, 1)));
  const augRng = mulberry32(deriveSeed(seed, epoch, 2));
  const augment = opts.augment && ((opts.augment.cropPadding ?? 0) > 0 || opts.augment.horizontalFlip) ? opts.augment : undefined;
  const stats = opts.normalize === true ? statsFor(ds.name) : opts.normalize || undefined;
  const { height: h, width: w, channels: c } = ds;
  const size = h * w * c;
  const scale = ds.images instanceof Uint8Array ? 1 / 255 : 1;
  const shift = stats ? stats.mean : 0;
  const mul = stats ? 1 / stats.std : 1;
  const count = numBatches(ds.n, batchSize, opts.dropLast);
  for (let b = 0; b < count; b++) {
    const indices = order.slice(b * batchSize, Math.min(ds.n, (b + 1) * batchSize));
    const m = indices.length;
    let xs = new Float32Array(m * size);
    const ys = new Uint8Array(m);
    for (let k = 0; k < m; k++) {
      const i = indices[k];
      const src = ds.images.subarray(i * size, (i + 1) * size);
      const base = k * size;
      for (let p = 0; p < size; p++) xs[base + p] = src[p] * scale;
      ys[k] = ds.labels[i];
    }
    if (augment) xs = augmentBatch(xs, { n: m, height: h, width: w, channels: c }, augment, augRng);
    if (stats) for (let p = 0; p < xs.length; p++) xs[p] = (xs[p] - shift) * mul;
    yield { xs, ys, shape: [m, h, w, c], indices };
  }
}

/** The parts of a TF.js namespace that {@link toTensors} needs (pass `tf` from tfjs or tfjs-node). */
export interface TensorFactory {
  tensor4d(values: Float32Array, shape: [number, number, number, number], dtype?: 'float32'): Tensor4D;
  tensor2d(values: Float32Array, shape: [number, number], dtype?: 'float32'): Tensor2D;
  tensor1d(values: Int32Array, dtype?: 'int32'): Tensor1D;
}

/**
 * Convert a batch to tensors: `xs` float32 [B, H, W, C]; `ys` int32 [B] labels, or float32 [B, numClasses]
 * one-hot when `oneHot` is given. The caller owns (and must dispose) the tensors.
 */
export function toTensors(batch: Batch, tf: TensorFactory, opts: { oneHot?: number } = {}): { xs: Tensor4D; ys: Tensor1D | Tensor2D } {
  const xs = tf.tensor4d(batch.xs, batch.shape, 'float32');
  if (opts.oneHot) {
    const k = opts.oneHot;
    const oh = new Float32Array(batch.ys.length * k);
    for (let i = 0; i < batch.ys.length; i++) oh[i * k + batch.ys[i]] = 1;
    return { xs, ys: tf.tensor2d(oh, [batch.ys.length, k], 'float32') };
  }
  return { xs, ys: tf.tensor1d(Int32Array.from(batch.ys), 'int32') };
}
