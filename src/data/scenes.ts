/**
 * Synthetic semantic-segmentation scenes built from classification items (MNIST / Fashion-MNIST).
 *
 * A scene is a `size × size` gray canvas (black background) holding between `minItems` and `maxItems`
 * items. Each item is one image of the source dataset, resampled by a random scale factor and pasted at a
 * random position fully inside the canvas. Every pixel gets a label: 0 = background, `1 + c` for a pixel
 * of an item of source class `c`. See docs/segmentation-data.md for the full description.
 *
 * Rules (the tests check them pixel by pixel):
 * - **Intensities**: source pixels are scaled to [0, 1] (uint8 / 255). Resampling is separable: bilinear
 *   (half-pixel centres, edge clamp) along an axis that grows, exact area averaging (box filter) along an
 *   axis that shrinks; a factor of exactly 1 copies the item unchanged. Both are convex combinations, so
 *   values stay in [0, 1].
 * - **Compositing is by maximum**: the canvas value is the largest value any item has at that pixel
 *   (strokes are light-on-dark ink, so overlapping items look like overlapping ink; nothing is erased).
 * - **Labels follow the winning item**: a pixel is labelled `1 + class` of the item whose value is the
 *   maximum there, provided that value is strictly greater than `threshold`; otherwise 0 (background).
 *   Ties between items go to the item placed later. So a label is always consistent with the visible
 *   image: a labelled pixel is bright (> threshold) and its brightness comes from an item of that class.
 * - **Overlap is limited, not forbidden**: by default a new item's position is redrawn (up to
 *   `placementTries` = 20 times) until at most `maxOverlap` = 10 % of its foreground pixels fall on
 *   foreground of earlier items; if no try succeeds the least-overlapping one is used. Where items still
 *   overlap, the rules above decide. `maxOverlap: 1` turns the check off.
 *
 * Split discipline: `makeScenes` takes the source {@link Dataset} (one split) and records `source.split`
 * and, per item, the row it used; {@link loadScenes} (scenes-load.ts) loads the train split for
 * training scenes and the test split for test scenes, so test scenes never contain training items.
 *
 * Determinism: scene `i` depends only on (`seed`, `i`, the options, the source); its random stream is
 * `mulberry32(deriveSeed(seed, SCENE_STREAM, i))`, so `makeScenes(src, 10, o)` equals the first 10
 * scenes of `makeScenes(src, 1000, o)`. Pure function: no I/O, no global state, no `Math.random`.
 */
import { deriveSeed, mulberry32, type Rng } from './random.js';
import { cachedWeights, checkSource, composite, overlapFraction, resampleWith, scaledSize, type Weights1D } from './scene-render.js';
import type { Dataset, Split } from './types.js';

/** Purpose tag mixed into every scene's seed (keeps scene streams apart from other users of `seed`). */
const SCENE_STREAM = 0x5ce7e;

export interface SceneOptions {
  /** Canvas side in pixels. Default 64. */
  size?: number;
  /** Fewest items per scene (integer ≥ 0). Default 1. */
  minItems?: number;
  /** Most items per scene (integer, ≥ minItems, ≤ 255). Default 4. */
  maxItems?: number;
  /** Smallest item scale factor, relative to the source item size (28 px for MNIST). Default 0.8. */
  minScale?: number;
  /** Largest item scale factor. Default 1.6 (45 px items on a 64 px canvas). */
  maxScale?: number;
  /** A pixel takes its item's class when the item's value there is > threshold (on [0, 1]). Default 0.3. */
  threshold?: number;
  /**
   * Largest allowed fraction of a new item's foreground pixels (value > threshold) that may land on
   * foreground of earlier items. Positions are redrawn up to `placementTries` times; when none is good
   * enough, the try with the least overlap is kept (the first such try on equal overlap). Default 0.1;
   * 1 disables the check (exactly one uniform position draw per item).
   */
  maxOverlap?: number;
  /** Position draws per item when `maxOverlap < 1`. Default 20. */
  placementTries?: number;
  /** Seed (any integer; the same seed and options give identical scenes). */
  seed: number;
}

/** Options with every default filled in (recorded in the {@link SceneSet}). */
export type ResolvedSceneOptions = Required<SceneOptions>;

/** One item of one scene: which source row it is and where it went. */
export interface SceneItem {
  /** Row of the source dataset the item came from. */
  index: number;
  /** `source.sourceIndex[index]` (index in the original file) when the source has it, else `index`. */
  sourceIndex: number;
  /** Source class of the item (its pixels are labelled `1 + sourceClass`). */
  sourceClass: number;
  /** Top-left corner on the canvas (the item lies fully inside). */
  y: number;
  x: number;
  /** Size of the item after scaling. */
  height: number;
  width: number;
  /** Scale factor drawn for the item (height = round(source height × scale), at least 1). */
  scale: number;
}

export interface SceneSet {
  /** `[count, size, size, 1]` row-major, values in [0, 1]. */
  images: Float32Array;
  /** `[count, size, size]` row-major class ids: 0 = background, `1 + sourceClass` for item pixels. */
  labels: Uint8Array;
  count: number;
  size: number;
  /** `source.numClasses + 1` (background first). */
  numClasses: number;
  /** `['background', ...source.classNames]`. */
  classNames: string[];
  /** Name of the source dataset. */
  source: string;
  /** Split of the source dataset (`undefined` when the source did not record one). */
  split: Split | undefined;
  /** Number of items in each scene (`[count]`). */
  itemsPerScene: Uint8Array;
  /** Provenance: the items of each scene, in placement (= stacking) order. */
  items: SceneItem[][];
  /** The options used, with defaults filled in. */
  options: ResolvedSceneOptions;
}

/** Fill defaults and validate; throws with a message naming the bad option. */
export function resolveSceneOptions(opts: SceneOptions): ResolvedSceneOptions {
  const r: ResolvedSceneOptions = {
    size: opts.size ?? 64,
    minItems: opts.minItems ?? 1,
    maxItems: opts.maxItems ?? 4,
    minScale: opts.minScale ?? 0.8,
    maxScale: opts.maxScale ?? 1.6,
    threshold: opts.threshold ?? 0.3,
    maxOverlap: opts.maxOverlap ?? 0.1,
    placementTries: opts.placementTries ?? 20,
    seed: opts.seed,
  };
  const fail = (msg: string): never => {
    throw new Error(`makeScenes: ${msg}`);
  };
  if (!Number.isInteger(r.seed)) fail(`seed must be an integer, got ${String(r.seed)}`);
  if (!Number.isInteger(r.size) || r.size < 1) fail(`size must be a positive integer, got ${r.size}`);
  if (!Number.isInteger(r.minItems) || r.minItems < 0) fail(`minItems must be a non-negative integer, got ${r.minItems}`);
  if (!Number.isInteger(r.maxItems) || r.maxItems < r.minItems || r.maxItems > 255) {
    fail(`maxItems must be an integer in [minItems=${r.minItems}, 255], got ${r.maxItems}`);
  }
  if (!(r.minScale > 0) || !(r.maxScale >= r.minScale) || !Number.isFinite(r.maxScale)) {
    fail(`need 0 < minScale <= maxScale (finite), got minScale=${r.minScale}, maxScale=${r.maxScale}`);
  }
  if (!(r.threshold >= 0 && r.threshold < 1)) fail(`threshold must be in [0, 1), got ${r.threshold}`);
  if (!(r.maxOverlap >= 0 && r.maxOverlap <= 1)) fail(`maxOverlap must be in [0, 1], got ${r.maxOverlap}`);
  if (!Number.isInteger(r.placementTries) || r.placementTries < 1) fail(`placementTries must be a positive integer, got ${r.placementTries}`);
  return r;
}

/** Draw one item and paste it into the scene. */
function placeItem(
  rng: Rng,
  source: Dataset,
  o: ResolvedSceneOptions,
  image: Float32Array,
  labels: Uint8Array,
  weights: (n: number, m: number) => Weights1D,
): SceneItem {
  // Draw order per item (fixed, documented): source row, scale, then (y, x) per placement try.
  const index = rng.below(source.n);
  const scale = o.minScale + (o.maxScale - o.minScale) * rng.uniform();
  const { height: h, width: w } = source;
  const height = scaledSize(h, scale);
  const width = scaledSize(w, scale);
  const pixelScale = source.images instanceof Uint8Array ? 1 / 255 : 1;
  const item = resampleWith(source.images, h, w, weights(h, height), weights(w, width), index * h * w, pixelScale);
  let y = rng.below(o.size - height + 1);
  let x = rng.below(o.size - width + 1);
  if (o.maxOverlap < 1) {
    let best = overlapFraction(item, height, width, y, x, o.size, o.threshold, labels);
    for (let t = 1; t < o.placementTries && best > o.maxOverlap; t++) {
      const ty = rng.below(o.size - height + 1);
      const tx = rng.below(o.size - width + 1);
      const f = overlapFraction(item, height, width, ty, tx, o.size, o.threshold, labels);
      if (f < best) {
        best = f;
        y = ty;
        x = tx;
      }
    }
  }
  const cls = 1 + source.labels[index];
  composite(item, { index, y, x, height, width }, cls, o.size, o.threshold, image, labels);
  return {
    index,
    sourceIndex: source.sourceIndex ? source.sourceIndex[index] : index,
    sourceClass: source.labels[index],
    y,
    x,
    height,
    width,
    scale,
  };
}

/**
 * Generate `count` scenes from `source` (see the module comment for every rule). Per scene the random
 * draws are: the number of items (uniform in [minItems, maxItems]), then per item the source row
 * (uniform, with replacement), the scale (uniform in [minScale, maxScale]), y and x (uniform over the
 * positions that keep the item inside the canvas; with `maxOverlap < 1`, further (y, x) pairs until
 * the overlap is small enough or `placementTries` is used up).
 */
export function makeScenes(source: Dataset, count: number, opts: SceneOptions): SceneSet {
  const o = resolveSceneOptions(opts);
  checkSource(source, 'makeScenes');
  if (!Number.isInteger(count) || count < 0) throw new Error(`makeScenes: count must be a non-negative integer, got ${count}`);
  const maxSide = Math.max(scaledSize(source.height, o.maxScale), scaledSize(source.width, o.maxScale));
  if (maxSide > o.size) {
    throw new Error(`makeScenes: items of ${source.height}×${source.width} at maxScale ${o.maxScale} (${maxSide} px) do not fit a ${o.size}×${o.size} canvas`);
  }
  if (o.maxItems > 0 && source.n === 0) throw new Error(`makeScenes: source '${source.name}' is empty`);
  const { size } = o;
  const px = size * size;
  const images = new Float32Array(count * px);
  const labels = new Uint8Array(count * px);
  const itemsPerScene = new Uint8Array(count);
  const items: SceneItem[][] = [];
  const weights = cachedWeights();
  for (let i = 0; i < count; i++) {
    const rng = mulberry32(deriveSeed(o.seed, SCENE_STREAM, i));
    const k = o.minItems + rng.below(o.maxItems - o.minItems + 1);
    const scene: SceneItem[] = [];
    const image = images.subarray(i * px, (i + 1) * px);
    const label = labels.subarray(i * px, (i + 1) * px);
    for (let j = 0; j < k; j++) scene.push(placeItem(rng, source, o, image, label, weights));
    itemsPerScene[i] = k;
    items.push(scene);
  }
  return {
    images,
    labels,
    count,
    size,
    numClasses: source.numClasses + 1,
    classNames: ['background', ...source.classNames],
    source: source.name,
    split: source.split,
    itemsPerScene,
    items,
    options: o,
  };
}

/** Pixel count per class over all scenes (`[numClasses]`), e.g. for class weights or a sanity check. */
export function sceneClassHistogram(scenes: SceneSet): number[] {
  const h = new Array<number>(scenes.numClasses).fill(0);
  for (let i = 0; i < scenes.labels.length; i++) h[scenes.labels[i]]++;
  return h;
}
