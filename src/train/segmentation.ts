/**
 * Segmentation training and evaluation: per-pixel softmax cross-entropy + LiftPool constraint
 * losses, Adam, constant / cosine / step LR schedule (per epoch), seeded shuffling (deterministic for
 * a seed on a given backend), per-batch progress callbacks, evaluation after every epoch; the loop
 * itself (resume, interruption) is loop.ts.
 *
 * Scenes come as a {@link SceneSet} (`images` `[n, S, S, 1]` in [0, 1], `labels` `[n, S, S]` class
 * ids, 0 = background); images are fed as they are (no normalisation — the first conv is followed by
 * batch norm). The model outputs `[B, S, S, numClasses]` per-pixel logits (`buildSegNet({activation:
 * 'linear'})`, what the CLI trains) or probabilities (`'softmax'`); the loss is computed from either,
 * see {@link modelOutputKind}.
 */
import * as tf from '@tensorflow/tfjs';
import { numBatches } from '../data/batches.js';
import { mulberry32, deriveSeed, shuffleInPlace } from '../data/random.js';
import type { SceneSet } from '../data/scenes.js';
import { liftConstraintLoss } from '../layers/index.js';
import type { ScheduleName } from './schedule.js';
import { checkLoopOptions, runTrainingLoop, takeScalar, type LoopHooks, type TrainingTask } from './loop.js';
import { SegmentationMetrics, type SegmentationScores } from './segmentation-metrics.js';

/** The parts of a {@link SceneSet} training and evaluation need. */
export type SceneData = Pick<SceneSet, 'images' | 'labels' | 'count' | 'size' | 'numClasses'>;

export interface SegTrainOptions extends LoopHooks<SegEpochStats, SegBatchProgress> {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Default `'cosine'`. */
  schedule?: ScheduleName;
  seed: number;
  /** Evaluate on these scenes after every epoch. */
  test?: SceneData;
  /** Batch size of the evaluations (default 32). */
  evalBatchSize?: number;
}

export interface SegBatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  /** Mean total loss (cross-entropy + constraint losses) so far this epoch. */
  loss: number;
  /** Training pixel accuracy so far this epoch. */
  pixelAccuracy: number;
  imagesPerSecond: number;
}

export interface SegEpochStats {
  epoch: number;
  lr: number;
  /** Mean total loss (cross-entropy + constraint losses) over the epoch's batches, weighted by batch size. */
  trainLoss: number;
  /** The LiftPool constraint-loss part of `trainLoss` (λ-weighted; 0 without LiftDownPool layers). */
  trainConstraintLoss: number;
  trainPixelAccuracy: number;
  testLoss?: number;
  testMIoU?: number;
  testMIoUNoBackground?: number;
  testPixelAccuracy?: number;
  /** Training wall time of this epoch in seconds (evaluation excluded). */
  seconds: number;
  /** Process CPU time (user + system, all threads) of the epoch's training in seconds. */
  cpuSeconds: number;
  imagesPerSecond: number;
}

export interface SegEvalResult extends SegmentationScores {
  /** Mean per-pixel cross-entropy. */
  loss: number;
  /** `confusion[truth][predicted]` pixel counts. */
  confusion: number[][];
  /** Predicted label maps `[n, S, S]` (only with `keepPredictions`). */
  predictions?: Uint8Array;
  n: number;
}

export interface SegTrainResult {
  history: SegEpochStats[];
  final?: SegEvalResult;
  trainSeconds: number;
  imagesPerSecond: number;
}

/** Whether the model's last layer outputs probabilities (`softmax`) or logits (anything else). */
export function modelOutputKind(model: tf.LayersModel): 'probabilities' | 'logits' {
  const act = model.layers.at(-1)?.getConfig().activation;
  return act === 'softmax' ? 'probabilities' : 'logits';
}

function checkScenes(s: SceneData, fn: string): void {
  const px = s.size * s.size;
  if (s.images.length !== s.count * px || s.labels.length !== s.count * px) {
    throw new Error(`${fn}: expected ${s.count} scenes of ${s.size}×${s.size} (images ${s.images.length}, labels ${s.labels.length} values)`);
  }
  if (s.count < 1) throw new Error(`${fn}: no scenes`);
}

/** Gather scenes `indices` into batch arrays (images `[m, S, S, 1]`, labels `[m, S, S]` int32). */
function gather(s: SceneData, indices: ArrayLike<number>): { xs: Float32Array; ys: Int32Array } {
  const px = s.size * s.size;
  const m = indices.length;
  const xs = new Float32Array(m * px);
  const ys = new Int32Array(m * px);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    xs.set(s.images.subarray(i * px, (i + 1) * px), k * px);
    const lab = s.labels.subarray(i * px, (i + 1) * px);
    for (let p = 0; p < px; p++) ys[k * px + p] = lab[p];
  }
  return { xs, ys };
}

/** Per-pixel mean cross-entropy of model output `out` (`[B, S, S, K]`) against one-hot `ys`. */
function pixelCrossEntropy(out: tf.Tensor, ys: tf.Tensor, kind: 'probabilities' | 'logits'): tf.Scalar {
  if (kind === 'logits') return tf.losses.softmaxCrossEntropy(ys, out, undefined, 0, tf.Reduction.MEAN) as tf.Scalar;
  return tf.mean(tf.neg(tf.sum(tf.mul(ys, tf.log(tf.clipByValue(out, 1e-7, 1))), -1))) as tf.Scalar;
}

/**
 * Predicted label maps and the metrics of `model` on `scenes`: confusion matrix, per-class IoU, mIoU
 * (with and without background), pixel accuracy, mean per-pixel cross-entropy.
 */
export function evaluateSegmentation(model: tf.LayersModel, scenes: SceneData, opts: { batchSize?: number; keepPredictions?: boolean } = {}): SegEvalResult {
  checkScenes(scenes, 'evaluateSegmentation');
  const bs = opts.batchSize ?? 32;
  const { size, numClasses: k, count: n } = scenes;
  const px = size * size;
  const kind = modelOutputKind(model);
  const metrics = new SegmentationMetrics(k);
  const predictions = opts.keepPredictions ? new Uint8Array(n * px) : undefined;
  let lossSum = 0;
  for (let start = 0; start < n; start += bs) {
    const m = Math.min(bs, n - start);
    const idx = Array.from({ length: m }, (_, i) => start + i);
    const { xs, ys } = gather(scenes, idx);
    const [pred, loss] = tf.tidy(() => {
      const out = model.predict(tf.tensor4d(xs, [m, size, size, 1])) as tf.Tensor;
      const oh = tf.oneHot(tf.tensor3d(ys, [m, size, size], 'int32'), k);
      return [tf.argMax(out, -1), tf.mul(pixelCrossEntropy(out, oh, kind), m)];
    });
    const p = pred.dataSync() as Int32Array;
    lossSum += loss.dataSync()[0];
    tf.dispose([pred, loss]);
    metrics.update(p, ys);
    predictions?.set(p, start * px);
  }
  const scores = metrics.scores();
  const confusion = Array.from({ length: k }, (_, t) => Array.from(metrics.confusion.subarray(t * k, (t + 1) * k)));
  return { ...scores, loss: lossSum / n, confusion, predictions, n };
}

/**
 * Train `model` (per-pixel outputs `[B, S, S, numClasses]`) on `train` scenes. The total loss per
 * batch is the mean per-pixel cross-entropy plus `liftConstraintLoss(model)` (the λ-weighted LiftPool
 * constraint losses recorded in the training-mode call; 0 for models without LiftDownPool layers).
 * Epoch `e` visits the scenes in the order of a permutation seeded by `(seed, e)`.
 */
export async function trainSegmentation(model: tf.LayersModel, train: SceneData, opts: SegTrainOptions): Promise<SegTrainResult> {
  checkScenes(train, 'trainSegmentation');
  checkLoopOptions(opts);
  const outShape = model.outputs[0].shape;
  if (outShape.length !== 4 || outShape[1] !== train.size || outShape[2] !== train.size || outShape[3] !== train.numClasses) {
    throw new Error(`trainSegmentation: model output ${JSON.stringify(outShape)} does not match scenes [*, ${train.size}, ${train.size}, ${train.numClasses}]`);
  }
  const state: { final?: SegEvalResult } = {};
  const r = await runTrainingLoop(model, segmentationTask(model, train, opts, state), {
    epochs: opts.epochs, batchSize: opts.batchSize, lr: opts.lr, schedule: opts.schedule ?? 'cosine',
    onBatch: opts.onBatch, onEpoch: opts.onEpoch, shouldStop: opts.shouldStop, onInterrupt: opts.onInterrupt, resume: opts.resume,
  });
  // Resumed with every epoch already done: the final evaluation still has to happen.
  if (opts.test && state.final == null) state.final = evaluateSegmentation(model, opts.test, { batchSize: opts.evalBatchSize, keepPredictions: true });
  return { history: r.history, final: state.final, trainSeconds: r.trainSeconds, imagesPerSecond: r.imagesPerSecond };
}

interface SceneBatch {
  xs: Float32Array;
  ys: Int32Array;
  m: number;
}

function* sceneBatches(train: SceneData, batchSize: number, seed: number, epoch: number): Generator<SceneBatch> {
  const n = train.count;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, mulberry32(deriveSeed(seed, epoch, 1)));
  for (let b = 0; b < numBatches(n, batchSize); b++) {
    const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
    yield { ...gather(train, idx), m: idx.length };
  }
}

function segmentationTask(model: tf.LayersModel, train: SceneData, opts: SegTrainOptions, out: { final?: SegEvalResult }): TrainingTask<SceneBatch, SegEpochStats, SegBatchProgress> {
  const kind = modelOutputKind(model);
  const { size, numClasses: k, count: n } = train;
  const nb = numBatches(n, opts.batchSize);
  return {
    numBatches: nb,
    batches: (epoch) => sceneBatches(train, opts.batchSize, opts.seed, epoch),
    step(optimizer, vars, { xs: xa, ys: ya, m }) {
      let hits: tf.Tensor | null = null;
      let constraint: tf.Tensor | null = null;
      const cost = tf.tidy(() => {
        const xs = tf.tensor4d(xa, [m, size, size, 1]);
        const labels = tf.tensor3d(ya, [m, size, size], 'int32');
        const ys = tf.oneHot(labels, k);
        return optimizer.minimize(() => {
          const out = model.apply(xs, { training: true }) as tf.Tensor;
          hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), 'float32')));
          const cl = liftConstraintLoss(model);
          constraint = tf.keep(tf.clone(cl));
          return tf.add(pixelCrossEntropy(out, ys, kind), cl) as tf.Scalar;
        }, true, vars) as tf.Scalar;
      });
      const loss = takeScalar(cost);
      const correct = takeScalar(hits! as tf.Tensor);
      const cv = takeScalar(constraint! as tf.Tensor) * m;
      return { loss, size: m, add: { correct, constraint: cv } };
    },
    progress: (epoch, batch, s, seconds) => ({
      epoch, batch, batches: nb, loss: s.loss / s.seen, pixelAccuracy: s.correct / (s.seen * size * size), imagesPerSecond: s.seen / seconds,
    }),
    epochStats: (s, t) => ({
      epoch: t.epoch, lr: t.lr, trainLoss: s.loss / s.seen, trainConstraintLoss: s.constraint / s.seen, trainPixelAccuracy: s.correct / (s.seen * size * size),
      seconds: t.seconds, cpuSeconds: t.cpuSeconds, imagesPerSecond: s.seen / t.seconds,
    }),
    evaluate(stats, _epoch, last) {
      if (!opts.test) return;
      // The last epoch's evaluation is also the final one (with the predicted label maps).
      const ev = evaluateSegmentation(model, opts.test, { batchSize: opts.evalBatchSize, keepPredictions: last });
      if (last) out.final = ev;
      stats.testLoss = ev.loss;
      stats.testMIoU = ev.mIoU;
      stats.testMIoUNoBackground = ev.mIoUNoBackground;
      stats.testPixelAccuracy = ev.pixelAccuracy;
    },
  };
}
