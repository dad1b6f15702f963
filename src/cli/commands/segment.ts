/**
 * `liftpool segment train | eval | sheet`: the segmentation experiment (SegNet-style encoder–decoder
 * on synthetic MNIST / Fashion-MNIST scenes, one down/up pair per run; metric mIoU).
 */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { DatasetName } from '../../data/types.js';
import { loadScenes } from '../../data/scenes-load.js';
import { paramCount } from '../../models/index.js';
import { evaluateSegmentation, modelOutputKind } from '../../train/segmentation.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { sceneSheet } from '../../report/scene-sheet.js';
import { interruptible } from '../interrupt.js';
import { checkModelKind, evalDataset, readTrainedRecord } from '../trained-model.js';
import { TEST_SCENE_SEED, fmt, metricsRecord, runSegmentation, sceneOptionsFor } from '../run-segmentation.js';
import { commandLine, provenance } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { dataOptions, type DataValues } from '../options/data.js';
import { liftOptions } from '../options/lift.js';
import { modelOptions } from '../options/model.js';
import { int, oneOf } from '../options/parsers.js';
import { recipeOptions, type RecipeValues } from '../options/recipe.js';
import { backendOption, selectBackend, trainingRunOptions, type RunControlValues } from '../options/run-control.js';
import { segmentRunOptions, type SegmentTrainValues } from '../options/runner-args.js';
import { sceneOptions } from '../options/scenes.js';

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

function segmentTrainCommand(): Command {
  const cmd = new Command('train').description('train a SegNet-style model on synthetic scenes; writes DIR/model.json, weights.bin, results.json, predictions.png');
  return addOptions(cmd,
    liftOptions(),
    dataOptions({ dataset: 'mnist' }, { dataset: 'source of the scene items' }),
    modelOptions({ downUp: 'lift-liftup' }),
    recipeOptions({ epochs: 5, batchSize: 16, lr: 1e-3, schedule: 'cosine', seed: 0 }, {
      batchSize: 'mini-batch size (scenes)', lr: 'Adam learning rate', schedule: 'learning-rate schedule (per epoch)',
      seed: 'random seed (initialisation, shuffling; and training scenes unless --scene-seed)',
    }),
    sceneOptions({ sceneSeed: undefined }),
    modelOptions({ width: 0.25, depth: 3 }, { width: 'channel width multiplier (stages 64, 128, 256, 512 × W)' }),
    sceneOptions({ sceneSize: 64, trainScenes: 1000, testScenes: 200, sheetScenes: 6 }),
    backendOption(),
    trainingRunOptions('runs/segment', 'output directory (a checkpoint is kept in DIR/checkpoint after every epoch)'),
  ).action(async (o: SegmentTrainValues) => {
    await selectBackend(o.backend, o.quiet);
    const res = await interruptible(join(o.out, 'checkpoint'), (shouldStop) => runSegmentation(segmentRunOptions(o, shouldStop)));
    if (!res) return;
    console.log(`${res.dataset} segnet ${res.downUp} seed=${res.seed}: mIoU ${fmt(res.mIoU)} (no background ${fmt(res.mIoUNoBackground)}), pixel accuracy ${fmt(res.pixelAccuracy)}, ${res.params} params, ${res.imagesPerSecond.toFixed(1)} img/s on ${res.backend}`);
    if (!o.quiet) console.log(`wrote ${['model.json', 'weights.bin', 'predictions.png', 'results.json'].map((f) => join(o.out, f)).join(', ')}`);
  });
}

type SegmentEvalValues = Omit<SegmentEvalOptions, 'command'> & Pick<RunControlValues, 'backend'>;

function segmentEvalCommand(): Command {
  const cmd = new Command('eval')
    .description('re-evaluate a saved segmentation model (DIR from `segment train`) and write DIR/eval.json')
    .requiredOption('--model <dir>', 'directory with model.json, weights.bin (and results.json)');
  return addOptions(cmd,
    dataOptions({ dataset: undefined }, { dataset: 'source of the scene items (default: the one it was trained on)' }),
    sceneOptions({ testScenes: undefined, sceneSeed: undefined }, {
      testScenes: 'test scenes (default: as in training)', sceneSeed: `seed of the test scenes (default: as in training, ${TEST_SCENE_SEED})`,
    }),
    new Option('--json <file>', 'where to write the metrics (default DIR/eval.json)'),
    backendOption(),
  ).action(async (o: SegmentEvalValues) => {
    await selectBackend(o.backend);
    const out = await evalSegmentation({ model: o.model, dataset: o.dataset, testScenes: o.testScenes, sceneSeed: o.sceneSeed, json: o.json, command: commandLine() });
    console.log(`${out.dataset}: mIoU ${fmt(out.mIoU)} (no background ${fmt(out.mIoUNoBackground)}), pixel accuracy ${fmt(out.pixelAccuracy)} on ${out.testScenes} test scenes`);
    console.log(`per-class IoU: ${out.perClassIoU.map((v, i) => `${i}:${v == null ? '-' : v.toFixed(3)}`).join(' ')}`);
    console.log(`wrote ${o.json ?? join(o.model, 'eval.json')}`);
  });
}

type SegmentSheetValues = Pick<DataValues, 'dataset'> & Pick<RecipeValues, 'seed'> & Pick<RunControlValues, 'out'> & { split: 'train' | 'test'; count: number; scale: number };

function segmentSheetCommand(): Command {
  const cmd = new Command('sheet').description('write a PNG sheet of sample scenes and their label maps (image | labels, background black)');
  return addOptions(cmd,
    dataOptions({ dataset: 'mnist' }, { dataset: 'source of the scene items' }),
    new Option('--split <name>', 'source split').default('train').argParser(oneOf(['train', 'test'] as const)),
    new Option('--count <n>', 'scenes').default(8).argParser(int(1)),
    recipeOptions({ seed: 0 }, { seed: 'scene seed' }),
    new Option('--scale <n>', 'integer upscaling').default(3).argParser(int(1)),
    new Option('--out <file>', 'PNG file').default('runs/segment/scenes.png'),
  ).action(async (o: SegmentSheetValues) => {
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
