/**
 * Robustness evaluation driver: one classifier, one test set, every instrument of the robustness suite.
 *
 * - **Clean error**: top-1 error on the test images.
 * - **Corruption errors** (ImageNet-C style, Hendrycks & Dietterich 2019): top-1 error on every corruption of
 *   `CORRUPTIONS` (src/data/corruptions.ts) at severities 1..5. Image i of corruption c uses the seed
 *   `imageSeed(saltedSeed(seed, 'corruption'), i)` (through `corruptBatch`), so two models evaluated with the
 *   same seed see exactly the same corrupted images.
 * - **Shift consistency** (Zhang 2019): each image is shifted twice by random integer offsets
 *   (dy, dx ∈ [−k, k], `randomShiftPairs`) and the fraction of images whose two predictions agree is reported.
 *   Shifts are **zero-padded** (content moved out of the frame is lost, zeros come in), not circular: a
 *   circular shift of a 28×28 digit wraps strokes around to the opposite border, which never happens to a
 *   real image; zero padding matches the black background of MNIST / Fashion-MNIST. `shiftMode: 'circular'`
 *   is available for comparison with papers that use it.
 * - **Flip rates** (ImageNet-P style): for each perturbation kind of `PERTURBATIONS`
 *   (src/data/perturbations.ts) every image becomes a sequence of `sequenceLength` frames (default 10), and
 *   the flip rate is the fraction of compared frame pairs whose top-1 prediction changes. Geometric and
 *   brightness sequences compare consecutive frames; the gaussian-noise sequence compares every frame with
 *   the first (clean) one, as ImageNet-P does for noise.
 *
 * Images are corrupted / shifted / perturbed as [0, 1] floats and only then normalised with the dataset
 * statistics, exactly as training and `evaluateClassifier` feed the model. Predictions run in batches of
 * `batchSize` images; nothing is kept in memory beyond one batch of frames and the predicted class ids.
 * The result is deterministic for a given model, test set, seed and backend.
 */
import * as tf from '@tensorflow/tfjs';
import { statsFor, toFloat32 } from '../data/datasets.js';
import type { Dataset, MeanStd } from '../data/types.js';
import { CORRUPTIONS, corruptBatch, isCorruptionName, type CorruptionName, type Severity } from '../data/corruptions.js';
import { saltedSeed } from '../data/random.js';
import { randomShiftPairs, shiftBatch, type ShiftMode } from '../data/shifts.js';
import { PERTURBATIONS, perturbationSequence, type PerturbationKind } from '../data/perturbations.js';
import { errorPerCorruption, errorRate, flipRateFlat, shiftConsistency, type FlipRateOptions } from './robustness-metrics.js';

export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

/** Which frame each flip-rate comparison uses, per perturbation kind (ImageNet-P convention). */
export const FLIP_REFERENCE: Readonly<Record<PerturbationKind, NonNullable<FlipRateOptions['reference']>>> = {
  translate: 'consecutive',
  rotate: 'consecutive',
  gaussian_noise: 'first',
  brightness: 'consecutive',
};

export interface RobustnessProgress {
  /** What is being evaluated. */
  stage: 'clean' | 'corruption' | 'shift' | 'perturbation';
  /** e.g. `gaussian_noise s3`, `translate`. */
  label: string;
  /** Prediction passes over the test set finished so far, and in all. */
  done: number;
  total: number;
}

export interface RobustnessOptions {
  /** Seed of every random corruption, shift and perturbation. Default 0. */
  seed?: number;
  /** Corruptions to evaluate. Default: all of `CORRUPTIONS`. */
  corruptions?: readonly CorruptionName[];
  /** Severities to evaluate. Default 1..5. */
  severities?: readonly Severity[];
  /** Largest shift k (px) of the shift-consistency test: offsets in [−k, k]. Default 3. 0 skips the test. */
  maxShift?: number;
  /** How shifted-in pixels are filled. Default 'zero' (see the module comment). */
  shiftMode?: ShiftMode;
  /** Perturbation kinds for flip rates. Default: all of `PERTURBATIONS`. Empty: skip. */
  perturbations?: readonly PerturbationKind[];
  /** Frames per perturbation sequence. Default 10. */
  sequenceLength?: number;
  /** Images per predict call. Default 256. */
  batchSize?: number;
  /** `true`: the dataset's statistics (default); `false`: raw [0, 1] pixels; or explicit statistics. */
  normalize?: boolean | MeanStd;
  /** Called after every prediction pass over the test set. */
  onProgress?: (p: RobustnessProgress) => void;
}

export interface RobustnessResult {
  /** Number of test images. */
  n: number;
  seed: number;
  /** Top-1 error on the clean images (fraction). */
  cleanError: number;
  /** Error per severity for each corruption (index 0 = first of `severities`). */
  corruptionErrors: Record<string, number[]>;
  /** Error averaged over severities, per corruption. */
  errorPerCorruption: Record<string, number>;
  /** Mean of `errorPerCorruption` over corruptions (unnormalised mean corruption error). */
  meanCorruptionError: number | null;
  severities: number[];
  shift: { maxShift: number; mode: ShiftMode; consistency: number } | null;
  /** Flip rate per perturbation kind. */
  flipRate: Record<string, number>;
  /** Mean flip rate over kinds. */
  meanFlipRate: number | null;
  sequenceLength: number;
  flipReference: Record<string, string>;
  /** Wall-clock seconds of the evaluation. */
  seconds: number;
  /**
   * Wall-clock seconds per part (image generation + prediction): `clean`, `corruption:<name>` (all
   * severities), `shift`, `perturbation:<kind>`. For sizing runs; not deterministic.
   */
  timing: Record<string, number>;
}

/** Normalise [0, 1] pixels in place and return them. */
function normalizeInPlace(x: Float32Array, stats: MeanStd | undefined): Float32Array {
  if (!stats) return x;
  const inv = 1 / stats.std;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - stats.mean) * inv;
  return x;
}

/** Top-1 predictions for `n` stacked [0, 1] images (N×H×W×C); normalises a copy batch by batch. */
function predictBatched(model: tf.LayersModel, images: Float32Array, n: number, shape: [number, number, number], batchSize: number, stats: MeanStd | undefined): Int32Array {
  const size = shape[0] * shape[1] * shape[2];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const xs = normalizeInPlace(images.slice(start * size, (start + b) * size), stats);
    const pred = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(xs, [b, ...shape])) as tf.Tensor, -1));
    out.set(pred.dataSync() as Int32Array, start);
    pred.dispose();
  }
  return out;
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Check a model / dataset pair and the options; returns the resolved settings. */
function resolve(model: tf.LayersModel, ds: Dataset, opts: RobustnessOptions) {
  if (ds.channels !== 1) throw new Error(`evaluateRobustness: the corruption suite works on single-channel images; dataset '${ds.name}' has ${ds.channels} channels`);
  if (ds.n < 1) throw new Error('evaluateRobustness: the test set is empty');
  const inShape = model.inputs[0].shape;
  if (inShape[1] !== ds.height || inShape[2] !== ds.width || inShape[3] !== ds.channels) {
    throw new Error(`evaluateRobustness: model input is ${inShape.slice(1).join('x')} but the images are ${ds.height}x${ds.width}x${ds.channels}`);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`evaluateRobustness: seed must be an integer, got ${seed}`);
  const corruptions = [...(opts.corruptions ?? CORRUPTIONS)];
  for (const c of corruptions) if (!isCorruptionName(c)) throw new Error(`evaluateRobustness: unknown corruption '${String(c)}'; known: ${CORRUPTIONS.join(', ')}`);
  const severities = [...(opts.severities ?? SEVERITIES)];
  for (const s of severities) if (!Number.isInteger(s) || s < 1 || s > 5) throw new Error(`evaluateRobustness: severity must be an integer in 1..5, got ${s}`);
  const maxShift = opts.maxShift ?? 3;
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`evaluateRobustness: maxShift must be a non-negative integer, got ${maxShift}`);
  const shiftMode = opts.shiftMode ?? 'zero';
  const perturbations = [...(opts.perturbations ?? PERTURBATIONS)];
  for (const p of perturbations) if (!(PERTURBATIONS as readonly string[]).includes(p)) throw new Error(`evaluateRobustness: unknown perturbation '${String(p)}'; known: ${PERTURBATIONS.join(', ')}`);
  const sequenceLength = opts.sequenceLength ?? 10;
  if (!Number.isInteger(sequenceLength) || sequenceLength < 2) throw new Error(`evaluateRobustness: sequenceLength must be an integer >= 2, got ${sequenceLength}`);
  const batchSize = opts.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`evaluateRobustness: batchSize must be a positive integer, got ${batchSize}`);
  const norm = opts.normalize ?? true;
  const stats = norm === true ? statsFor(ds.name) : norm || undefined;
  return { seed, corruptions, severities, maxShift, shiftMode, perturbations, sequenceLength, batchSize, stats };
}

/**
 * Evaluate `model` on `ds` (a test set; raw uint8 or [0, 1] float images) under the whole robustness suite.
 * See the module comment for the definitions and seeding.
 */
export function evaluateRobustness(model: tf.LayersModel, ds: Dataset, opts: RobustnessOptions = {}): RobustnessResult {
  const t0 = performance.now();
  const r = resolve(model, ds, opts);
  const { n, height: h, width: w, channels: c } = ds;
  const shape: [number, number, number] = [h, w, c];
  const size = h * w * c;
  const images = toFloat32(ds).images as Float32Array;
  const labels = ds.labels;
  const total = 1 + r.corruptions.length * r.severities.length + (r.maxShift > 0 ? 1 : 0) + r.perturbations.length;
  let done = 0;
  const tick = (stage: RobustnessProgress['stage'], label: string) => opts.onProgress?.({ stage, label, done: ++done, total });
  const timing: Record<string, number> = {};
  let lap = performance.now();
  const time = (key: string) => {
    const now = performance.now();
    timing[key] = (timing[key] ?? 0) + (now - lap) / 1000;
    lap = now;
  };
  const predict = (x: Float32Array, count: number) => predictBatched(model, x, count, shape, r.batchSize, r.stats);

  const cleanError = errorRate(predict(images, n), labels);
  time('clean');
  tick('clean', 'clean');

  // Corruptions: one pass per (corruption, severity), corrupted chunk by chunk to bound memory.
  const corruptionSeed = saltedSeed(r.seed, 'corruption');
  const corruptionErrors: Record<string, number[]> = {};
  for (const name of r.corruptions) {
    corruptionErrors[name] = [];
    for (const s of r.severities) {
      // corruptBatch seeds image k of its input with imageSeed(seed, k): corrupt the whole set at once so
      // the per-image seeds do not depend on the batch size.
      const corrupted = corruptBatch(images, n, h, w, name, s, corruptionSeed);
      corruptionErrors[name].push(errorRate(predict(corrupted, n), labels));
      time(`corruption:${name}`);
      tick('corruption', `${name} s${s}`);
    }
  }
  const perCorruption = r.corruptions.length ? errorPerCorruption(corruptionErrors) : {};

  // Shift consistency: two random zero-padded (by default) shifts of every image.
  let shift: RobustnessResult['shift'] = null;
  if (r.maxShift > 0) {
    const pairs = randomShiftPairs(n, r.maxShift, saltedSeed(r.seed, 'shift'));
    const both = new Float32Array(2 * n * size);
    both.set(shiftBatch(images, n, h, w, pairs.map((p) => p.dy1), pairs.map((p) => p.dx1), r.shiftMode), 0);
    both.set(shiftBatch(images, n, h, w, pairs.map((p) => p.dy2), pairs.map((p) => p.dx2), r.shiftMode), n * size);
    const preds = predict(both, 2 * n);
    shift = { maxShift: r.maxShift, mode: r.shiftMode, consistency: shiftConsistency(preds.subarray(0, n), preds.subarray(n)) };
    time('shift');
    tick('shift', `±${r.maxShift} px ${r.shiftMode}`);
  }

  // Flip rates: sequences generated for a chunk of images at a time (about batchSize frames per chunk).
  const T = r.sequenceLength;
  const flipRate: Record<string, number> = {};
  const flipReference: Record<string, string> = {};
  const perturbSeed = saltedSeed(r.seed, 'perturbation');
  const chunk = Math.max(1, Math.floor(r.batchSize / T));
  for (const kind of r.perturbations) {
    const preds = new Int32Array(n * T);
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const frames = new Float32Array(m * T * size);
      for (let k = 0; k < m; k++) {
        const i = start + k;
        const seq = perturbationSequence(images.subarray(i * size, (i + 1) * size), h, w, kind, T, saltedSeed(perturbSeed, i));
        for (let t = 0; t < T; t++) frames.set(seq[t], (k * T + t) * size);
      }
      preds.set(predict(frames, m * T), start * T);
    }
    flipReference[kind] = FLIP_REFERENCE[kind];
    flipRate[kind] = flipRateFlat(preds, n, T, { reference: FLIP_REFERENCE[kind] });
    time(`perturbation:${kind}`);
    tick('perturbation', kind);
  }

  return {
    n,
    seed: r.seed,
    cleanError,
    corruptionErrors,
    errorPerCorruption: perCorruption,
    meanCorruptionError: mean(Object.values(perCorruption)),
    severities: r.severities,
    shift,
    flipRate,
    meanFlipRate: mean(Object.values(flipRate)),
    sequenceLength: T,
    flipReference,
    seconds: (performance.now() - t0) / 1000,
    timing,
  };
}

export { compareRobustness, type RobustnessComparison } from './robustness-compare.js';
