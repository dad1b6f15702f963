/**
 * Corruption suite for small grayscale images, in the style of ImageNet-C / CIFAR-10-C
 * (Hendrycks & Dietterich, "Benchmarking Neural Network Robustness to Common Corruptions and
 * Perturbations", ICLR 2019), adapted to 28×28 (MNIST, Fashion-MNIST) and 32×32 single-channel images.
 *
 * Pure functions on plain typed arrays: an image is a row-major H×W `Float32Array` with values in [0, 1].
 * Every corruption returns a new array of the same shape, clipped to [0, 1], and is deterministic for a
 * given `seed`. Weather corruptions (snow, frost, fog, spatter) and colour ones (saturate) are left out:
 * they make no sense on 28×28 grayscale digits.
 *
 * Severity table (parameters in pixels are for 28 px images and scale linearly with min(H, W) / 28):
 *
 * | corruption        | parameter                                          | 1        | 2        | 3        | 4        | 5        |
 * |-------------------|----------------------------------------------------|----------|----------|----------|----------|----------|
 * | gaussian_noise    | σ of additive noise                                | 0.08     | 0.12     | 0.18     | 0.26     | 0.38     |
 * | shot_noise        | photons λ per unit intensity, x ← Poisson(λx)/λ    | 60       | 25       | 12       | 5        | 3        |
 * | impulse_noise     | fraction of salt-and-pepper pixels                 | 0.03     | 0.06     | 0.09     | 0.17     | 0.27     |
 * | speckle_noise     | σ of multiplicative noise, x ← x + x·σ·n           | 0.15     | 0.20     | 0.35     | 0.45     | 0.60     |
 * | gaussian_blur     | blur σ (px)                                        | 0.5      | 0.75     | 1.0      | 1.25     | 1.5      |
 * | defocus_blur      | disk radius (px); anti-alias blur σ (px)           | 1; 0.3   | 1.5; 0.4 | 2; 0.5   | 2.5; 0.5 | 3; 0.5   |
 * | glass_blur        | blur σ (px); max jitter (px); jitter iterations    | .5;.6;1  | .6;.8;1  | .7;1;2   | .8;1.2;2 | .9;1.5;2 |
 * | motion_blur       | trail σ (px), kernel 3σ long, angle U(−45°, 45°)   | 1        | 1.5      | 2        | 2.5      | 3        |
 * | zoom_blur         | 11 zoom factors averaged, 1 to max in 10 steps     | 1–1.10   | 1–1.20   | 1–1.30   | 1–1.40   | 1–1.50   |
 * | contrast          | factor c, x ← (x − mean)·c + mean                  | 0.5      | 0.4      | 0.3      | 0.2      | 0.1      |
 * | brightness        | added intensity                                    | 0.1      | 0.2      | 0.3      | 0.4      | 0.5      |
 * | pixelate          | resize factor (box down, nearest up); 28 px →      | 0.6 (17) | 0.5 (14) | 0.4 (11) | 0.3 (8)  | 0.25 (7) |
 * | jpeg_compression  | JPEG quality (jpeg-js encode, then decode)         | 25       | 18       | 15       | 10       | 7        |
 * | elastic_transform | RMS displacement (px); field smoothness σ (px)     | 0.7; 4   | 1.0; 4   | 1.3; 3.5 | 1.6; 3.5 | 2.0; 3   |
 *
 * Noise levels, shot-noise photon counts, impulse amounts, speckle σ, brightness, pixelate factors and
 * JPEG qualities are ImageNet-C's (they do not depend on resolution). Spatial parameters are rescaled to
 * the size of a digit stroke (2–3 px). Zoom factors are larger than ImageNet-C's (1.10–1.30), because a
 * digit fills only the centre of its frame and moves little under a small zoom; contrast factors are
 * milder than ImageNet-C's (0.4–0.05), which on mostly-black digits leave almost nothing. Glass blur
 * jitters pixels independently instead of ImageNet-C's chained swaps (see `glassBlur`). The same noise
 * field is reused across the severities of one seed, so a higher severity is the same corruption,
 * stronger. See docs/corruptions.md.
 */
import jpeg from 'jpeg-js';
import { CorruptionRng, deriveSeed } from './corruptions-rng.js';
import { boundaryIndex, checkImage, sampleBilinear, warpImage, type Boundary } from './shifts.js';

/** Names of the corruptions, in the order used by reports and contact sheets. */
export const CORRUPTIONS = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'speckle_noise',
  'gaussian_blur',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'contrast',
  'brightness',
  'pixelate',
  'jpeg_compression',
  'elastic_transform',
] as const;

export type CorruptionName = (typeof CORRUPTIONS)[number];
export type Severity = 1 | 2 | 3 | 4 | 5;
export type CorruptionCategory = 'noise' | 'blur' | 'digital';

/** Category of each corruption (ImageNet-C grouping, weather excluded). */
export const CORRUPTION_CATEGORY: Readonly<Record<CorruptionName, CorruptionCategory>> = {
  gaussian_noise: 'noise',
  shot_noise: 'noise',
  impulse_noise: 'noise',
  speckle_noise: 'noise',
  gaussian_blur: 'blur',
  defocus_blur: 'blur',
  glass_blur: 'blur',
  motion_blur: 'blur',
  zoom_blur: 'blur',
  contrast: 'digital',
  brightness: 'digital',
  pixelate: 'digital',
  jpeg_compression: 'digital',
  elastic_transform: 'digital',
};

/** Corruptions whose output depends on the seed (random noise, random angle, random field). */
export const RANDOM_CORRUPTIONS: readonly CorruptionName[] = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'speckle_noise',
  'glass_blur',
  'motion_blur',
  'elastic_transform',
];

type Row<T> = readonly [T, T, T, T, T];

/** The parameters of every severity (index 0 = severity 1). See the table in the module comment. */
export const SEVERITY_PARAMS = {
  gaussian_noise: { sigma: [0.08, 0.12, 0.18, 0.26, 0.38] },
  shot_noise: { photons: [60, 25, 12, 5, 3] },
  impulse_noise: { amount: [0.03, 0.06, 0.09, 0.17, 0.27] },
  speckle_noise: { sigma: [0.15, 0.2, 0.35, 0.45, 0.6] },
  gaussian_blur: { sigmaPx: [0.5, 0.75, 1.0, 1.25, 1.5] },
  defocus_blur: { radiusPx: [1, 1.5, 2, 2.5, 3], aliasSigmaPx: [0.3, 0.4, 0.5, 0.5, 0.5] },
  glass_blur: { sigmaPx: [0.5, 0.6, 0.7, 0.8, 0.9], maxDeltaPx: [0.6, 0.8, 1.0, 1.2, 1.5], iterations: [1, 1, 2, 2, 2] },
  motion_blur: { sigmaPx: [1, 1.5, 2, 2.5, 3] },
  zoom_blur: {
    zooms: [[1, 1.1, 0.01], [1, 1.2, 0.02], [1, 1.3, 0.03], [1, 1.4, 0.04], [1, 1.5, 0.05]] as Row<readonly [number, number, number]>,
  },
  contrast: { factor: [0.5, 0.4, 0.3, 0.2, 0.1] },
  brightness: { delta: [0.1, 0.2, 0.3, 0.4, 0.5] },
  pixelate: { factor: [0.6, 0.5, 0.4, 0.3, 0.25] },
  jpeg_compression: { quality: [25, 18, 15, 10, 7] },
  elastic_transform: { rmsDisplacementPx: [0.7, 1.0, 1.3, 1.6, 2.0], smoothSigmaPx: [4, 4, 3.5, 3.5, 3] },
} as const satisfies Record<CorruptionName, Record<string, Row<unknown>>>;

/** True when `name` is a known corruption. */
export function isCorruptionName(name: string): name is CorruptionName {
  return (CORRUPTIONS as readonly string[]).includes(name);
}

function checkArgs(fn: string, name: string, severity: number, seed: number): void {
  if (!isCorruptionName(name)) throw new Error(`${fn}: unknown corruption '${name}'; known: ${CORRUPTIONS.join(', ')}`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new Error(`${fn}: severity must be an integer in 1..5, got ${severity}`);
  if (!Number.isFinite(seed)) throw new Error(`${fn}: seed must be a finite number, got ${seed}`);
}

/**
 * Corrupt one image (row-major H×W, one channel, values in [0, 1]).
 *
 * ```ts
 * const noisy = corrupt(img, 28, 28, 'gaussian_noise', 3, 42);
 * ```
 * @throws on an unknown name, a severity outside 1..5, or an image whose length is not H·W.
 */
export function corrupt(image: Float32Array, height: number, width: number, name: CorruptionName, severity: Severity, seed: number): Float32Array {
  checkArgs('corrupt', name, severity, seed);
  checkImage('corrupt', image, height, width);
  const i = severity - 1;
  const px = Math.min(height, width) / 28; // pixel parameters are for 28 px images
  const rng = new CorruptionRng(deriveSeed(seed, name));
  const x = image;
  let out: Float32Array;
  switch (name) {
    case 'gaussian_noise': {
      const s = SEVERITY_PARAMS.gaussian_noise.sigma[i];
      out = map(x, (v) => v + s * rng.normal());
      break;
    }
    case 'shot_noise': {
      const lam = SEVERITY_PARAMS.shot_noise.photons[i];
      out = map(x, (v) => rng.poisson(Math.max(0, v) * lam) / lam);
      break;
    }
    case 'impulse_noise': {
      const amount = SEVERITY_PARAMS.impulse_noise.amount[i];
      out = map(x, (v) => {
        const u = rng.uniform();
        const salt = rng.uniform() < 0.5;
        return u < amount ? (salt ? 1 : 0) : v;
      });
      break;
    }
    case 'speckle_noise': {
      const s = SEVERITY_PARAMS.speckle_noise.sigma[i];
      out = map(x, (v) => v + v * s * rng.normal());
      break;
    }
    case 'gaussian_blur':
      out = gaussianBlur(x, height, width, SEVERITY_PARAMS.gaussian_blur.sigmaPx[i] * px);
      break;
    case 'defocus_blur': {
      const p = SEVERITY_PARAMS.defocus_blur;
      out = convolve2d(x, height, width, diskKernel(p.radiusPx[i] * px), 'reflect');
      out = gaussianBlur(out, height, width, p.aliasSigmaPx[i] * px);
      break;
    }
    case 'glass_blur': {
      const p = SEVERITY_PARAMS.glass_blur;
      out = glassBlur(x, height, width, p.sigmaPx[i] * px, p.maxDeltaPx[i] * px, p.iterations[i], rng);
      break;
    }
    case 'motion_blur': {
      const sigma = SEVERITY_PARAMS.motion_blur.sigmaPx[i] * px;
      const angle = rng.uniformIn(-45, 45);
      out = convolve2d(x, height, width, motionKernel(sigma, angle), 'edge');
      break;
    }
    case 'zoom_blur': {
      const [start, end, step] = SEVERITY_PARAMS.zoom_blur.zooms[i];
      out = zoomBlur(x, height, width, start, end, step);
      break;
    }
    case 'contrast': {
      const c = SEVERITY_PARAMS.contrast.factor[i];
      let mean = 0;
      for (let k = 0; k < x.length; k++) mean += x[k];
      mean /= x.length;
      out = map(x, (v) => (v - mean) * c + mean);
      break;
    }
    case 'brightness': {
      const d = SEVERITY_PARAMS.brightness.delta[i];
      out = map(x, (v) => v + d);
      break;
    }
    case 'pixelate':
      out = pixelate(x, height, width, SEVERITY_PARAMS.pixelate.factor[i]);
      break;
    case 'jpeg_compression':
      out = jpegRoundTrip(x, height, width, SEVERITY_PARAMS.jpeg_compression.quality[i]);
      break;
    case 'elastic_transform': {
      const p = SEVERITY_PARAMS.elastic_transform;
      out = elasticTransform(x, height, width, p.rmsDisplacementPx[i] * px, p.smoothSigmaPx[i] * px, rng);
      break;
    }
  }
  return clip01InPlace(out);
}

/**
 * Corrupt `n` stacked images (N×H×W). Image i uses seed `deriveSeed(seed, i)`, so
 * `corruptBatch(x, …, seed)` image i equals `corrupt(x_i, …, imageSeed(seed, i))`.
 */
export function corruptBatch(
  images: Float32Array,
  n: number,
  height: number,
  width: number,
  name: CorruptionName,
  severity: Severity,
  seed: number,
): Float32Array {
  checkArgs('corruptBatch', name, severity, seed);
  if (!Number.isInteger(n) || n < 0) throw new Error(`corruptBatch: n must be a non-negative integer, got ${n}`);
  const size = height * width;
  if (images.length !== n * size) throw new Error(`corruptBatch: images has ${images.length} values, expected ${n}x${height}x${width} = ${n * size}`);
  if (name === 'jpeg_compression') {
    // Deterministic (no randomness): one mosaic encode for the whole batch, identical to per-image
    // round trips (see jpegRoundTripBatch) and ~50x faster than building one encoder per image.
    return jpegRoundTripBatch(images, n, height, width, SEVERITY_PARAMS.jpeg_compression.quality[severity - 1]);
  }
  const out = new Float32Array(n * size);
  for (let k = 0; k < n; k++) {
    out.set(corrupt(images.subarray(k * size, (k + 1) * size), height, width, name, severity, imageSeed(seed, k)), k * size);
  }
  return out;
}

/** The per-image seed `corruptBatch` uses for image `index`. */
export function imageSeed(seed: number, index: number): number {
  return deriveSeed(seed, 'image', index);
}

// ---------------------------------------------------------------------------------------------------
// Building blocks (exported for tests and for the perturbation sequences)

function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = f(x[k]);
  return out;
}

/** Clip every value to [0, 1] in place (NaN becomes 0). */
export function clip01InPlace(x: Float32Array): Float32Array {
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    x[k] = v > 1 ? 1 : v >= 0 ? v : 0;
  }
  return x;
}

/** A 2D kernel: `data` is kh×kw row-major, centred at (cy, cx). */
export interface Kernel2D {
  data: Float64Array;
  kh: number;
  kw: number;
  cy: number;
  cx: number;
}

/** Correlate: `out[y][x] = Σ k[i][j] · in[y + i − cy][x + j − cx]`, out-of-range pixels per `boundary`. */
export function convolve2d(x: Float32Array, height: number, width: number, k: Kernel2D, boundary: Boundary): Float32Array {
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      let acc = 0;
      for (let i = 0; i < k.kh; i++) {
        const sy = boundaryIndex(y + i - k.cy, height, boundary);
        if (sy < 0) continue;
        for (let j = 0; j < k.kw; j++) {
          const w = k.data[i * k.kw + j];
          if (w === 0) continue;
          const sx = boundaryIndex(xx + j - k.cx, width, boundary);
          if (sx < 0) continue;
          acc += w * x[sy * width + sx];
        }
      }
      out[y * width + xx] = acc;
    }
  }
  return out;
}

/** Normalised 1D Gaussian taps, radius ceil(3σ). */
export function gaussianTaps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let t = -r; t <= r; t++) {
    const v = Math.exp(-(t * t) / (2 * sigma * sigma));
    taps[t + r] = v;
    sum += v;
  }
  for (let t = 0; t < taps.length; t++) taps[t] /= sum;
  return taps;
}

/** Separable Gaussian blur (reflect boundary). σ ≤ 0 returns a copy. */
export function gaussianBlur(x: Float32Array, height: number, width: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return new Float32Array(x);
  const taps = gaussianTaps(sigma);
  const r = (taps.length - 1) / 2;
  const row: Kernel2D = { data: taps, kh: 1, kw: taps.length, cy: 0, cx: r };
  const col: Kernel2D = { data: taps, kh: taps.length, kw: 1, cy: r, cx: 0 };
  return convolve2d(convolve2d(x, height, width, row, 'reflect'), height, width, col, 'reflect');
}

/** Anti-aliased disk (each tap = fraction of its pixel cell inside the disk, 8×8 supersampling), normalised. */
export function diskKernel(radius: number): Kernel2D {
  const r = Math.ceil(radius);
  const n = 2 * r + 1;
  const data = new Float64Array(n * n);
  const ss = 8;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let inside = 0;
      for (let a = 0; a < ss; a++) {
        for (let b = 0; b < ss; b++) {
          const dy = i - r - 0.5 + (a + 0.5) / ss;
          const dx = j - r - 0.5 + (b + 0.5) / ss;
          if (dy * dy + dx * dx <= radius * radius) inside++;
        }
      }
      data[i * n + j] = inside;
      sum += inside;
    }
  }
  for (let k = 0; k < data.length; k++) data[k] /= sum;
  return { data, kh: n, kw: n, cy: r, cx: r };
}

/**
 * One-sided motion-blur kernel: Gaussian weights exp(−t²/2σ²) along a ray of length 3σ at `angleDeg`
 * (0° = content smeared from the right, as a camera moving right), splatted bilinearly onto the grid.
 */
export function motionKernel(sigma: number, angleDeg: number): Kernel2D {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const n = 2 * radius + 1;
  const data = new Float64Array(n * n);
  const t0 = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(t0);
  const sin = Math.sin(t0);
  const steps = 4 * radius;
  let sum = 0;
  for (let s = 0; s <= steps; s++) {
    const t = (s / steps) * radius;
    const w = Math.exp(-(t * t) / (2 * sigma * sigma));
    const fy = radius - t * sin;
    const fx = radius + t * cos;
    const y0 = Math.floor(fy);
    const x0 = Math.floor(fx);
    const ay = fy - y0;
    const ax = fx - x0;
    const splat = (yy: number, xx: number, ww: number): void => {
      if (yy < 0 || yy >= n || xx < 0 || xx >= n || ww === 0) return;
      data[yy * n + xx] += ww;
      sum += ww;
    };
    splat(y0, x0, w * (1 - ay) * (1 - ax));
    splat(y0, x0 + 1, w * (1 - ay) * ax);
    splat(y0 + 1, x0, w * ay * (1 - ax));
    splat(y0 + 1, x0 + 1, w * ay * ax);
  }
  for (let k = 0; k < data.length; k++) data[k] /= sum;
  return { data, kh: n, kw: n, cy: radius, cx: radius };
}

function glassBlur(x: Float32Array, height: number, width: number, sigma: number, delta: number, iterations: number, rng: CorruptionRng): Float32Array {
  // ImageNet-C's glass blur: blur, locally scramble pixels, blur again. ImageNet-C scrambles with a chain
  // of integer-pixel swaps walked across the image, which carries a pixel many steps along: on 224 px
  // images that is frosted glass, on 28 px digits it scatters whole strokes even at severity 1. Here each
  // pixel instead reads the (bilinear) value at an independent random offset, uniform in [−delta, delta]
  // per axis (sub-pixel), `iterations` times.
  let cur = gaussianBlur(x, height, width, sigma);
  for (let it = 0; it < iterations; it++) {
    const next = new Float32Array(cur.length);
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        next[y * width + xx] = sampleBilinear(cur, height, width, y + rng.uniformIn(-delta, delta), xx + rng.uniformIn(-delta, delta), 'edge');
      }
    }
    cur = next;
  }
  return gaussianBlur(cur, height, width, sigma);
}

/** Magnify about the centre by `zoom` (≥ 1 crops in), bilinear, edge boundary. */
export function zoomImage(x: Float32Array, height: number, width: number, zoom: number): Float32Array {
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  return warpImage(x, height, width, (y, xx) => [cy + (y - cy) / zoom, cx + (xx - cx) / zoom], 'edge');
}

function zoomBlur(x: Float32Array, height: number, width: number, start: number, end: number, step: number): Float32Array {
  // Average of the image zoomed by start, start+step, …, end (inclusive), plus the original once more,
  // as in ImageNet-C.
  const acc = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) acc[k] = x[k];
  let count = 1;
  const nZooms = Math.floor((end - start) / step + 1e-9) + 1;
  for (let z = 0; z < nZooms; z++) {
    const zoomed = zoomImage(x, height, width, start + z * step);
    for (let k = 0; k < x.length; k++) acc[k] += zoomed[k];
    count++;
  }
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = acc[k] / count;
  return out;
}

/** Area-weighted (box) resample of an H×W image to outH×outW; exact for any ratio. */
export function boxResize(x: Float32Array, height: number, width: number, outH: number, outW: number): Float32Array {
  const weights = (n: number, m: number): { idx: number[]; w: number[] }[] => {
    // For each of m output cells, the input cells it overlaps and the overlap lengths (normalised).
    const res: { idx: number[]; w: number[] }[] = [];
    const scale = n / m;
    for (let o = 0; o < m; o++) {
      const a = o * scale;
      const b = (o + 1) * scale;
      const idx: number[] = [];
      const w: number[] = [];
      for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
        const ov = Math.min(b, i + 1) - Math.max(a, i);
        if (ov > 1e-12) {
          idx.push(i);
          w.push(ov / scale);
        }
      }
      res.push({ idx, w });
    }
    return res;
  };
  const wy = weights(height, outH);
  const wx = weights(width, outW);
  const out = new Float32Array(outH * outW);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let acc = 0;
      const ry = wy[oy];
      const rx = wx[ox];
      for (let a = 0; a < ry.idx.length; a++) {
        for (let b = 0; b < rx.idx.length; b++) acc += ry.w[a] * rx.w[b] * x[ry.idx[a] * width + rx.idx[b]];
      }
      out[oy * outW + ox] = acc;
    }
  }
  return out;
}

function pixelate(x: Float32Array, height: number, width: number, factor: number): Float32Array {
  const sh = Math.max(1, Math.round(height * factor));
  const sw = Math.max(1, Math.round(width * factor));
  const small = boxResize(x, height, width, sh, sw);
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / height));
    for (let xx = 0; xx < width; xx++) {
      const sx = Math.min(sw - 1, Math.floor(((xx + 0.5) * sw) / width));
      out[y * width + xx] = small[sy * sw + sx];
    }
  }
  return out;
}

/**
 * Real JPEG round trip with jpeg-js: quantise to 8 bits, encode as a gray RGB picture at `quality`
 * (1..100), decode, return the mean of the decoded R, G, B channels in [0, 1].
 */
export function jpegRoundTrip(x: Float32Array, height: number, width: number, quality: number): Float32Array {
  if (!(quality >= 1 && quality <= 100)) throw new Error(`jpegRoundTrip: quality must be in 1..100, got ${quality}`);
  const rgba = Buffer.alloc(height * width * 4);
  for (let k = 0; k < height * width; k++) {
    const v = Math.round(Math.min(1, Math.max(0, x[k])) * 255);
    rgba[4 * k] = v;
    rgba[4 * k + 1] = v;
    rgba[4 * k + 2] = v;
    rgba[4 * k + 3] = 255;
  }
  const encoded = jpeg.encode({ data: rgba, width, height }, quality);
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
  if (decoded.width !== width || decoded.height !== height) {
    throw new Error(`jpegRoundTrip: decoded ${decoded.height}x${decoded.width}, expected ${height}x${width}`);
  }
  const out = new Float32Array(height * width);
  for (let k = 0; k < height * width; k++) {
    out[k] = (decoded.data[4 * k] + decoded.data[4 * k + 1] + decoded.data[4 * k + 2]) / (3 * 255);
  }
  return out;
}

/**
 * {@link jpegRoundTrip} of `n` images at once. jpeg-js builds its encoder tables on every `encode`
 * call (~0.1 s), so the images are tiled into one mosaic and encoded once. Each image is first
 * padded to a multiple of 8 by replicating its last row/column — exactly what the encoder does at a
 * picture's edge — so every 8×8 block, and hence the decoded image, is identical to encoding the
 * images one by one (blocks are coded independently; DC prediction is lossless; no chroma
 * subsampling). Tested against the per-image round trip.
 */
export function jpegRoundTripBatch(images: Float32Array, n: number, height: number, width: number, quality: number): Float32Array {
  if (!(quality >= 1 && quality <= 100)) throw new Error(`jpegRoundTripBatch: quality must be in 1..100, got ${quality}`);
  const out = new Float32Array(n * height * width);
  if (n === 0) return out;
  const ph = Math.ceil(height / 8) * 8;
  const pw = Math.ceil(width / 8) * 8;
  const perRow = Math.max(1, Math.min(n, Math.floor(4096 / pw)));
  const rows = Math.ceil(n / perRow);
  const W = perRow * pw;
  const H = rows * ph;
  const rgba = Buffer.alloc(W * H * 4, 255);
  for (let k = 0; k < n; k++) {
    const oy = Math.floor(k / perRow) * ph;
    const ox = (k % perRow) * pw;
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(y, height - 1);
      for (let x = 0; x < pw; x++) {
        const sx = Math.min(x, width - 1);
        const v = Math.round(Math.min(1, Math.max(0, images[k * height * width + sy * width + sx])) * 255);
        const q = 4 * ((oy + y) * W + ox + x);
        rgba[q] = v;
        rgba[q + 1] = v;
        rgba[q + 2] = v;
      }
    }
  }
  const decoded = jpeg.decode(jpeg.encode({ data: rgba, width: W, height: H }, quality).data, { useTArray: true, formatAsRGBA: true });
  for (let k = 0; k < n; k++) {
    const oy = Math.floor(k / perRow) * ph;
    const ox = (k % perRow) * pw;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const q = 4 * ((oy + y) * W + ox + x);
        out[k * height * width + y * width + x] = (decoded.data[q] + decoded.data[q + 1] + decoded.data[q + 2]) / (3 * 255);
      }
    }
  }
  return out;
}

function elasticTransform(x: Float32Array, height: number, width: number, rms: number, smooth: number, rng: CorruptionRng): Float32Array {
  // Simard et al. 2003: uniform random displacement fields smoothed by a Gaussian. The smoothed field
  // is rescaled to the requested root-mean-square displacement (so the severity reads in pixels
  // instead of Simard's α, whose effect depends on σ).
  const n = height * width;
  const fy = new Float32Array(n);
  const fx = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    fy[k] = rng.uniformIn(-1, 1);
    fx[k] = rng.uniformIn(-1, 1);
  }
  const sy = gaussianBlur(fy, height, width, smooth);
  const sx = gaussianBlur(fx, height, width, smooth);
  let ss = 0;
  for (let k = 0; k < n; k++) ss += sy[k] * sy[k] + sx[k] * sx[k];
  const scale = ss > 0 ? rms / Math.sqrt(ss / n) : 0;
  const out = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      const k = y * width + xx;
      out[k] = sampleBilinear(x, height, width, y + scale * sy[k], xx + scale * sx[k], 'edge');
    }
  }
  return out;
}
