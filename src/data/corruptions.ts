/**
 * Corruption suite for small grayscale images, in the style of ImageNet-C / CIFAR-10-C
 * (Hendrycks & Dietterich, "Benchmarking Neural Network Robustness to Common Corruptions and
 * Perturbations", ICLR 2019), adapted to 28×28 (MNIST, Fashion-MNIST) and 32×32 single-channel images.
 *
 * Pure functions on plain typed arrays: an image is a row-major H×W `Float32Array` with values in [0, 1].
 * Every corruption returns a new array of the same shape, clipped to [0, 1], and is deterministic for a
 * given `seed`; the random stream depends on the seed and the corruption name, not on the severity, so
 * a higher severity is the same corruption, stronger. The corruptions themselves (parameters per
 * severity, group, what they do) are the records in corruption-specs.ts; the lists below are derived
 * from them. The severity table and the choices behind it are in docs/corruptions.md (tested against
 * the records).
 */
import { CORRUPTION_SPECS, type CorruptionCategory, type CorruptionName, type CorruptionSpec } from './corruption-specs.js';
import { clip01InPlace } from './image-kernels.js';
import { jpegRoundTripBatch } from './jpeg.js';
import { saltedSeed, splitmix32 } from './random.js';
import { checkImage } from './shifts.js';

export type { CorruptionCategory, CorruptionName } from './corruption-specs.js';
export type Severity = 1 | 2 | 3 | 4 | 5;

/** Names of the corruptions, in the order used by reports and contact sheets. */
export const CORRUPTIONS = Object.keys(CORRUPTION_SPECS) as readonly CorruptionName[];

const specOf = (name: CorruptionName): CorruptionSpec => CORRUPTION_SPECS[name];

/** Category of each corruption (ImageNet-C grouping, weather excluded). */
export const CORRUPTION_CATEGORY: Readonly<Record<CorruptionName, CorruptionCategory>> = Object.fromEntries(
  CORRUPTIONS.map((c) => [c, specOf(c).category]),
) as Record<CorruptionName, CorruptionCategory>;

/** Corruptions whose output depends on the seed (random noise, random angle, random field). */
export const RANDOM_CORRUPTIONS: readonly CorruptionName[] = CORRUPTIONS.filter((c) => specOf(c).random);

/** The parameters of every severity (index 0 = severity 1), per corruption. */
export const SEVERITY_PARAMS = Object.fromEntries(CORRUPTIONS.map((c) => [c, CORRUPTION_SPECS[c].params])) as {
  readonly [K in CorruptionName]: (typeof CORRUPTION_SPECS)[K]['params'];
};

/** True when `name` is a known corruption. */
export function isCorruptionName(name: string): name is CorruptionName {
  return Object.prototype.hasOwnProperty.call(CORRUPTION_SPECS, name);
}

function checkArgs(fn: string, name: string, severity: number, seed: number): void {
  if (!isCorruptionName(name)) throw new Error(`${fn}: unknown corruption '${name}'; known: ${CORRUPTIONS.join(', ')}`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new Error(`${fn}: severity must be an integer in 1..5, got ${severity}`);
  if (!Number.isFinite(seed)) throw new Error(`${fn}: seed must be a finite number, got ${seed}`);
}

/**
 * Corrupt one image (row-major H×W, one channel, values in [0, 1]).
 *
 * ```ts
 * const noisy = corrupt(img, 28, 28, 'gaussian_noise', 3, 42);
 * ```
 * @throws on an unknown name, a severity outside 1..5, or an image whose length is not H·W.
 */
export function corrupt(image: Float32Array, height: number, width: number, name: CorruptionName, severity: Severity, seed: number): Float32Array {
  checkArgs('corrupt', name, severity, seed);
  checkImage('corrupt', image, height, width);
  const s = specOf(name);
  const px = Math.min(height, width) / 28; // pixel parameters are for 28 px images
  const rng = splitmix32(saltedSeed(seed, name));
  return clip01InPlace(s.apply(image, s.params, severity - 1, { height, width, px, rng }));
}

/**
 * Corrupt `n` stacked images (N×H×W). Image i uses seed `imageSeed(seed, i)`, so
 * `corruptBatch(x, …, seed)` image i equals `corrupt(x_i, …, imageSeed(seed, i))`.
 */
export function corruptBatch(
  images: Float32Array,
  n: number,
  height: number,
  width: number,
  name: CorruptionName,
  severity: Severity,
  seed: number,
): Float32Array {
  checkArgs('corruptBatch', name, severity, seed);
  if (!Number.isInteger(n) || n < 0) throw new Error(`corruptBatch: n must be a non-negative integer, got ${n}`);
  const size = height * width;
  if (images.length !== n * size) throw new Error(`corruptBatch: images has ${images.length} values, expected ${n}x${height}x${width} = ${n * size}`);
  if (name === 'jpeg_compression') {
    // Deterministic (no randomness): one mosaic encode for the whole batch, identical to per-image
    // round trips (see jpegRoundTripBatch) and ~50x faster than building one encoder per image.
    return jpegRoundTripBatch(images, n, height, width, CORRUPTION_SPECS.jpeg_compression.params.quality[severity - 1]);
  }
  const out = new Float32Array(n * size);
  for (let k = 0; k < n; k++) {
    out.set(corrupt(images.subarray(k * size, (k + 1) * size), height, width, name, severity, imageSeed(seed, k)), k * size);
  }
  return out;
}

/** The per-image seed `corruptBatch` uses for image `index`. */
export function imageSeed(seed: number, index: number): number {
  return saltedSeed(seed, 'image', index);
}
