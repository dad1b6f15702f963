/**
 * Sheet of segmentation scenes: one row per scene, columns = image (gray), ground-truth label map
 * (coloured with `classColor`: background black), and — when predictions are given — the predicted
 * label map, optionally followed by an error map (white where prediction ≠ ground truth).
 * Returns PNG bytes; the caller writes them.
 */
import { encodeGridPng, labelTile, type Tile } from './png.js';

export interface SceneSheetOptions {
  /** Predicted label maps, same layout as `labels` (`[n, size, size]`); adds a third column. */
  predictions?: ArrayLike<number>;
  /** With predictions: add a fourth column, white where prediction ≠ ground truth. Default false. */
  errors?: boolean;
  /** Which scenes to show, in order. Default: the first `count`. */
  indices?: readonly number[];
  /** Integer upscaling of every tile. Default 3. */
  scale?: number;
  /** Gap between tiles (output pixels). Default 2. */
  gap?: number;
}

/** The tiles of the sheet (one row per scene), for callers that lay them out themselves. */
export function sceneSheetTiles(
  images: Float32Array,
  labels: ArrayLike<number>,
  size: number,
  count: number,
  opts: SceneSheetOptions = {},
): Tile[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`sceneSheet: size must be a positive integer, got ${size}`);
  const px = size * size;
  if (images.length % px !== 0 || labels.length !== images.length) {
    throw new Error(`sceneSheet: images (${images.length}) and labels (${labels.length}) must both hold n × ${size}×${size} values`);
  }
  const n = images.length / px;
  const { predictions } = opts;
  if (predictions && predictions.length !== labels.length) {
    throw new Error(`sceneSheet: predictions has ${predictions.length} values, labels ${labels.length}`);
  }
  if (opts.errors && !predictions) throw new Error('sceneSheet: errors column needs predictions');
  const indices = opts.indices ?? Array.from({ length: count }, (_, i) => i);
  if (indices.length === 0) throw new Error('sceneSheet: no scenes to show');
  return indices.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`sceneSheet: scene ${i} out of range [0, ${n})`);
    const slice = (a: ArrayLike<number>): number[] => Array.from({ length: px }, (_, k) => a[i * px + k]);
    const row: Tile[] = [
      { data: images.slice(i * px, (i + 1) * px), height: size, width: size, channels: 1 },
      labelTile(slice(labels), size, size),
    ];
    if (predictions) {
      row.push(labelTile(slice(predictions), size, size));
      if (opts.errors) {
        const err = new Uint8Array(px);
        for (let k = 0; k < px; k++) err[k] = predictions[i * px + k] !== labels[i * px + k] ? 255 : 0;
        row.push({ data: err, height: size, width: size, channels: 1 });
      }
    }
    return row;
  });
}

/**
 * PNG sheet of `count` scenes (or `opts.indices`): image | ground truth [| prediction [| errors]].
 * `images` is `[n, size, size, 1]` in [0, 1], `labels` (and `predictions`) `[n, size, size]` class ids.
 */
export function sceneSheet(
  images: Float32Array,
  labels: ArrayLike<number>,
  size: number,
  count: number,
  opts: SceneSheetOptions = {},
): Buffer {
  return encodeGridPng(sceneSheetTiles(images, labels, size, count, opts), { scale: opts.scale ?? 3, gap: opts.gap ?? 2 });
}
