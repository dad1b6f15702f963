/** Options choosing the model: classifier architecture and pooling, SegNet down/up pair and depth, width. */
import { ARCH_NAMES, DOWN_UP_NAMES, POOL_NAMES, type ArchName, type DownUpName, type PoolName } from '../../models/index.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { float, int, list, oneOf } from './parsers.js';

export interface ModelValues {
  arch: ArchName;
  pool: PoolName;
  /** Several pools, one run each (`demo`, `sweep`). */
  pools: PoolName[];
  downUp: DownUpName;
  width: number;
  depth: number;
}

export const MODEL_OPTIONS: Catalog<ModelValues> = {
  arch: { flags: '--arch <name>', help: 'architecture', parse: oneOf(ARCH_NAMES) },
  pool: { flags: '--pool <name>', help: 'downsampling', parse: oneOf(POOL_NAMES) },
  pools: { flags: '--pools <list>', help: 'comma-separated pools to compare', parse: list(POOL_NAMES) },
  downUp: { flags: '--down-up <name>', help: 'down/up sampling pair', parse: oneOf(DOWN_UP_NAMES) },
  width: { flags: '--width <x>', help: 'channel width multiplier', parse: float(0, true) },
  depth: { flags: '--depth <n>', help: 'number of down/up pairs (1-4)', parse: int(1, 4) },
};

export const modelOptions = (defaults: Defaults<ModelValues>, help?: HelpTexts<ModelValues>) => optionsOf(MODEL_OPTIONS, defaults, help);
