/**
 * Image augmentation (random crop with zero padding, horizontal flip). Pure functions: no I/O, no
 * global state, no `Math.random`.
 *
 * Images are row-major NHWC batches (`[n, h, w, c]` flattened) stored in a `Float32Array` or `Uint8Array`.
 * Every random decision comes from an explicit {@link Rng}, so a given seed always produces the same output.
 */
import type { Rng } from './random.js';

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
    const dy = k > 0 ? rng.below(2 * k + 1) - k : 0;
    const dx = k > 0 ? rng.below(2 * k + 1) - k : 0;
    const flip = opts.horizontalFlip ? rng.uniform() < 0.5 : false;
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
