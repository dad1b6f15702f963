/**
 * The parsed options of `train` and `segment train` (the groups they take plus their own) and the one
 * mapping from them to the arguments of the classification and segmentation runners.
 */
import type { ClassifierRunOptions } from '../run-classifier.js';
import type { SegmentRunOptions } from '../run-segmentation.js';
import { commandLine } from '../provenance.js';
import type { DataValues } from './data.js';
import { liftRunOptions, type LiftValues } from './lift.js';
import type { ModelValues } from './model.js';
import type { RecipeValues } from './recipe.js';
import { cliRunControl, type RunControlValues } from './run-control.js';
import type { SceneValues } from './scenes.js';

export type TrainValues = DataValues & Pick<ModelValues, 'arch' | 'pool' | 'width'> & RecipeValues & LiftValues & RunControlValues & {
  diagnoseEvery?: number;
};

export type SegmentTrainValues = Pick<DataValues, 'dataset'> & Pick<ModelValues, 'downUp' | 'width' | 'depth'> & Omit<RecipeValues, 'optimizer' | 'momentum' | 'weightDecay'>
  & SceneValues & LiftValues & RunControlValues;

/** `liftpool train`'s options as `runClassifier` takes them. */
export function classifierRunOptions(o: TrainValues, shouldStop: () => boolean): ClassifierRunOptions {
  return {
    dataset: o.dataset, arch: o.arch, pool: o.pool, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: o.optimizer, momentum: o.momentum,
    weightDecay: o.weightDecay, schedule: o.schedule, seed: o.seed, width: o.width, trainLimit: o.trainLimit, testLimit: o.testLimit, pad32: o.pad32,
    augment: o.augment, ...liftRunOptions(o), diagnoseEvery: o.diagnoseEvery, ...cliRunControl(o, shouldStop, commandLine()),
  };
}

/** `liftpool segment train`'s options as `runSegmentation` takes them. */
export function segmentRunOptions(o: SegmentTrainValues, shouldStop: () => boolean): SegmentRunOptions {
  return {
    dataset: o.dataset, downUp: o.downUp, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, schedule: o.schedule, seed: o.seed, sceneSeed: o.sceneSeed,
    width: o.width, depth: o.depth, sceneSize: o.sceneSize, trainScenes: o.trainScenes, testScenes: o.testScenes, ...liftRunOptions(o),
    sheetScenes: o.sheetScenes, ...cliRunControl(o, shouldStop, commandLine()),
  };
}
