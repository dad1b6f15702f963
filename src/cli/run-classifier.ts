/**
 * One classification run as the CLI does it: data → model → training → evaluation → results record
 * (and the files model.json, weights.bin, results.json, checkpoints when an output dir is given).
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset, subsetBalanced, padDataset, recommendedAugmentation, type Dataset, type DatasetName } from '../data/index.js';
import { buildClassifier, paramCount, type ArchName, type PoolName } from '../models/index.js';
import { trainClassifier, type EpochStats, type OptimizerName, type ScheduleName, type TrainState } from '../train/index.js';
import { faultPoint } from '../io/fault.js';
import { LiftDownPool2D } from '../layers/index.js';
import type { ClassificationRecord } from '../report/collect.js';
import { recordedOptions, startingPoint, stopHooks, withProgress, type LiftRunOptions, type RunControlOptions } from './run-common.js';
import { RunDir } from './run-dir.js';
import { provenance } from './provenance.js';

export interface ClassifierRunOptions extends LiftRunOptions, RunControlOptions {
  dataset: DatasetName;
  arch: ArchName;
  pool: PoolName;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  seed: number;
  width: number;
  trainLimit?: number;
  testLimit?: number;
  pad32: boolean;
  augment: boolean;
  /** Record pool diagnostics every N steps too (always after each epoch). */
  diagnoseEvery?: number;
}

/** A run's results.json: the fields the report reads ({@link ClassificationRecord}, so the two cannot drift apart) and the rest. */
export interface ClassifierResults extends ClassificationRecord {
  optimizer: string;
  schedule: string;
  perClassAccuracy: number[];
  confusion: number[][];
  testLoss: number;
  trainableParams: number;
  trainSeconds: number;
  history: EpochStats[];
  backend: string;
  backendInfo: unknown;
  liftpoolVersion: string;
  /** The LiftPool layers' constraint settings (lift pools only). */
  lift?: { constraint: string; lambdaU: number; lambdaP: number; kernelSize: number };
}

export interface PreparedData {
  train: Dataset;
  test: Dataset;
}

/** Load, subset (class-balanced, seeded) and optionally pad the datasets of a run. */
export async function prepareData(dataset: DatasetName, opts: { trainLimit?: number; testLimit?: number; seed: number; pad32: boolean }): Promise<PreparedData> {
  let train = await loadDataset(dataset, 'train');
  let test = await loadDataset(dataset, 'test');
  if (opts.trainLimit) train = subsetBalanced(train, opts.trainLimit, opts.seed);
  // The test subset does not depend on the run's seed, so every seed is scored on the same images.
  if (opts.testLimit) test = subsetBalanced(test, opts.testLimit, 0);
  if (opts.pad32) {
    train = padDataset(train, 32);
    test = padDataset(test, 32);
  }
  return { train, test };
}

/** The options a resumed classification run must share with its checkpoint (momentum only matters to SGD). */
export function classifierResumeKeys(o: ClassifierRunOptions): (keyof ClassifierRunOptions)[] {
  const keys: (keyof ClassifierRunOptions)[] = [
    'dataset', 'arch', 'pool', 'seed', 'width', 'trainLimit', 'testLimit', 'pad32', 'augment', 'batchSize', 'lr', 'optimizer', 'weightDecay', 'schedule',
    'liftConstraint', 'lambdaU', 'lambdaP', 'liftKernelSize',
  ];
  return o.optimizer === 'sgd' ? [...keys, 'momentum'] : keys;
}

export async function runClassifier(o: ClassifierRunOptions, data?: PreparedData): Promise<ClassifierResults> {
  const run = o.out ? RunDir.open(o.out, { resume: o.resume, force: o.force, refuseExisting: o.refuseExisting }, recordedOptions(o)) : undefined;
  if (o.resume && !run) throw new Error('--resume needs --out DIR with a checkpoint');
  let model: tf.LayersModel | undefined;
  try {
    const { train, test } = data ?? (await prepareData(o.dataset, o));
    let resume: TrainState<EpochStats> | undefined;
    ({ model, resume } = await startingPoint<EpochStats, ClassifierRunOptions>(o, classifierResumeKeys(o), () => buildClassifier(o.arch, {
      pool: o.pool, inputShape: [train.height, train.width, train.channels], numClasses: train.numClasses, width: o.width, seed: o.seed,
      liftConstraint: o.liftConstraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize,
    })));
    const m = model;
    run?.begin(m);
    const result = await withProgress(o, (progress) => trainClassifier(m, train, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: o.optimizer, momentum: o.momentum, weightDecay: o.weightDecay,
      schedule: o.schedule, seed: o.seed, augment: o.augment ? recommendedAugmentation(o.dataset) : undefined, test, resume,
      diagnostics: { every: o.diagnoseEvery },
      onBatch: (p) => {
        progress.batch(p);
        faultPoint('batch done');
      },
      onEpoch: async (s, state) => {
        progress.epoch(s, o.epochs);
        await run?.save(m, state);
      },
      ...stopHooks<EpochStats>(run, m, progress, o.shouldStop),
    }));
    const final = result.final!;
    const pc = paramCount(m);
    const history = result.history;
    const trainSeconds = history.reduce((t, h) => t + h.seconds, 0);
    const images = history.reduce((t, h) => t + h.imagesPerSecond * h.seconds, 0);
    const res: ClassifierResults = {
      dataset: o.dataset, arch: o.arch, pool: o.pool, seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr,
      optimizer: o.optimizer, schedule: o.schedule, width: o.width,
      ...(o.pool.startsWith('lift') ? { lift: liftSettings(m) } : {}),
      trainSize: train.n, testSize: test.n,
      testAccuracy: final.accuracy, testError: 1 - final.accuracy, testLoss: final.loss,
      perClassAccuracy: final.perClassAccuracy, confusion: final.confusion,
      params: pc.total, trainableParams: pc.trainable,
      trainSeconds, imagesPerSecond: images / Math.max(trainSeconds, 1e-9), history,
      ...provenance(o.command),
    };
    await run?.finish(m, {}, res);
    return res;
  } finally {
    model?.dispose();
    run?.release();
  }
}

/** Constraint settings of the model's LiftDownPool2D layers (as built or loaded). */
function liftSettings(model: tf.LayersModel): { constraint: string; lambdaU: number; lambdaP: number; kernelSize: number } | undefined {
  const l = model.layers.find((x): x is LiftDownPool2D => x instanceof LiftDownPool2D);
  return l ? { constraint: l.constraint, lambdaU: l.lambdaU, lambdaP: l.lambdaP, kernelSize: l.kernelSize } : undefined;
}
