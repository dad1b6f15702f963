/**
 * One segmentation run as `liftpool segment train` does it: scenes → SegNet → training (checkpoint
 * after every epoch, resumable, interruptible) → evaluation → DIR/model.json, weights.bin,
 * predictions.png and results.json (written last, recording the others).
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/types.js';
import { recordedOptions, startingPoint, stopHooks, withProgress, type LiftRunOptions, type RunControlOptions } from './run-common.js';
import { loadScenes } from '../data/scenes-load.js';
import { resolveSceneOptions, type SceneSet } from '../data/scenes.js';
import { buildSegNet, paramCount, type DownUpName } from '../models/index.js';
import type { ScheduleName } from '../train/schedule.js';
import { trainSegmentation, type SegEpochStats, type SegEvalResult } from '../train/segmentation.js';
import type { TrainState } from '../train/loop.js';
import { faultPoint } from '../io/fault.js';
import { sceneSheet } from '../report/scene-sheet.js';
import type { SegmentationRecord } from '../report/collect.js';
import { RunDir } from './run-dir.js';
import { provenance } from './provenance.js';

/**
 * Seed of the test scenes. Fixed, so every run (any `--seed`) is scored on the same scenes; it differs
 * from the default training-scene seeds so train and test scenes do not share placements.
 */
export const TEST_SCENE_SEED = 1000;

/**
 * Scene options for a canvas of `size` pixels: the generator's defaults (64 px canvases) with the item
 * scale range scaled by `size / 64`, so items keep their size relative to the canvas.
 */
export function sceneOptionsFor(size: number): { size: number; minScale: number; maxScale: number } {
  const d = resolveSceneOptions({ seed: 0 });
  return { size, minScale: (d.minScale * size) / d.size, maxScale: (d.maxScale * size) / d.size };
}

export interface SegmentRunOptions extends LiftRunOptions, RunControlOptions {
  dataset: DatasetName;
  downUp: DownUpName;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: ScheduleName;
  seed: number;
  /** Seed of the training scenes (default: `seed`). */
  sceneSeed?: number;
  width: number;
  depth: number;
  /** Canvas side (default 64; must be divisible by 2^depth). */
  sceneSize?: number;
  trainScenes: number;
  testScenes: number;
  lambdaU: number;
  lambdaP: number;
  /** Test scenes shown in predictions.png (default 6). */
  sheetScenes?: number;
}

/** A run's results.json: the fields the report reads ({@link SegmentationRecord}, so the two cannot drift apart) and the rest. */
export interface SegmentResults extends SegmentationRecord {
  sceneSeed: number;
  testSceneSeed: number;
  schedule: string;
  liftConstraint?: string;
  lambdaU: number;
  lambdaP: number;
  foregroundAccuracy: number;
  testLoss: number;
  /** Per class (background first); `null` for a class absent from both prediction and ground truth. */
  perClassIoU: (number | null)[];
  classNames: string[];
  /** `confusion[truth][predicted]` pixel counts over the test scenes. */
  confusion: number[][];
  trainableParams: number;
  trainSeconds: number;
  trainCpuSeconds: number;
  history: SegEpochStats[];
  backend: string;
  backendInfo: unknown;
  liftpoolVersion: string;
}

const nanToNull = (a: number[]) => a.map((v) => (Number.isNaN(v) ? null : v));
export const fmt = (v: number | undefined, d = 4) => (v == null || Number.isNaN(v) ? '-' : v.toFixed(d));

export function metricsRecord(ev: SegEvalResult) {
  return {
    mIoU: ev.mIoU, mIoUNoBackground: ev.mIoUNoBackground, pixelAccuracy: ev.pixelAccuracy, foregroundAccuracy: ev.foregroundAccuracy,
    testLoss: ev.loss, perClassIoU: nanToNull(ev.perClassIoU), confusion: ev.confusion,
  };
}

/** PNG of the first `count` scenes: image | ground truth | prediction | errors (white = wrong). */
export function predictionSheet(scenes: SceneSet, predictions: Uint8Array, count: number): Buffer {
  return sceneSheet(scenes.images, scenes.labels, scenes.size, Math.min(count, scenes.count), { predictions, errors: true });
}

/** The options a resumed segmentation run must share with its checkpoint. */
export const SEGMENT_RESUME_KEYS: readonly (keyof SegmentRunOptions)[] = [
  'dataset', 'downUp', 'seed', 'sceneSeed', 'width', 'depth', 'sceneSize', 'trainScenes', 'testScenes', 'batchSize', 'lr', 'schedule', 'liftConstraint', 'lambdaU', 'lambdaP', 'liftKernelSize',
];

/** One segmentation run as `segment train` does it (writes the files when `out` is given). */
export async function runSegmentation(o: SegmentRunOptions, data?: { train: SceneSet; test: SceneSet }): Promise<SegmentResults> {
  if (o.liftKernelSize != null && (o.liftKernelSize < 1 || o.liftKernelSize % 2 === 0)) throw new Error(`--lift-kernel-size must be odd, got ${o.liftKernelSize}`);
  const sceneSeed = o.sceneSeed ?? o.seed;
  const run = o.out
    ? RunDir.open(o.out, { resume: o.resume, force: o.force, refuseExisting: o.refuseExisting, extraOutputs: ['predictions.png'] }, { ...recordedOptions(o), sceneSeed })
    : undefined;
  if (o.resume && !run) throw new Error('--resume needs --out DIR with a checkpoint');
  let model: tf.LayersModel | undefined;
  try {
    const sceneOpts = sceneOptionsFor(o.sceneSize ?? 64);
    const train = data?.train ?? (await loadScenes(o.dataset, 'train', o.trainScenes, sceneSeed, sceneOpts));
    const test = data?.test ?? (await loadScenes(o.dataset, 'test', o.testScenes, TEST_SCENE_SEED, sceneOpts));
    let resume: TrainState<SegEpochStats> | undefined;
    ({ model, resume } = await startingPoint<SegEpochStats, SegmentRunOptions>({ ...o, sceneSeed }, SEGMENT_RESUME_KEYS, () => buildSegNet({
      downUp: o.downUp, inputShape: [train.size, train.size, 1], numClasses: train.numClasses, width: o.width, depth: o.depth, seed: o.seed,
      activation: 'linear', liftConstraint: o.liftConstraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize,
    })));
    const m = model;
    run?.begin(m);
    const result = await withProgress(o, (progress) => trainSegmentation(m, train, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, schedule: o.schedule, seed: o.seed, test, resume,
      onBatch: (p) => {
        progress.batch({ epoch: p.epoch, batch: p.batch, batches: p.batches, loss: p.loss, accuracy: p.pixelAccuracy, imagesPerSecond: p.imagesPerSecond });
        faultPoint('batch done');
      },
      onEpoch: async (s, state) => {
        await run?.save(m, state);
        progress.epoch({ epoch: s.epoch, lr: s.lr, trainLoss: s.trainLoss, trainAccuracy: s.trainPixelAccuracy, testLoss: s.testLoss, testAccuracy: s.testPixelAccuracy, seconds: s.seconds, imagesPerSecond: s.imagesPerSecond }, o.epochs);
        if (!o.quiet) process.stderr.write(`${o.label ? `[${o.label}] ` : ''}  constraint loss ${fmt(s.trainConstraintLoss)}; test mIoU ${fmt(s.testMIoU)} (no background ${fmt(s.testMIoUNoBackground)}), pixel accuracy ${fmt(s.testPixelAccuracy)}\n`);
      },
      ...stopHooks<SegEpochStats>(run, m, progress, o.shouldStop),
    }));
    const final = result.final!;
    const pc = paramCount(m);
    const history = result.history;
    const res: SegmentResults = {
      dataset: o.dataset, downUp: o.downUp, seed: o.seed, sceneSeed, testSceneSeed: TEST_SCENE_SEED, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr,
      schedule: o.schedule, width: o.width, depth: o.depth, liftConstraint: o.liftConstraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP,
      trainScenes: train.count, testScenes: test.count, sceneSize: train.size,
      ...metricsRecord(final), classNames: train.classNames,
      params: pc.total, trainableParams: pc.trainable,
      trainSeconds: history.reduce((t, h) => t + h.seconds, 0), trainCpuSeconds: history.reduce((t, h) => t + h.cpuSeconds, 0), imagesPerSecond: result.imagesPerSecond, history,
      ...provenance(o.command),
    };
    await run?.finish(m, { 'predictions.png': predictionSheet(test, final.predictions!, o.sheetScenes ?? 6) }, res);
    return res;
  } finally {
    model?.dispose();
    run?.release();
  }
}
