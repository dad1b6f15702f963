/**
 * `liftpool segment train | eval | sheet`: the segmentation experiment (SegNet-style encoder–decoder
 * on synthetic MNIST / Fashion-MNIST scenes, one down/up pair per run; metric mIoU).
 */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { DATASET_NAMES, type DatasetName } from '../../data/types.js';
import { loadScenes } from '../../data/scenes-load.js';
import { resolveSceneOptions, type SceneSet } from '../../data/scenes.js';
import { buildSegNet, DOWN_UP_NAMES, paramCount, type DownUpName } from '../../models/index.js';
import { SCHEDULES, type ScheduleName } from '../../train/schedule.js';
import { trainSegmentation, evaluateSegmentation, modelOutputKind, type SegEpochStats, type SegEvalResult } from '../../train/segmentation.js';
import { backendInfo } from '../../backend/index.js';
import { saveCheckpoint } from '../../train/checkpoint.js';
import { resumeCheckpoint } from '../resume.js';
import type { TrainState } from '../../train/trainer.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { sceneSheet } from '../../report/scene-sheet.js';
import { VERSION } from '../../version.js';
import { int, float, oneOf } from '../options.js';
import { addLiftOptions } from '../lift-options.js';
import type { ConstraintForm } from '../../lifting/index.js';
import { createProgress } from '../progress.js';
import { backendOption, selectBackend } from './train.js';

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

export interface SegmentRunOptions {
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
  liftConstraint?: ConstraintForm;
  lambdaU: number;
  lambdaP: number;
  liftKernelSize?: number;
  /** Test scenes shown in predictions.png (default 6). */
  sheetScenes?: number;
  out?: string;
  /** Continue from `out/checkpoint` (written after every epoch when `out` is given). */
  resume?: boolean;
  quiet?: boolean;
  label?: string;
  command: string;
}

export interface SegmentResults {
  dataset: string;
  downUp: string;
  seed: number;
  sceneSeed: number;
  testSceneSeed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: string;
  width: number;
  depth: number;
  liftConstraint?: string;
  lambdaU: number;
  lambdaP: number;
  trainScenes: number;
  testScenes: number;
  sceneSize: number;
  /** Mean IoU over classes with a defined IoU, background included. */
  mIoU: number;
  /** The same, background left out. */
  mIoUNoBackground: number;
  pixelAccuracy: number;
  foregroundAccuracy: number;
  testLoss: number;
  /** Per class (background first); `null` for a class absent from both prediction and ground truth. */
  perClassIoU: (number | null)[];
  classNames: string[];
  /** `confusion[truth][predicted]` pixel counts over the test scenes. */
  confusion: number[][];
  params: number;
  trainableParams: number;
  trainSeconds: number;
  trainCpuSeconds: number;
  imagesPerSecond: number;
  history: SegEpochStats[];
  backend: string;
  backendInfo: unknown;
  liftpoolVersion: string;
  command: string;
  date: string;
}

const nanToNull = (a: number[]) => a.map((v) => (Number.isNaN(v) ? null : v));
const fmt = (v: number | undefined, d = 4) => (v == null || Number.isNaN(v) ? '-' : v.toFixed(d));

function metricsRecord(ev: SegEvalResult) {
  return {
    mIoU: ev.mIoU, mIoUNoBackground: ev.mIoUNoBackground, pixelAccuracy: ev.pixelAccuracy, foregroundAccuracy: ev.foregroundAccuracy,
    testLoss: ev.loss, perClassIoU: nanToNull(ev.perClassIoU), confusion: ev.confusion,
  };
}

/** PNG of the first `count` scenes: image | ground truth | prediction | errors (white = wrong). */
export function predictionSheet(scenes: SceneSet, predictions: Uint8Array, count: number): Buffer {
  return sceneSheet(scenes.images, scenes.labels, scenes.size, Math.min(count, scenes.count), { predictions, errors: true });
}

/** One segmentation run as `segment train` does it (writes the files when `out` is given). */
export async function runSegmentation(o: SegmentRunOptions, data?: { train: SceneSet; test: SceneSet }): Promise<SegmentResults> {
  if (o.liftKernelSize != null && (o.liftKernelSize < 1 || o.liftKernelSize % 2 === 0)) throw new Error(`--lift-kernel-size must be odd, got ${o.liftKernelSize}`);
  const sceneSeed = o.sceneSeed ?? o.seed;
  const sceneOpts = sceneOptionsFor(o.sceneSize ?? 64);
  const train = data?.train ?? (await loadScenes(o.dataset, 'train', o.trainScenes, sceneSeed, sceneOpts));
  const test = data?.test ?? (await loadScenes(o.dataset, 'test', o.testScenes, TEST_SCENE_SEED, sceneOpts));
  let resume: TrainState<SegEpochStats> | undefined;
  let model: tf.LayersModel;
  if (o.resume) {
    const ck = await resumeCheckpoint<SegEpochStats, SegmentRunOptions>(o.out, { ...o, sceneSeed }, [
      'dataset', 'downUp', 'seed', 'sceneSeed', 'width', 'depth', 'sceneSize', 'trainScenes', 'batchSize', 'lr', 'schedule', 'liftConstraint', 'lambdaU', 'lambdaP', 'liftKernelSize',
    ]);
    model = ck.model;
    resume = ck.state;
    if (!o.quiet) process.stderr.write(`resuming from epoch ${resume.epochsDone} of ${o.epochs}\n`);
  } else {
    model = buildSegNet({
      downUp: o.downUp, inputShape: [train.size, train.size, 1], numClasses: train.numClasses, width: o.width, depth: o.depth, seed: o.seed,
      activation: 'linear', liftConstraint: o.liftConstraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize,
    });
  }
  try {
    const progress = createProgress(o.label ?? '', { quiet: o.quiet });
    const result = await trainSegmentation(model, train, {
      epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, schedule: o.schedule, seed: o.seed, test, resume,
      onBatch: (p) => progress.batch({ epoch: p.epoch, batch: p.batch, batches: p.batches, loss: p.loss, accuracy: p.pixelAccuracy, imagesPerSecond: p.imagesPerSecond }),
      onEpoch: async (s, state) => {
        if (o.out) await saveCheckpoint(join(o.out, 'checkpoint'), model, state, { options: { ...o, sceneSeed } });
        progress.epoch({ epoch: s.epoch, lr: s.lr, trainLoss: s.trainLoss, trainAccuracy: s.trainPixelAccuracy, testLoss: s.testLoss, testAccuracy: s.testPixelAccuracy, seconds: s.seconds, imagesPerSecond: s.imagesPerSecond }, o.epochs);
        if (!o.quiet) process.stderr.write(`${o.label ? `[${o.label}] ` : ''}  constraint loss ${fmt(s.trainConstraintLoss)}; test mIoU ${fmt(s.testMIoU)} (no background ${fmt(s.testMIoUNoBackground)}), pixel accuracy ${fmt(s.testPixelAccuracy)}\n`);
      },
    });
    progress.stop();
    const final = result.final!;
    const pc = paramCount(model);
    const history = result.history;
    const res: SegmentResults = {
      dataset: o.dataset, downUp: o.downUp, seed: o.seed, sceneSeed, testSceneSeed: TEST_SCENE_SEED, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr,
      schedule: o.schedule, width: o.width, depth: o.depth, liftConstraint: o.liftConstraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP,
      trainScenes: train.count, testScenes: test.count, sceneSize: train.size,
      ...metricsRecord(final), classNames: train.classNames,
      params: pc.total, trainableParams: pc.trainable,
      trainSeconds: history.reduce((t, h) => t + h.seconds, 0), trainCpuSeconds: history.reduce((s, h) => s + h.cpuSeconds, 0), imagesPerSecond: result.imagesPerSecond, history,
      backend: tf.getBackend(), backendInfo: backendInfo(), liftpoolVersion: VERSION, command: o.command, date: new Date().toISOString(),
    };
    if (o.out) {
      await model.save(fileIO(o.out));
      writeFileAtomic(join(o.out, 'results.json'), JSON.stringify(res, null, 2));
      writeFileAtomic(join(o.out, 'predictions.png'), predictionSheet(test, final.predictions!, o.sheetScenes ?? 6));
    }
    return res;
  } finally {
    model.dispose();
    resume?.optimizerWeights?.forEach((w) => w.tensor.dispose());
  }
}

export interface SegmentEvalOptions {
  model: string;
  dataset?: DatasetName;
  testScenes?: number;
  sceneSeed?: number;
  json?: string;
  command: string;
}

/** Re-evaluate a model saved by `segment train` on its test scenes (or others); writes DIR/eval.json. */
export async function evalSegmentation(o: SegmentEvalOptions): Promise<Record<string, unknown> & ReturnType<typeof metricsRecord>> {
  const resultsPath = join(o.model, 'results.json');
  const trained = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as Partial<SegmentResults>) : {};
  const dataset = (o.dataset ?? trained.dataset) as DatasetName | undefined;
  if (!dataset) throw new Error(`--dataset is required: ${resultsPath} does not say which dataset the model was trained on`);
  const testScenes = o.testScenes ?? trained.testScenes;
  if (!testScenes) throw new Error(`--test-scenes is required: ${resultsPath} does not say how many test scenes the model was scored on`);
  const sceneSeed = o.sceneSeed ?? trained.testSceneSeed ?? TEST_SCENE_SEED;
  const model = await tf.loadLayersModel(fileIO(o.model));
  try {
    const size = model.inputs[0].shape[1] as number;
    const test = await loadScenes(dataset, 'test', testScenes, sceneSeed, sceneOptionsFor(size));
    const ev = evaluateSegmentation(model, test);
    const pc = paramCount(model);
    const out = {
      dataset, downUp: trained.downUp, testScenes: test.count, testSceneSeed: sceneSeed, ...metricsRecord(ev), classNames: test.classNames,
      output: modelOutputKind(model), params: pc.total, backend: tf.getBackend(), backendInfo: backendInfo(), liftpoolVersion: VERSION,
      command: o.command, date: new Date().toISOString(),
    };
    writeFileAtomic(o.json ?? join(o.model, 'eval.json'), JSON.stringify(out, null, 2));
    return out;
  } finally {
    model.dispose();
  }
}

const datasetOption = (what: string) => new Option('--dataset <name>', what).argParser(oneOf(DATASET_NAMES));
const command = () => `liftpool ${process.argv.slice(2).join(' ')}`;

function segmentTrainCommand(): Command {
  return addLiftOptions(new Command('train'))
    .description('train a SegNet-style model on synthetic scenes; writes DIR/model.json, weights.bin, results.json, predictions.png')
    .addOption(datasetOption('source of the scene items').default('mnist'))
    .addOption(new Option('--down-up <name>', 'down/up sampling pair').default('lift-liftup').argParser(oneOf(DOWN_UP_NAMES)))
    .option('--epochs <n>', 'training epochs', int(1), 5)
    .option('--batch-size <n>', 'mini-batch size (scenes)', int(1), 16)
    .option('--lr <x>', 'Adam learning rate', float(0, true), 1e-3)
    .addOption(new Option('--schedule <name>', 'learning-rate schedule (per epoch)').default('cosine').argParser(oneOf(SCHEDULES)))
    .option('--seed <n>', 'random seed (initialisation, shuffling; and training scenes unless --scene-seed)', int(0), 0)
    .option('--scene-seed <n>', 'seed of the training scenes (default: --seed)', int(0))
    .option('--width <x>', 'channel width multiplier (stages 64, 128, 256, 512 × W)', float(0, true), 0.25)
    .option('--depth <n>', 'number of down/up pairs (1-4)', int(1), 3)
    .option('--scene-size <n>', 'canvas side in pixels (divisible by 2^depth; item scales follow size/64)', int(8), 64)
    .option('--train-scenes <n>', 'training scenes (from training images)', int(1), 1000)
    .option('--test-scenes <n>', `test scenes (from test images, seed ${TEST_SCENE_SEED})`, int(1), 200)
    .option('--sheet-scenes <n>', 'test scenes shown in predictions.png', int(1), 6)
    .addOption(backendOption())
    .option('--out <dir>', 'output directory (a checkpoint is kept in DIR/checkpoint after every epoch)', 'runs/segment')
    .option('--resume', 'continue from DIR/checkpoint (same options; --epochs may be raised)', false)
    .option('--quiet', 'no progress output', false)
    .action(async (o) => {
      if (o.depth > 4) throw new Error(`--depth must be 1-4, got ${o.depth}`);
      await selectBackend(o.backend);
      const res = await runSegmentation({
        dataset: o.dataset, downUp: o.downUp, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, schedule: o.schedule, seed: o.seed,
        sceneSeed: o.sceneSeed, width: o.width, depth: o.depth, sceneSize: o.sceneSize, trainScenes: o.trainScenes, testScenes: o.testScenes, liftConstraint: o.constraint, lambdaU: o.lambdaU,
        lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize, sheetScenes: o.sheetScenes, out: o.out, resume: o.resume, quiet: o.quiet, command: command(),
      });
      console.log(`${res.dataset} segnet ${res.downUp} seed=${res.seed}: mIoU ${fmt(res.mIoU)} (no background ${fmt(res.mIoUNoBackground)}), pixel accuracy ${fmt(res.pixelAccuracy)}, ${res.params} params, ${res.imagesPerSecond.toFixed(1)} img/s on ${res.backend}`);
      console.log(`wrote ${['model.json', 'weights.bin', 'results.json', 'predictions.png'].map((f) => join(o.out, f)).join(', ')}`);
    });
}

function segmentEvalCommand(): Command {
  return new Command('eval')
    .description('re-evaluate a saved segmentation model (DIR from `segment train`) and write DIR/eval.json')
    .requiredOption('--model <dir>', 'directory with model.json, weights.bin (and results.json)')
    .addOption(datasetOption('source of the scene items (default: the one it was trained on)'))
    .option('--test-scenes <n>', 'test scenes (default: as in training)', int(1))
    .option('--scene-seed <n>', `seed of the test scenes (default: as in training, ${TEST_SCENE_SEED})`, int(0))
    .option('--json <file>', 'where to write the metrics (default DIR/eval.json)')
    .addOption(backendOption())
    .action(async (o) => {
      await selectBackend(o.backend);
      const out = await evalSegmentation({ model: o.model, dataset: o.dataset, testScenes: o.testScenes, sceneSeed: o.sceneSeed, json: o.json, command: command() });
      console.log(`${out.dataset}: mIoU ${fmt(out.mIoU)} (no background ${fmt(out.mIoUNoBackground)}), pixel accuracy ${fmt(out.pixelAccuracy)} on ${out.testScenes} test scenes`);
      console.log(`per-class IoU: ${out.perClassIoU.map((v, i) => `${i}:${v == null ? '-' : v.toFixed(3)}`).join(' ')}`);
      console.log(`wrote ${o.json ?? join(o.model, 'eval.json')}`);
    });
}

function segmentSheetCommand(): Command {
  return new Command('sheet')
    .description('write a PNG sheet of sample scenes and their label maps (image | labels, background black)')
    .addOption(datasetOption('source of the scene items').default('mnist'))
    .addOption(new Option('--split <name>', 'source split').default('train').argParser(oneOf(['train', 'test'] as const)))
    .option('--count <n>', 'scenes', int(1), 8)
    .option('--seed <n>', 'scene seed', int(0), 0)
    .option('--scale <n>', 'integer upscaling', int(1), 3)
    .option('--out <file>', 'PNG file', 'runs/segment/scenes.png')
    .action(async (o) => {
      const scenes = await loadScenes(o.dataset, o.split, o.count, o.seed);
      writeFileAtomic(o.out, sceneSheet(scenes.images, scenes.labels, scenes.size, scenes.count, { scale: o.scale }));
      console.log(`wrote ${o.out}: ${scenes.count} ${o.dataset} ${o.split} scenes (seed ${o.seed}), ${Array.from(scenes.itemsPerScene).join(',')} items`);
    });
}

export function segmentCommand(): Command {
  const group = new Command('segment').description('segmentation experiment: SegNet-style model on synthetic MNIST/Fashion-MNIST scenes (train | eval | sheet)');
  for (const sub of [segmentTrainCommand(), segmentEvalCommand(), segmentSheetCommand()]) {
    // Nested commands do not inherit the program's settings: same error style as the top level.
    sub.showHelpAfterError('(run with --help for usage)').configureOutput({ outputError: (str, write) => write(`liftpool: ${str}`) });
    group.addCommand(sub);
  }
  return group;
}
