/**
 * Geometry helpers on plain single-channel images (row-major H×W Float32Array): integer shifts for the
 * shift-consistency test (Zhang 2019, "Making Convolutional Networks Shift-Invariant Again"), and the
 * bilinear resampler used by rotations, zoom blur and the elastic transform.
 */
import { splitmix32 } from './random.js';

/** How pixels outside the image are filled. `circular` wraps, `zero` fills 0, `edge` repeats the border. */
export type ShiftMode = 'circular' | 'zero' | 'edge';
/** Boundary handling of the resampler. `reflect` is half-sample symmetric (… b a | a b c d | d c …). */
export type Boundary = 'zero' | 'edge' | 'reflect' | 'circular';

/** Check that `image` is an H×W single-channel image. */
export function checkImage(fn: string, image: ArrayLike<number>, height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`${fn}: height and width must be positive integers, got ${height}x${width}`);
  }
  if (image.length !== height * width) {
    throw new Error(`${fn}: image has ${image.length} values, expected ${height}x${width} = ${height * width} (one channel)`);
  }
}

/** Map an integer coordinate into [0, n) per boundary mode; -1 means "outside, use zero". */
export function boundaryIndex(i: number, n: number, boundary: Boundary): number {
  if (i >= 0 && i < n) return i;
  switch (boundary) {
    case 'zero':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
    case 'reflect': {
      const period = 2 * n;
      const m = ((i % period) + period) % period;
      return m < n ? m : period - 1 - m;
    }
  }
}

/**
 * Shift an image by an integer offset: `out[y][x] = in[y − dy][x − dx]` (positive dy moves content down,
 * positive dx moves it right). Pixels shifted in from outside are wrapped (`circular`), zero (`zero`) or
 * copies of the nearest border pixel (`edge`).
 */
export function shiftImage(
  image: Float32Array,
  height: number,
  width: number,
  dy: number,
  dx: number,
  mode: ShiftMode = 'zero',
): Float32Array {
  checkImage('shiftImage', image, height, width);
  if (!Number.isInteger(dy) || !Number.isInteger(dx)) throw new Error(`shiftImage: dy and dx must be integers, got (${dy}, ${dx})`);
  if (mode !== 'circular' && mode !== 'zero' && mode !== 'edge') throw new Error(`shiftImage: unknown mode '${String(mode)}' (circular | zero | edge)`);
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const sy = boundaryIndex(y - dy, height, mode);
    if (sy < 0) continue;
    for (let x = 0; x < width; x++) {
      const sx = boundaryIndex(x - dx, width, mode);
      if (sx < 0) continue;
      out[y * width + x] = image[sy * width + sx];
    }
  }
  return out;
}

/** Two offsets applied to the same image for the shift-consistency test. */
export interface ShiftPair {
  dy1: number;
  dx1: number;
  dy2: number;
  dx2: number;
}

/**
 * `n` pairs of random integer shifts, each component uniform in [−maxShift, maxShift], deterministic for
 * `seed`. Use pair i for image i: predict on shift 1 and on shift 2, then call `shiftConsistency`.
 */
export function randomShiftPairs(n: number, maxShift: number, seed: number): ShiftPair[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randomShiftPairs: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`randomShiftPairs: maxShift must be a non-negative integer, got ${maxShift}`);
  const rng = splitmix32(seed);
  const pairs: ShiftPair[] = [];
  for (let i = 0; i < n; i++) {
    pairs.push({
      dy1: rng.int(-maxShift, maxShift),
      dx1: rng.int(-maxShift, maxShift),
      dy2: rng.int(-maxShift, maxShift),
      dx2: rng.int(-maxShift, maxShift),
    });
  }
  return pairs;
}

/**
 * Shift each of `n` stacked images (N×H×W) by its own offset; `dys[i]`, `dxs[i]` for image i.
 * Handy with `randomShiftPairs`: `shiftBatch(x, n, h, w, pairs.map(p => p.dy1), pairs.map(p => p.dx1))`.
 */
export function shiftBatch(
  images: Float32Array,
  n: number,
  height: number,
  width: number,
  dys: ArrayLike<number>,
  dxs: ArrayLike<number>,
  mode: ShiftMode = 'zero',
): Float32Array {
  const size = height * width;
  if (images.length !== n * size) throw new Error(`shiftBatch: images has ${images.length} values, expected ${n}x${height}x${width}`);
  if (dys.length !== n || dxs.length !== n) throw new Error(`shiftBatch: need ${n} offsets, got dys ${dys.length}, dxs ${dxs.length}`);
  const out = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    out.set(shiftImage(images.subarray(i * size, (i + 1) * size), height, width, dys[i], dxs[i], mode), i * size);
  }
  return out;
}

/** Bilinear sample of `image` at real coordinates (y, x) (pixel centres at integers). */
export function sampleBilinear(image: Float32Array, height: number, width: number, y: number, x: number, boundary: Boundary): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const at = (yy: number, xx: number): number => {
    const iy = boundaryIndex(yy, height, boundary);
    const ix = boundaryIndex(xx, width, boundary);
    return iy < 0 || ix < 0 ? 0 : image[iy * width + ix];
  };
  const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
  const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * Resample: `out[y][x] = image(map(y, x))` with bilinear interpolation. `map` returns the source
 * coordinates [sy, sx] of output pixel (y, x).
 */
export function warpImage(
  image: Float32Array,
  height: number,
  width: number,
  map: (y: number, x: number) => [number, number],
  boundary: Boundary,
): Float32Array {
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sy, sx] = map(y, x);
      out[y * width + x] = sampleBilinear(image, height, width, sy, sx, boundary);
    }
  }
  return out;
}

/** Rotate about the image centre by `degrees` (positive = counter-clockwise on screen), bilinear. */
export function rotateImage(image: Float32Array, height: number, width: number, degrees: number, boundary: Boundary = 'zero'): Float32Array {
  checkImage('rotateImage', image, height, width);
  const t = (degrees * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  // Inverse map: the source of output pixel (y, x) is that pixel rotated by −t (y axis points down).
  return warpImage(image, height, width, (y, x) => {
    const ry = y - cy;
    const rx = x - cx;
    return [cy + s * rx + c * ry, cx + c * rx - s * ry];
  }, boundary);
}
