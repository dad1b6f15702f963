/** Options choosing the data of a run: the dataset, class-balanced subsets, padding, augmentation. */
import { DATASET_NAMES } from '../../data/types.js';
import type { ClassifierRunOptions } from '../run-classifier.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { int, oneOf } from './parsers.js';

/** `augment` is false with `--no-augment`. */
export type DataValues = Pick<ClassifierRunOptions, 'dataset' | 'trainLimit' | 'testLimit' | 'pad32' | 'augment'>;

export const DATA_OPTIONS: Catalog<DataValues> = {
  dataset: { flags: '--dataset <name>', help: 'dataset', parse: oneOf(DATASET_NAMES) },
  trainLimit: { flags: '--train-limit <n>', help: 'use a class-balanced subset of N training images', parse: int(1) },
  testLimit: { flags: '--test-limit <n>', help: 'use a class-balanced subset of M test images', parse: int(1) },
  pad32: { flags: '--pad32', help: 'zero-pad images to 32x32' },
  augment: { flags: '--no-augment', help: 'disable random-crop (and, for Fashion-MNIST, flip) augmentation' },
};

export const dataOptions = (defaults: Defaults<DataValues>, help?: HelpTexts<DataValues>) => optionsOf(DATA_OPTIONS, defaults, help);
