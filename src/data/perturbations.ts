/**
 * Perturbation sequences in the style of ImageNet-P (Hendrycks & Dietterich 2019): short "videos" of one
 * image under a slowly growing perturbation. A stable model keeps its top-1 prediction along the
 * sequence; `flipRate` in src/train/robustness-metrics.ts measures how often it does not.
 *
 * Pure functions on plain single-channel images (row-major H×W Float32Array, values in [0, 1]).
 */
import { clip01InPlace } from './image-kernels.js';
import { saltedSeed, splitmix32 } from './random.js';
import { checkImage, rotateImage, shiftImage, type Boundary, type ShiftMode } from './shifts.js';

export const PERTURBATIONS = ['translate', 'rotate', 'gaussian_noise', 'brightness'] as const;
export type PerturbationKind = (typeof PERTURBATIONS)[number];

/**
 * Frame t of a sequence of `length` frames (offset k = t − floor((length − 1) / 2), so the clean image sits
 * in the middle and the perturbation grows both ways, except for noise):
 *
 * | kind           | frame t                                                              | default step |
 * |----------------|----------------------------------------------------------------------|--------------|
 * | translate      | shift by k·step px along a random axis (seeded), integer pixels      | 1 px         |
 * | rotate         | rotate by k·step degrees, random sense (seeded), bilinear            | 2°           |
 * | gaussian_noise | x + (t·step)·z with one fixed noise field z ~ N(0, 1); frame 0 clean | σ 0.02/frame |
 * | brightness     | x + k·step, random sign (seeded)                                     | 0.03/frame   |
 *
 * The gaussian-noise sequence reuses one noise field (growing amplitude) so that consecutive frames are
 * close, like ImageNet-P's temporally coherent noise; its flip rate is still best measured against
 * the first frame (`flipRate(…, {reference: 'first'})`), as ImageNet-P does for noise.
 */
export interface PerturbationOptions {
  /** Per-frame step (px for translate, degrees for rotate, σ for noise, intensity for brightness). */
  step?: number;
  /** How translate/rotate fill pixels from outside the image. Default 'edge' (black stays black on digits). */
  boundary?: 'zero' | 'edge';
}

const DEFAULT_STEP: Record<PerturbationKind, number> = { translate: 1, rotate: 2, gaussian_noise: 0.02, brightness: 0.03 };

/** Generate `length` frames (each a new H×W Float32Array, values in [0, 1]) of one perturbation of `image`. */
export function perturbationSequence(
  image: Float32Array,
  height: number,
  width: number,
  kind: PerturbationKind,
  length: number,
  seed: number,
  opts: PerturbationOptions = {},
): Float32Array[] {
  checkImage('perturbationSequence', image, height, width);
  if (!(PERTURBATIONS as readonly string[]).includes(kind)) {
    throw new Error(`perturbationSequence: unknown kind '${String(kind)}'; known: ${PERTURBATIONS.join(', ')}`);
  }
  if (!Number.isInteger(length) || length < 2) throw new Error(`perturbationSequence: length must be an integer >= 2, got ${length}`);
  if (!Number.isFinite(seed)) throw new Error(`perturbationSequence: seed must be a finite number, got ${seed}`);
  const step = opts.step ?? DEFAULT_STEP[kind];
  if (!Number.isFinite(step) || step < 0) throw new Error(`perturbationSequence: step must be a finite number >= 0, got ${step}`);
  const boundary = opts.boundary ?? 'edge';
  if (boundary !== 'zero' && boundary !== 'edge') throw new Error(`perturbationSequence: boundary must be 'zero' or 'edge', got '${String(boundary)}'`);
  const rng = splitmix32(saltedSeed(seed, 'perturbation', kind));
  const center = Math.floor((length - 1) / 2);
  const frames: Float32Array[] = [];
  switch (kind) {
    case 'translate': {
      if (!Number.isInteger(step)) throw new Error(`perturbationSequence: translate step must be an integer number of pixels, got ${step}`);
      const vertical = rng.uniform() < 0.5;
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      for (let t = 0; t < length; t++) {
        const k = sign * (t - center) * step;
        frames.push(shiftImage(image, height, width, vertical ? k : 0, vertical ? 0 : k, boundary as ShiftMode));
      }
      break;
    }
    case 'rotate': {
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      for (let t = 0; t < length; t++) {
        const deg = sign * (t - center) * step;
        frames.push(deg === 0 ? new Float32Array(image) : clip01InPlace(rotateImage(image, height, width, deg, boundary as Boundary)));
      }
      break;
    }
    case 'gaussian_noise': {
      const z = new Float32Array(height * width);
      for (let k = 0; k < z.length; k++) z[k] = rng.normal();
      for (let t = 0; t < length; t++) {
        const s = t * step;
        const f = new Float32Array(height * width);
        for (let k = 0; k < f.length; k++) f[k] = image[k] + s * z[k];
        frames.push(clip01InPlace(f));
      }
      break;
    }
    case 'brightness': {
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      for (let t = 0; t < length; t++) {
        const d = sign * (t - center) * step;
        const f = new Float32Array(height * width);
        for (let k = 0; k < f.length; k++) f[k] = image[k] + d;
        frames.push(clip01InPlace(f));
      }
      break;
    }
  }
  return frames;
}
