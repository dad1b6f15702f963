/**
 * Rendering of segmentation scenes (see scenes.ts for the rules): resampling an item to its drawn size,
 * compositing by maximum with labels that follow the winning item, and the overlap measure used when
 * placing items. Pure functions, no randomness.
 */
import { areaWeights } from './image-kernels.js';
import type { Dataset } from './types.js';

/** Item side after scaling: round(n·scale), at least 1. */
export function scaledSize(n: number, scale: number): number {
  return Math.max(1, Math.round(n * scale));
}

/** Sparse 1D resampling weights: output sample o = Σ_k w[o][k] · input[idx[o][k]]. */
export interface Weights1D {
  idx: Int32Array[];
  w: Float32Array[];
}

/** Memoised {@link resampleWeights} (item sizes repeat across scenes). */
export function cachedWeights(): (n: number, m: number) => Weights1D {
  const cache = new Map<string, Weights1D>();
  return (n, m) => {
    const key = `${n}>${m}`;
    let v = cache.get(key);
    if (!v) cache.set(key, (v = resampleWeights(n, m)));
    return v;
  };
}

function resampleWeights(n: number, m: number): Weights1D {
  if (m < n) {
    // Area: output pixel o covers [o·n/m, (o+1)·n/m) of the input; weight = overlap / (n/m).
    const area = areaWeights(n, m);
    return { idx: area.map((r) => Int32Array.from(r.idx)), w: area.map((r) => Float32Array.from(r.w)) };
  }
  // Bilinear, half-pixel centres (align_corners = false), clamped at the edges. m = n gives identity.
  const idx: Int32Array[] = [];
  const w: Float32Array[] = [];
  const ratio = n / m;
  for (let o = 0; o < m; o++) {
    const u = Math.min(n - 1, Math.max(0, (o + 0.5) * ratio - 0.5));
    const i0 = Math.floor(u);
    const i1 = Math.min(i0 + 1, n - 1);
    const f = u - i0;
    idx.push(Int32Array.from(f > 0 ? [i0, i1] : [i0]));
    w.push(Float32Array.from(f > 0 ? [1 - f, f] : [1]));
  }
  return { idx, w };
}

/**
 * Resample one gray image `[h, w]` (values already in [0, 1]) to `[oh, ow]`: separable, bilinear along
 * an axis that grows, area along an axis that shrinks (see the module comment). Exported for tests.
 */
export function resampleGray(src: ArrayLike<number>, h: number, w: number, oh: number, ow: number): Float32Array {
  if (src.length !== h * w) throw new Error(`resampleGray: got ${src.length} values for ${h}×${w}`);
  return resampleWith(src, h, w, resampleWeights(h, oh), resampleWeights(w, ow), 0, 1);
}

export function resampleWith(src: ArrayLike<number>, h: number, w: number, wy: Weights1D, wx: Weights1D, offset: number, scale: number): Float32Array {
  const oh = wy.idx.length;
  const ow = wx.idx.length;
  // Along the width first: tmp [h, ow].
  const tmp = new Float32Array(h * ow);
  for (let y = 0; y < h; y++) {
    const row = offset + y * w;
    for (let x = 0; x < ow; x++) {
      const is = wx.idx[x];
      const ws = wx.w[x];
      let s = 0;
      for (let k = 0; k < is.length; k++) s += ws[k] * src[row + is[k]];
      tmp[y * ow + x] = s * scale;
    }
  }
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const is = wy.idx[y];
    const ws = wy.w[y];
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < is.length; k++) s += ws[k] * tmp[is[k] * ow + x];
      out[y * ow + x] = Math.min(1, Math.max(0, s));
    }
  }
  return out;
}

/** A placement to render: source row, top-left corner and scaled size. */
export interface Placement {
  index: number;
  y: number;
  x: number;
  height: number;
  width: number;
}

export function checkSource(source: Dataset, fn: string): void {
  const { n, height, width, channels } = source;
  if (channels !== 1) throw new Error(`${fn}: source '${source.name}' has ${channels} channels; scenes need gray (1-channel) items`);
  if (source.images.length !== n * height * width || source.labels.length !== n) {
    throw new Error(`${fn}: source '${source.name}' has inconsistent sizes (n=${n}, images=${source.images.length}, labels=${source.labels.length})`);
  }
  if (source.numClasses + 1 > 256) throw new Error(`${fn}: source has ${source.numClasses} classes; labels are uint8, at most 255 allowed`);
}

/**
 * Render given placements into one scene (the compositing and labelling rules of the module comment),
 * writing into `image` (`size²` floats, expected zero-filled) and `labels` (`size²` bytes, expected zero).
 * Items are stacked in array order (later wins ties). `makeScenes` uses this; tests use it directly to
 * build hand-made scenes.
 */
export function renderScene(
  source: Dataset,
  placements: readonly Placement[],
  size: number,
  threshold: number,
  image: Float32Array = new Float32Array(size * size),
  labels: Uint8Array = new Uint8Array(size * size),
): { image: Float32Array; labels: Uint8Array } {
  checkSource(source, 'renderScene');
  if (image.length !== size * size || labels.length !== size * size) throw new Error(`renderScene: output buffers must hold ${size}×${size} values`);
  renderInto(source, placements, size, threshold, image, labels, cachedWeights());
  return { image, labels };
}

function renderInto(
  source: Dataset,
  placements: readonly Placement[],
  size: number,
  threshold: number,
  image: Float32Array,
  labels: Uint8Array,
  weights: (n: number, m: number) => Weights1D,
): void {
  const { height: h, width: w } = source;
  const pixelScale = source.images instanceof Uint8Array ? 1 / 255 : 1;
  for (const p of placements) {
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= source.n) throw new Error(`renderScene: source index ${p.index} out of range [0, ${source.n})`);
    if (p.y < 0 || p.x < 0 || p.height < 1 || p.width < 1 || p.y + p.height > size || p.x + p.width > size) {
      throw new Error(`renderScene: item ${p.height}×${p.width} at (${p.y}, ${p.x}) does not fit a ${size}×${size} canvas`);
    }
    const item = resampleWith(source.images, h, w, weights(h, p.height), weights(w, p.width), p.index * h * w, pixelScale);
    composite(item, p, 1 + source.labels[p.index], size, threshold, image, labels);
  }
}

/** Paste one resampled item (max compositing, later wins ties, label iff the winner is > threshold). */
export function composite(item: Float32Array, p: Placement, cls: number, size: number, threshold: number, image: Float32Array, labels: Uint8Array): void {
  for (let y = 0; y < p.height; y++) {
    const row = (p.y + y) * size + p.x;
    for (let x = 0; x < p.width; x++) {
      const v = item[y * p.width + x];
      const o = row + x;
      // ">=": a later item wins ties. Labels follow the winner; background unless above threshold.
      if (v >= image[o]) {
        image[o] = v;
        labels[o] = v > threshold ? cls : 0;
      }
    }
  }
}

/** Fraction of the item's foreground (> threshold) pixels that would land on labelled pixels. */
export function overlapFraction(item: Float32Array, height: number, width: number, y0: number, x0: number, size: number, threshold: number, labels: Uint8Array): number {
  let fg = 0;
  let hit = 0;
  for (let y = 0; y < height; y++) {
    const row = (y0 + y) * size + x0;
    for (let x = 0; x < width; x++) {
      if (item[y * width + x] > threshold) {
        fg++;
        if (labels[row + x] !== 0) hit++;
      }
    }
  }
  return fg > 0 ? hit / fg : 0;
}
