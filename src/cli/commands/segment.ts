/**
 * `liftpool segment train | eval | sheet`: the segmentation experiment (SegNet-style encoder–decoder
 * on synthetic MNIST / Fashion-MNIST scenes, one down/up pair per run; metric mIoU).
 */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../../data/types.js';
import { loadScenes } from '../../data/scenes-load.js';
import { DOWN_UP_NAMES, paramCount } from '../../models/index.js';
import { SCHEDULES } from '../../train/schedule.js';
import { evaluateSegmentation, modelOutputKind } from '../../train/segmentation.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { sceneSheet } from '../../report/scene-sheet.js';
import { int, float, oneOf } from '../options.js';
import { interruptible } from '../interrupt.js';
import { checkModelKind, evalDataset, readTrainedRecord } from '../trained-model.js';
import { addLiftOptions } from '../lift-options.js';
import { TEST_SCENE_SEED, fmt, metricsRecord, runSegmentation, sceneOptionsFor } from '../run-segmentation.js';
import { backendOption, selectBackend } from './train.js';
import { provenance } from '../provenance.js';

export { TEST_SCENE_SEED, predictionSheet, runSegmentation, sceneOptionsFor, type SegmentResults, type SegmentRunOptions } from '../run-segmentation.js';

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
  const trained = readTrainedRecord(o.model, 'segmentation');
  const dataset = evalDataset<DatasetName>(o.model, trained, o.dataset);
  const testScenes = o.testScenes ?? trained.testScenes;
  if (!testScenes) throw new Error(`--test-scenes is required: ${o.model} has no results.json saying how many test scenes the model was scored on`);
  const sceneSeed = o.sceneSeed ?? trained.testSceneSeed ?? TEST_SCENE_SEED;
  const model = await tf.loadLayersModel(fileIO(o.model));
  try {
    checkModelKind(model, o.model, 'segmentation');
    const size = model.inputs[0].shape[1] as number;
    const test = await loadScenes(dataset, 'test', testScenes, sceneSeed, sceneOptionsFor(size));
    const ev = evaluateSegmentation(model, test);
    const pc = paramCount(model);
    const out = {
      dataset, downUp: trained.downUp, testScenes: test.count, testSceneSeed: sceneSeed, ...metricsRecord(ev), classNames: test.classNames,
      output: modelOutputKind(model), params: pc.total, ...provenance(o.command),
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
    .option('--resume', 'continue from DIR/checkpoint (same options; --epochs may be raised when the schedule allows)', false)
    .option('--force', 'replace a finished or unfinished run in DIR', false)
    .option('--quiet', 'print only errors and the final line', false)
    .action(async (o) => {
      if (o.depth > 4) throw new Error(`--depth must be 1-4, got ${o.depth}`);
      await selectBackend(o.backend, o.quiet);
      const res = await interruptible(join(o.out, 'checkpoint'), (shouldStop) => runSegmentation({
        dataset: o.dataset, downUp: o.downUp, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, schedule: o.schedule, seed: o.seed,
        sceneSeed: o.sceneSeed, width: o.width, depth: o.depth, sceneSize: o.sceneSize, trainScenes: o.trainScenes, testScenes: o.testScenes, liftConstraint: o.constraint,
        lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize, sheetScenes: o.sheetScenes, out: o.out, resume: o.resume, force: o.force, refuseExisting: true,
        shouldStop, quiet: o.quiet, command: command(),
      }));
      if (!res) return;
      console.log(`${res.dataset} segnet ${res.downUp} seed=${res.seed}: mIoU ${fmt(res.mIoU)} (no background ${fmt(res.mIoUNoBackground)}), pixel accuracy ${fmt(res.pixelAccuracy)}, ${res.params} params, ${res.imagesPerSecond.toFixed(1)} img/s on ${res.backend}`);
      if (!o.quiet) console.log(`wrote ${['model.json', 'weights.bin', 'predictions.png', 'results.json'].map((f) => join(o.out, f)).join(', ')}`);
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
