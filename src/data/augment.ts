/**
 * Seeded randomness and image augmentation. Pure functions: no I/O, no global state, no `Math.random`.
 *
 * Images are row-major NHWC batches (`[n, h, w, c]` flattened) stored in a `Float32Array` or `Uint8Array`.
 * Every random decision comes from an explicit {@link Rng}, so a given seed always produces the same output.
 */

/** A source of uniform floats in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a tiny 32-bit-state PRNG (public-domain algorithm by Tommy Ettinger).
 * Fast and good enough for shuffling and augmentation; not cryptographic.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mix several integers (a base seed plus e.g. an epoch number or a purpose tag) into one 32-bit seed,
 * so independent streams can be derived from one user seed: `mulberry32(deriveSeed(seed, epoch))`.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Fold in both halves so seeds above 2^32 are not silently truncated.
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    for (const v of [lo, hi]) {
      h = Math.imul(h ^ v, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** Uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** A random permutation of 0..n-1 determined by `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, mulberry32(seed));
}

/** Shape of an NHWC batch. */
export interface BatchShape {
  n: number;
  height: number;
  width: number;
  channels: number;
}

export interface AugmentOptions {
  /**
   * Random crop with zero padding: the image is padded by `cropPadding` zeros on every side and a
   * `height × width` window is cut at a uniformly random offset — i.e. a random shift by
   * dx, dy ∈ [-k, k] with zero fill. 0 or undefined disables it.
   */
  cropPadding?: number;
  /**
   * Mirror each image left–right with probability 1/2. The caller decides per dataset: sensible for
   * Fashion-MNIST (clothes are roughly symmetric), wrong for MNIST digits.
   */
  horizontalFlip?: boolean;
}

/**
 * Suggested augmentation per dataset: a ±2-pixel random crop for both, horizontal flips for
 * Fashion-MNIST only. A convenience; trainers may pass their own {@link AugmentOptions}.
 */
export function recommendedAugmentation(dataset: 'mnist' | 'fashion-mnist'): AugmentOptions {
  return { cropPadding: 2, horizontalFlip: dataset === 'fashion-mnist' };
}

/**
 * Augment a batch. Returns a new array of the same type and shape; the input is not modified.
 * Per image, the random draws are: crop offset y, crop offset x (only when cropPadding > 0),
 * then flip (only when horizontalFlip) — so the result depends only on the rng state and options.
 * Zero fill means "background" for raw images; apply augmentation before normalisation.
 */
export function augmentBatch<A extends Float32Array | Uint8Array>(
  images: A,
  shape: BatchShape,
  opts: AugmentOptions,
  rng: Rng,
): A {
  const { n, height: h, width: w, channels: c } = shape;
  if (images.length !== n * h * w * c) {
    throw new Error(`augmentBatch: images has ${images.length} values, expected ${n}×${h}×${w}×${c} = ${n * h * w * c}`);
  }
  const k = opts.cropPadding ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new Error(`augmentBatch: cropPadding must be a non-negative integer, got ${k}`);
  const out = (images instanceof Uint8Array ? new Uint8Array(images.length) : new Float32Array(images.length)) as A;
  const size = h * w * c;
  for (let i = 0; i < n; i++) {
    const dy = k > 0 ? randInt(rng, 2 * k + 1) - k : 0;
    const dx = k > 0 ? randInt(rng, 2 * k + 1) - k : 0;
    const flip = opts.horizontalFlip ? rng() < 0.5 : false;
    const base = i * size;
    // out(y, x) = in(y + dy, x' + dx) where x' is x mirrored when flipping; zero outside.
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const xf = flip ? w - 1 - x : x;
        const sx = xf + dx;
        if (sx < 0 || sx >= w) continue;
        const o = base + (y * w + x) * c;
        const s = base + (sy * w + sx) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = images[s + ch];
      }
    }
  }
  return out;
}
