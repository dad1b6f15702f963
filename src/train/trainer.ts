/**
 * Classifier training loop: task loss (cross-entropy) + LiftPool constraint losses + optional L2
 * weight decay; Adam or SGD with momentum; constant / cosine / step LR schedule; seeded shuffling
 * and augmentation (deterministic for a seed on a given backend); per-batch progress callbacks;
 * evaluation after every epoch; resumable from a checkpoint state. The loop itself is loop.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { batches, numBatches, type AugmentOptions, type Dataset, type MeanStd } from '../data/index.js';
import { liftConstraintLoss } from '../layers/index.js';
import { evaluateClassifier, type EvalResult } from './evaluate.js';
import type { ScheduleName } from './schedule.js';
import { runTrainingLoop, takeScalar, type LoopHooks, type TrainingTask } from './loop.js';
import type { OptimizerName } from './optimizer-state.js';
import { poolDiagnostics, type PoolDiagnostics } from './pool-diagnostics.js';

export { OPTIMIZERS, type OptimizerName } from './optimizer-state.js';
export type { TrainState, PartialEpoch } from './loop.js';

export interface TrainOptions extends LoopHooks<EpochStats, BatchProgress> {
  epochs: number;
  batchSize: number;
  optimizer?: OptimizerName;
  lr: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** L2 penalty `wd/2·Σ‖W‖²` on conv/dense kernels (not biases, BN or lifting weights). Default 0. */
  weightDecay?: number;
  schedule?: ScheduleName;
  seed: number;
  augment?: AugmentOptions;
  normalize?: boolean | MeanStd;
  /** Evaluate on this set after every epoch. */
  test?: Dataset;
  /**
   * Pool diagnostics on a fixed probe batch (the first `probeSize` training images, default 256,
   * normalised like the training data): recorded after every epoch, and every `every` steps when
   * given. Inference mode, no randomness: training is unaffected.
   */
  diagnostics?: { probeSize?: number; every?: number };
}

/** Pool diagnostics after `step` optimizer steps. */
export interface DiagnosticsRecord {
  step: number;
  pools: PoolDiagnostics[];
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface EpochStats {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
  /** The λ-weighted LiftPool constraint part of `trainLoss` (mean over the epoch's images; 0 without LiftPool). */
  trainConstraintLoss?: number;
  /** Pool diagnostics during and at the end of the epoch (when requested). */
  diagnostics?: DiagnosticsRecord[];
  /** Training time of this epoch in seconds (evaluation excluded). */
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  history: EpochStats[];
  final?: EvalResult;
  trainSeconds: number;
  imagesPerSecond: number;
}

/** Conv/dense kernels that weight decay applies to. */
function decayedKernels(model: tf.LayersModel): tf.LayerVariable[] {
  // TF.js names conv/dense kernels `<layer>/kernel`; BN, biases and lifting weights do not match.
  return model.trainableWeights.filter((w) => /\/kernel$/.test(w.originalName));
}

type ClassBatch = ReturnType<typeof batches> extends Generator<infer B> ? B : never;

function classificationTask(model: tf.LayersModel, train: Dataset, opts: TrainOptions): TrainingTask<ClassBatch, EpochStats, BatchProgress> {
  const wd = opts.weightDecay ?? 0;
  const kernels = wd > 0 ? decayedKernels(model).map((w) => w.read()) : [];
  const k = train.numClasses;
  const normalize = opts.normalize ?? true;
  const nb = numBatches(train.n, opts.batchSize);
  const diag = opts.diagnostics;
  let probe: tf.Tensor4D | null = null;
  if (diag) {
    const first = batches(train, { batchSize: Math.min(diag.probeSize ?? 256, train.n), normalize }).next().value!;
    probe = tf.tensor4d(first.xs, first.shape);
  }
  let diagnostics: DiagnosticsRecord[] = [];
  return {
    numBatches: nb,
    batches: (epoch) => batches(train, { batchSize: opts.batchSize, shuffle: true, seed: opts.seed, epoch, augment: opts.augment, normalize }),
    step(optimizer, vars, batch) {
      let preds: tf.Tensor | null = null;
      let constraint: tf.Tensor | null = null;
      const cost = tf.tidy(() => {
        const xs = tf.tensor4d(batch.xs, batch.shape);
        const ys = tf.oneHot(tf.tensor1d(batch.ys, 'int32'), k);
        return optimizer.minimize(() => {
          const probs = model.apply(xs, { training: true }) as tf.Tensor2D;
          preds = tf.keep(tf.argMax(probs, 1));
          const ce = tf.mean(tf.neg(tf.sum(tf.mul(ys, tf.log(tf.clipByValue(probs, 1e-7, 1))), 1)));
          const cl = liftConstraintLoss(model);
          constraint = tf.keep(tf.clone(cl));
          let total = tf.add(ce, cl);
          if (wd > 0) total = tf.add(total, tf.mul(0.5 * wd, tf.addN(kernels.map((w) => tf.sum(tf.square(w))))));
          return total as tf.Scalar;
        }, true, vars) as tf.Scalar;
      });
      const loss = takeScalar(cost);
      const constraintValue = takeScalar(constraint! as tf.Tensor);
      const p = preds! as tf.Tensor;
      const pv = p.dataSync();
      p.dispose();
      let correct = 0;
      for (let i = 0; i < pv.length; i++) if (pv[i] === batch.ys[i]) correct++;
      const bs = batch.ys.length;
      return { loss, size: bs, add: { correct, constraint: constraintValue * bs } };
    },
    progress: (epoch, batch, s, seconds) => ({
      epoch, batch, batches: nb, loss: s.loss / s.seen, accuracy: s.correct / s.seen, imagesPerSecond: s.seen / seconds,
    }),
    epochStats(s, t) {
      const stats: EpochStats = {
        epoch: t.epoch, lr: t.lr, trainLoss: s.loss / s.seen, trainAccuracy: s.correct / s.seen, trainConstraintLoss: s.constraint / s.seen, seconds: t.seconds, imagesPerSecond: s.seen / t.seconds,
      };
      if (diag) {
        diagnostics.push({ step: t.epoch * nb, pools: poolDiagnostics(model, probe!) });
        stats.diagnostics = diagnostics;
      }
      return stats;
    },
    startEpoch(_epoch, extra) {
      diagnostics = extra ? [...(extra as DiagnosticsRecord[])] : [];
    },
    afterBatch(epoch, b) {
      if (diag?.every != null && b % diag.every === 0 && b < nb) diagnostics.push({ step: epoch * nb + b, pools: poolDiagnostics(model, probe!) });
    },
    epochExtra: () => diagnostics,
    dispose() {
      probe?.dispose();
    },
    evaluate(stats) {
      if (!opts.test) return;
      const ev = evaluateClassifier(model, opts.test, { normalize });
      stats.testLoss = ev.loss;
      stats.testAccuracy = ev.accuracy;
    },
  };
}

export async function trainClassifier(model: tf.LayersModel, train: Dataset, opts: TrainOptions): Promise<TrainResult> {
  const r = await runTrainingLoop(model, classificationTask(model, train, opts), {
    epochs: opts.epochs, batchSize: opts.batchSize, lr: opts.lr, optimizer: opts.optimizer, momentum: opts.momentum, schedule: opts.schedule ?? 'constant',
    onBatch: opts.onBatch, onEpoch: opts.onEpoch, shouldStop: opts.shouldStop, onInterrupt: opts.onInterrupt, resume: opts.resume,
  });
  const final = opts.test ? evaluateClassifier(model, opts.test, { normalize: opts.normalize ?? true }) : undefined;
  return { history: r.history, final, trainSeconds: r.trainSeconds, imagesPerSecond: r.imagesPerSecond };
}
