/**
 * Classifier training loop: task loss (cross-entropy) + LiftPool constraint losses + optional L2
 * weight decay; Adam or SGD with momentum; constant / cosine / step LR schedule; seeded shuffling
 * and augmentation (deterministic for a seed on a given backend); per-batch progress callbacks;
 * evaluation after every epoch; resumable from a checkpoint state.
 */
import * as tf from '@tensorflow/tfjs';
import { batches, numBatches, type AugmentOptions, type Dataset, type MeanStd } from '../data/index.js';
import { liftConstraintLoss } from '../layers/index.js';
import { evaluateClassifier, type EvalResult } from './evaluate.js';
import { learningRateAt, type ScheduleName } from './schedule.js';
import { poolDiagnostics, type PoolDiagnostics } from './pool-diagnostics.js';

export type OptimizerName = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];

export interface TrainOptions {
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
  /** Called after every batch. */
  onBatch?: (p: BatchProgress) => void;
  /** Called after every epoch (after evaluation); may save a checkpoint. */
  onEpoch?: (stats: EpochStats, state: TrainState) => Promise<void> | void;
  /** Resume: the state saved by a previous run (epochs already done, history, optimizer weights). */
  resume?: TrainState;
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

/** What a checkpoint stores to resume training; `H` is the per-epoch record of the task. */
export interface TrainState<H = EpochStats> {
  epochsDone: number;
  history: H[];
  /** Optimizer variables in `optimizer.getWeights()` order (live variables: read, never dispose). */
  optimizerWeights?: { name: string; tensor: tf.Tensor }[];
}

export interface TrainResult {
  history: EpochStats[];
  final?: EvalResult;
  trainSeconds: number;
  imagesPerSecond: number;
}

function makeOptimizer(name: OptimizerName, lr: number, momentum: number): tf.Optimizer {
  if (name === 'adam') return tf.train.adam(lr);
  if (name === 'sgd') return tf.train.momentum(lr, momentum);
  throw new Error(`unknown optimizer '${String(name)}'; expected one of ${OPTIMIZERS.join(', ')}`);
}

function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/** Conv/dense kernels that weight decay applies to. */
function decayedKernels(model: tf.LayersModel): tf.LayerVariable[] {
  // TF.js names conv/dense kernels `<layer>/kernel`; BN, biases and lifting weights do not match.
  return model.trainableWeights.filter((w) => /\/kernel$/.test(w.originalName));
}

/**
 * Call an `onEpoch` hook with the state a checkpoint needs to resume (epochs done, history, the
 * optimizer's slot variables). getWeights() returns the live slots plus a fresh `iter` scalar,
 * which is freed afterwards.
 */
export async function reportEpoch<H>(
  optimizer: tf.Optimizer, onEpoch: (stats: H, state: TrainState<H>) => Promise<void> | void, stats: H, epochsDone: number, history: H[],
): Promise<void> {
  const optimizerWeights = await optimizer.getWeights();
  try {
    await onEpoch(stats, { epochsDone, history: [...history], optimizerWeights });
  } finally {
    optimizerWeights[0]?.tensor.dispose();
  }
}

export async function trainClassifier(model: tf.LayersModel, train: Dataset, opts: TrainOptions): Promise<TrainResult> {
  const optimizerName = opts.optimizer ?? 'adam';
  const schedule = opts.schedule ?? 'constant';
  const wd = opts.weightDecay ?? 0;
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error(`epochs must be a positive integer, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${opts.batchSize}`);
  if (!(opts.lr > 0)) throw new Error(`learning rate must be > 0, got ${opts.lr}`);
  const optimizer = makeOptimizer(optimizerName, opts.lr, opts.momentum ?? 0.9);
  const history: EpochStats[] = opts.resume ? [...opts.resume.history] : [];
  const startEpoch = opts.resume?.epochsDone ?? 0;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = wd > 0 ? decayedKernels(model).map((w) => w.read()) : [];
  const k = train.numClasses;
  const nb = numBatches(train.n, opts.batchSize);
  if (opts.resume?.optimizerWeights?.length) {
    // Materialise the slots with a zero-gradient step, then overwrite them with the saved values.
    await optimizer.setWeights(opts.resume.optimizerWeights);
  }
  let probe: tf.Tensor4D | null = null;
  if (opts.diagnostics) {
    const first = batches(train, { batchSize: Math.min(opts.diagnostics.probeSize ?? 256, train.n), normalize: opts.normalize ?? true }).next().value!;
    probe = tf.tensor4d(first.xs, first.shape);
  }
  let trainSeconds = 0;
  let trainImages = 0;
  for (let epoch = startEpoch; epoch < opts.epochs; epoch++) {
    const lr = learningRateAt(schedule, opts.lr, epoch, opts.epochs);
    setLearningRate(optimizer, lr);
    let lossSum = 0;
    let constraintSum = 0;
    const diagnostics: DiagnosticsRecord[] = [];
    let correct = 0;
    let seen = 0;
    const t0 = performance.now();
    let b = 0;
    for (const batch of batches(train, { batchSize: opts.batchSize, shuffle: true, seed: opts.seed, epoch, augment: opts.augment, normalize: opts.normalize ?? true })) {
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
      const lossValue = cost.dataSync()[0];
      cost.dispose();
      const c = constraint! as tf.Tensor;
      const constraintValue = c.dataSync()[0];
      c.dispose();
      const p = preds! as tf.Tensor;
      const pv = p.dataSync();
      p.dispose();
      for (let i = 0; i < pv.length; i++) if (pv[i] === batch.ys[i]) correct++;
      const bs = batch.ys.length;
      lossSum += lossValue * bs;
      constraintSum += constraintValue * bs;
      seen += bs;
      b++;
      const every = opts.diagnostics?.every;
      if (opts.diagnostics && every != null && b % every === 0 && b < nb) {
        diagnostics.push({ step: epoch * nb + b, pools: poolDiagnostics(model, probe!) });
      }
      if (!Number.isFinite(lossValue)) throw new Error(`training diverged: loss is ${lossValue} at epoch ${epoch + 1}, batch ${b} (try a lower learning rate)`);
      opts.onBatch?.({ epoch, batch: b, batches: nb, loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / ((performance.now() - t0) / 1000) });
    }
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    trainImages += seen;
    const stats: EpochStats = { epoch: epoch + 1, lr, trainLoss: lossSum / seen, trainAccuracy: correct / seen, trainConstraintLoss: constraintSum / seen, seconds, imagesPerSecond: seen / seconds };
    if (opts.diagnostics) {
      diagnostics.push({ step: (epoch + 1) * nb, pools: poolDiagnostics(model, probe!) });
      stats.diagnostics = diagnostics;
    }
    if (opts.test) {
      const ev = evaluateClassifier(model, opts.test, { normalize: opts.normalize ?? true });
      stats.testLoss = ev.loss;
      stats.testAccuracy = ev.accuracy;
    }
    history.push(stats);
    if (opts.onEpoch) await reportEpoch(optimizer, opts.onEpoch, stats, epoch + 1, history);
  }
  const final = opts.test ? evaluateClassifier(model, opts.test, { normalize: opts.normalize ?? true }) : undefined;
  optimizer.dispose();
  probe?.dispose();
  return { history, final, trainSeconds, imagesPerSecond: trainImages / Math.max(trainSeconds, 1e-9) };
}
