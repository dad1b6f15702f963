/**
 * The corruption suite as data: one {@link CorruptionSpec} record per corruption (ImageNet-C group,
 * whether it is seeded, its parameters at severities 1..5, how to apply it). Every list and table of
 * corruptions (names, categories, the seeded set, the severity parameters, the table in
 * docs/corruptions.md, which a test compares with these records) is derived from {@link CORRUPTION_SPECS}.
 * A new corruption is one more record here (and its kernels in image-kernels.ts).
 *
 * Parameters in pixels (`…Px`) are for 28 px images; `apply` receives `px = min(H, W) / 28` and scales
 * them. Pure and deterministic: the only randomness is the `rng` of the context.
 */
import { convolve2d, diskKernel, gaussianBlur, mapPixels, motionKernel, pixelate, zoomBlur } from './image-kernels.js';
import { jpegRoundTrip } from './jpeg.js';
import type { Rng } from './random.js';
import { sampleBilinear } from './shifts.js';

export type CorruptionCategory = 'noise' | 'blur' | 'digital';
/** Five values, one per severity (index 0 = severity 1). */
export type SeverityRow<T> = readonly [T, T, T, T, T];
type Params = Record<string, SeverityRow<unknown>>;

/** What `apply` gets besides the image: its size, the pixel scale and the corruption's seeded stream. */
export interface CorruptionContext {
  height: number;
  width: number;
  /** `min(height, width) / 28`: multiply every pixel parameter by it. */
  px: number;
  /** The stream of (seed, corruption name); the same at every severity of one seed. */
  rng: Rng;
}

export interface CorruptionSpec<P extends Params = Params> {
  /** ImageNet-C group (weather excluded). */
  category: CorruptionCategory;
  /** True when the output depends on the seed. */
  random: boolean;
  /** What the parameters mean (the "parameter" column of docs/corruptions.md). */
  parameter: string;
  /** The parameters of every severity, one row of five values per parameter. */
  params: P;
  /** The doc's cell for severity index `i`; default: the parameters' values joined by "; ". */
  cell?(p: P, i: number): string;
  /** Corrupt `x` at severity index `i` (0..4). May return values outside [0, 1]; `corrupt` clips. */
  apply(x: Float32Array, p: P, i: number, c: CorruptionContext): Float32Array;
}

const spec = <P extends Params>(s: CorruptionSpec<P>): CorruptionSpec<P> => s;

/** Every corruption, in the order used by reports and contact sheets. */
export const CORRUPTION_SPECS = {
  gaussian_noise: spec({
    category: 'noise',
    random: true,
    parameter: 'σ of additive noise',
    params: { sigma: [0.08, 0.12, 0.18, 0.26, 0.38] },
    apply: (x, p, i, { rng }) => mapPixels(x, (v) => v + p.sigma[i] * rng.normal()),
  }),
  shot_noise: spec({
    category: 'noise',
    random: true,
    parameter: 'photons λ per unit intensity, x ← Poisson(λx)/λ',
    params: { photons: [60, 25, 12, 5, 3] },
    apply: (x, p, i, { rng }) => {
      const lam = p.photons[i];
      return mapPixels(x, (v) => rng.poisson(Math.max(0, v) * lam) / lam);
    },
  }),
  impulse_noise: spec({
    category: 'noise',
    random: true,
    parameter: 'fraction of salt-and-pepper pixels (half 0, half 1)',
    params: { amount: [0.03, 0.06, 0.09, 0.17, 0.27] },
    apply: (x, p, i, { rng }) =>
      mapPixels(x, (v) => {
        const u = rng.uniform();
        const salt = rng.uniform() < 0.5;
        return u < p.amount[i] ? (salt ? 1 : 0) : v;
      }),
  }),
  speckle_noise: spec({
    category: 'noise',
    random: true,
    parameter: 'σ of multiplicative noise, x ← x + x·σ·n',
    params: { sigma: [0.15, 0.2, 0.35, 0.45, 0.6] },
    apply: (x, p, i, { rng }) => mapPixels(x, (v) => v + v * p.sigma[i] * rng.normal()),
  }),
  gaussian_blur: spec({
    category: 'blur',
    random: false,
    parameter: 'blur σ (px)',
    params: { sigmaPx: [0.5, 0.75, 1.0, 1.25, 1.5] },
    apply: (x, p, i, { height, width, px }) => gaussianBlur(x, height, width, p.sigmaPx[i] * px),
  }),
  defocus_blur: spec({
    category: 'blur',
    random: false,
    parameter: 'anti-aliased disk radius (px); then Gaussian σ (px)',
    params: { radiusPx: [1, 1.5, 2, 2.5, 3], aliasSigmaPx: [0.3, 0.4, 0.5, 0.5, 0.5] },
    apply: (x, p, i, { height, width, px }) =>
      gaussianBlur(convolve2d(x, height, width, diskKernel(p.radiusPx[i] * px), 'reflect'), height, width, p.aliasSigmaPx[i] * px),
  }),
  glass_blur: spec({
    category: 'blur',
    random: true,
    parameter: 'blur σ (px); max jitter (px); jitter iterations',
    params: { sigmaPx: [0.5, 0.6, 0.7, 0.8, 0.9], maxDeltaPx: [0.6, 0.8, 1.0, 1.2, 1.5], iterations: [1, 1, 2, 2, 2] },
    apply: (x, p, i, { height, width, px, rng }) => glassBlur(x, height, width, p.sigmaPx[i] * px, p.maxDeltaPx[i] * px, p.iterations[i], rng),
  }),
  motion_blur: spec({
    category: 'blur',
    random: true,
    parameter: 'one-sided trail, Gaussian weights σ (px), length 3σ, angle uniform in [−45°, 45°]',
    params: { sigmaPx: [1, 1.5, 2, 2.5, 3] },
    apply: (x, p, i, { height, width, px, rng }) => {
      const sigma = p.sigmaPx[i] * px;
      const angle = rng.uniformIn(-45, 45);
      return convolve2d(x, height, width, motionKernel(sigma, angle), 'edge');
    },
  }),
  zoom_blur: spec({
    category: 'blur',
    random: false,
    parameter: 'mean of the image and 11 centre zooms 1, …, max (10 equal steps)',
    params: {
      zooms: [[1, 1.1, 0.01], [1, 1.2, 0.02], [1, 1.3, 0.03], [1, 1.4, 0.04], [1, 1.5, 0.05]] as SeverityRow<readonly [number, number, number]>,
    },
    cell: (p, i) => `max ${p.zooms[i][1]}`,
    apply: (x, p, i, { height, width }) => {
      const [start, end, step] = p.zooms[i];
      return zoomBlur(x, height, width, start, end, step);
    },
  }),
  contrast: spec({
    category: 'digital',
    random: false,
    parameter: 'factor c, x ← (x − mean)·c + mean',
    params: { factor: [0.5, 0.4, 0.3, 0.2, 0.1] },
    apply: (x, p, i) => {
      const c = p.factor[i];
      let mean = 0;
      for (let k = 0; k < x.length; k++) mean += x[k];
      mean /= x.length;
      return mapPixels(x, (v) => (v - mean) * c + mean);
    },
  }),
  brightness: spec({
    category: 'digital',
    random: false,
    parameter: 'added intensity',
    params: { delta: [0.1, 0.2, 0.3, 0.4, 0.5] },
    apply: (x, p, i) => mapPixels(x, (v) => v + p.delta[i]),
  }),
  pixelate: spec({
    category: 'digital',
    random: false,
    parameter: 'resize factor, area (box) down then nearest up (side of a 28 px image in brackets)',
    params: { factor: [0.6, 0.5, 0.4, 0.3, 0.25] },
    cell: (p, i) => `${p.factor[i]} (${Math.max(1, Math.round(28 * p.factor[i]))} px)`,
    apply: (x, p, i, { height, width }) => pixelate(x, height, width, p.factor[i]),
  }),
  jpeg_compression: spec({
    category: 'digital',
    random: false,
    parameter: 'JPEG quality; real encoder/decoder (`jpeg-js`), 8-bit gray',
    params: { quality: [25, 18, 15, 10, 7] },
    apply: (x, p, i, { height, width }) => jpegRoundTrip(x, height, width, p.quality[i]),
  }),
  elastic_transform: spec({
    category: 'digital',
    random: true,
    parameter: 'RMS displacement (px); smoothness σ of the random field (px)',
    params: { rmsDisplacementPx: [0.7, 1.0, 1.3, 1.6, 2.0], smoothSigmaPx: [4, 4, 3.5, 3.5, 3] },
    apply: (x, p, i, { height, width, px, rng }) => elasticTransform(x, height, width, p.rmsDisplacementPx[i] * px, p.smoothSigmaPx[i] * px, rng),
  }),
};

export type CorruptionName = keyof typeof CORRUPTION_SPECS;

/** The doc cell of one corruption at severity index `i` (see {@link CorruptionSpec.cell}). */
export function severityCell(name: CorruptionName, i: number): string {
  const s: CorruptionSpec = CORRUPTION_SPECS[name];
  return s.cell ? s.cell(s.params, i) : Object.values(s.params).map((row) => String(row[i])).join('; ');
}

/** Glass blur: Gaussian blur, jitter every pixel by an independent sub-pixel offset `iterations` times, blur again. */
function glassBlur(x: Float32Array, height: number, width: number, sigma: number, delta: number, iterations: number, rng: Rng): Float32Array {
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

/** Elastic transform (Simard et al. 2003), displacement rescaled to an RMS in pixels. */
function elasticTransform(x: Float32Array, height: number, width: number, rms: number, smooth: number, rng: Rng): Float32Array {
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
