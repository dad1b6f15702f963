/**
 * Shared types of the data layer (and the list of dataset names). No imports: every data module may
 * depend on this one, and it on none, so the loaders and the helpers never import each other for types.
 */

export type DatasetName = 'mnist' | 'fashion-mnist';
export type Split = 'train' | 'test';
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/**
 * Images with labels. `images` is row-major NHWC (`n × height × width × channels` values): raw bytes
 * 0–255 in a `Uint8Array` (what the loaders return) or floats in [0, 1] in a `Float32Array`.
 */
export interface Dataset {
  name: string;
  split?: Split;
  images: Float32Array | Uint8Array;
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: readonly string[];
  /** Index of each sample in its source (official file for MNIST, package order for Fashion-MNIST). */
  sourceIndex?: Uint32Array;
}

/** Pixel statistics in [0, 1] units. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Where a load's data came from; reported through {@link LoadOptions.onCache}. */
export type CacheEvent =
  | { status: 'hit'; path: string }
  | { status: 'built'; path: string; reason: 'missing' | 'corrupt' | 'stale'; detail: string; written: boolean; writeError?: string };

export interface LoadOptions {
  /** Cache directory; default: see `resolveCacheDir` in cache.ts (env `LIFTPOOL_CACHE_DIR`, else the user cache directory). */
  cacheDir?: string;
  /** Called once per load that goes through the cache (Fashion-MNIST): whether it hit or was rebuilt. */
  onCache?: (event: CacheEvent) => void;
}
