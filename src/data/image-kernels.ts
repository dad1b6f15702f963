/**
 * Image kernels of the corruption suite, on plain single-channel images (row-major H×W `Float32Array`):
 * 2D correlation with a boundary rule, Gaussian / disk / motion kernels, centre zoom and zoom blur, exact
 * area resampling and pixelation. Pure and deterministic (no randomness, no I/O); the JPEG round trip is
 * in jpeg.ts (it needs the encoder package).
 */
import { boundaryIndex, warpImage, type Boundary } from './shifts.js';

/** A new array with `f` applied to every value. */
export function mapPixels(x: Float32Array, f: (v: number) => number): Float32Array {
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

/** Magnify about the centre by `zoom` (≥ 1 crops in), bilinear, edge boundary. */
export function zoomImage(x: Float32Array, height: number, width: number, zoom: number): Float32Array {
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  return warpImage(x, height, width, (y, xx) => [cy + (y - cy) / zoom, cx + (xx - cx) / zoom], 'edge');
}

/**
 * Zoom blur: the mean of the image and its centre zooms by start, start + step, …, end (inclusive),
 * as in ImageNet-C.
 */
export function zoomBlur(x: Float32Array, height: number, width: number, start: number, end: number, step: number): Float32Array {
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

/**
 * Area (box) resampling weights from `n` input cells to `m` output cells: output cell o covers
 * [o·n/m, (o+1)·n/m) of the input; for each o, the input cells it overlaps and the overlap as a fraction
 * of the output cell (the weights sum to 1). True overlaps are multiples of 1/m, so the 1e-9 cut drops
 * only rounding residue.
 */
export function areaWeights(n: number, m: number): { idx: number[]; w: number[] }[] {
  const res: { idx: number[]; w: number[] }[] = [];
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    const idx: number[] = [];
    const w: number[] = [];
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const ov = Math.min(b, i + 1) - Math.max(a, i);
      if (ov > 1e-9) {
        idx.push(i);
        w.push(ov / scale);
      }
    }
    res.push({ idx, w });
  }
  return res;
}

/** Area-weighted (box) resample of an H×W image to outH×outW; exact for any ratio. */
export function boxResize(x: Float32Array, height: number, width: number, outH: number, outW: number): Float32Array {
  const wy = areaWeights(height, outH);
  const wx = areaWeights(width, outW);
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

/** Pixelate: area (box) downsample by `factor`, then nearest-neighbour upsample back to H×W. */
export function pixelate(x: Float32Array, height: number, width: number, factor: number): Float32Array {
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
