/**
 * A real JPEG round trip for the corruption suite (encoder and decoder from the `jpeg-js` package):
 * one image, or many at once through a single mosaic encode that gives the same bytes per image.
 */
import jpeg from 'jpeg-js';

/**
 * Real JPEG round trip with jpeg-js: quantise to 8 bits, encode as a gray RGB picture at `quality`
 * (1..100), decode, return the mean of the decoded R, G, B channels in [0, 1].
 */
export function jpegRoundTrip(x: Float32Array, height: number, width: number, quality: number): Float32Array {
  if (!(quality >= 1 && quality <= 100)) throw new Error(`jpegRoundTrip: quality must be in 1..100, got ${quality}`);
  const rgba = new Uint8Array(height * width * 4);
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
  const rgba = new Uint8Array(W * H * 4).fill(255);
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
