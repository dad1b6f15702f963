/** Options of the training recipe: epochs, batch size, learning rate and schedule, optimizer, seed. */
import { OPTIMIZERS } from '../../train/optimizer-state.js';
import { SCHEDULES } from '../../train/schedule.js';
import type { ClassifierRunOptions } from '../run-classifier.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { float, int, oneOf } from './parsers.js';

export type RecipeValues = Pick<ClassifierRunOptions, 'epochs' | 'batchSize' | 'lr' | 'optimizer' | 'momentum' | 'weightDecay' | 'schedule' | 'seed'>;

export const RECIPE_OPTIONS: Catalog<RecipeValues> = {
  epochs: { flags: '--epochs <n>', help: 'training epochs', parse: int(1) },
  batchSize: { flags: '--batch-size <n>', help: 'mini-batch size', parse: int(1) },
  lr: { flags: '--lr <x>', help: 'learning rate', parse: float(0, true) },
  optimizer: { flags: '--optimizer <name>', help: 'optimizer', parse: oneOf(OPTIMIZERS) },
  momentum: { flags: '--momentum <x>', help: 'SGD momentum', parse: float(0) },
  weightDecay: { flags: '--weight-decay <x>', help: 'L2 weight decay on conv/dense kernels', parse: float(0) },
  schedule: { flags: '--schedule <name>', help: 'learning-rate schedule', parse: oneOf(SCHEDULES) },
  seed: { flags: '--seed <n>', help: 'random seed (initialisation, shuffling, augmentation)', parse: int(0) },
};

export const recipeOptions = (defaults: Defaults<RecipeValues>, help?: HelpTexts<RecipeValues>) => optionsOf(RECIPE_OPTIONS, defaults, help);
